"""Fixtures of the notification tests: the service's own address (for its internal routes)."""

from __future__ import annotations

import pytest

from cruddur_common.registry import load_registry
from devstack.stack import LocalStack


@pytest.fixture(scope="session")
def notification_url(stack: LocalStack) -> str:
    """The notification service itself (internal endpoints are not routed by the gateway)."""
    entry = next(e for e in load_registry() if e.name == "notification")
    return stack.cfg.service_url(entry)
