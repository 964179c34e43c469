"""Fixtures of the messaging tests: two users, and this process pointed at the test stack."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.support import TestUser


@pytest.fixture
def pair(make_user: Callable[..., TestUser]) -> tuple[TestUser, TestUser]:
    """Two fresh users."""
    return make_user(), make_user()


@pytest.fixture
def aws_env(monkeypatch: pytest.MonkeyPatch, stack: Any) -> dict[str, str]:
    """This process's environment pointed at the test stack (for in-process clients and handlers)."""
    env = {
        k: v
        for k, v in stack.service_env().items()
        if k.startswith(("AWS_", "COGNITO_", "MESSAGES_TABLE", "INTERNAL_SECRET")) or k.endswith("_URL")
    }
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return env
