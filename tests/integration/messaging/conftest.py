"""Fixtures of the messaging tests: two users, and this process pointed at the test stack."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import aioboto3
import pytest

from cruddur_common.registry import load_registry
from devstack.stack import LocalStack
from messaging_service.conversations.repository import Table
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


@pytest.fixture
async def table(aws_env: dict[str, str]) -> AsyncIterator[Table]:
    """The real messages table on the test stack's moto."""
    async with aioboto3.Session().client(
        "dynamodb", endpoint_url=aws_env["AWS_ENDPOINT_URL"], region_name=aws_env["AWS_REGION"]
    ) as client:
        yield Table(client=client, name=aws_env["MESSAGES_TABLE"])


@pytest.fixture(scope="session")
def messaging_url(stack: LocalStack) -> str:
    """The messaging service itself (internal endpoints are not routed by the gateway)."""
    entry = next(e for e in load_registry() if e.name == "messaging")
    return stack.cfg.service_url(entry)
