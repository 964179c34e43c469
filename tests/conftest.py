"""Shared fixtures: one local stack (embedded Postgres + moto + services + gateway) per test session."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import httpx
import pytest

from devstack.config import StackConfig
from devstack.stack import LocalStack
from tests.support import TestUser, create_user


@pytest.fixture(scope="session")
def stack() -> Iterator[LocalStack]:
    """The whole product on its own test ports and data directory, started once."""
    local = LocalStack(StackConfig.for_tests())
    local.wipe()
    local.start()
    try:
        yield local
    finally:
        local.stop()


@pytest.fixture(scope="session")
def gateway_url(stack: LocalStack) -> str:
    """The test stack's gateway."""
    return stack.cfg.gateway_url


@pytest.fixture(scope="session")
def client_id(stack: LocalStack) -> str:
    """The local Cognito app client."""
    assert stack.aws is not None
    return stack.aws.client_id


@pytest.fixture
def api(gateway_url: str) -> Iterator[httpx.Client]:
    """An HTTP client on the gateway."""
    with httpx.Client(base_url=gateway_url, timeout=30) as client:
        yield client


@pytest.fixture
def make_user(gateway_url: str, client_id: str) -> Callable[..., TestUser]:
    """Factory: a new confirmed, signed-in user per call."""

    def factory(**kwargs: str) -> TestUser:
        return create_user(gateway_url, client_id, **kwargs)

    return factory
