"""Fixtures of the user API tests: direct SQL on the users schema, the user outbox held to be read,
the report and moderation API, and moderators."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import httpx
import pytest

from devstack.aws_bootstrap import add_moderator
from devstack.stack import LocalStack
from tests.integration.activity.support import Db
from tests.support import TestUser, sign_in

# The outbox destinations whose delivery `held` stops (cruddur_common.outbox: "<namespace>.outbox.<name>").
HELD_DESTINATIONS = ("activity", "relations")


@pytest.fixture(scope="session")
def safety_url(gateway_url: str) -> str:
    """Where /api/reports and /api/moderation are served: the gateway (services/registry.toml)."""
    return gateway_url


@pytest.fixture
def safety_api(safety_url: str) -> Iterator[httpx.Client]:
    """An HTTP client for the report and moderation routes."""
    with httpx.Client(base_url=safety_url, timeout=30) as client:
        yield client


@pytest.fixture
def make_moderator(
    stack: LocalStack, gateway_url: str, client_id: str, make_user: Callable[..., TestUser]
) -> Callable[[], TestUser]:
    """Factory: a new user in the Cognito group `moderators`, signed in again so the token says so."""

    def factory() -> TestUser:
        user = make_user()
        add_moderator(stack.cfg.aws_url, user.email)
        user.token = sign_in(gateway_url, client_id, user.email)
        return user

    return factory


@pytest.fixture
def db(stack: LocalStack) -> Iterator[Db]:
    """Direct SQL: the users schema first, then activity (a mute's `until` moved into the past; cruds)."""
    helper = Db(stack.cfg.db_url)
    helper.execute("SET search_path TO users, activity, public")  # users first; activity for cruds
    try:
        yield helper
    finally:
        helper.close()


@pytest.fixture
def held(db: Db) -> Iterator[Db]:
    """Hold the user outbox's delivery locks for activity and relations: their events stay to be read."""
    for name in HELD_DESTINATIONS:
        db.execute("SELECT pg_advisory_lock(hashtext($1))", f"users.outbox.{name}")
    try:
        yield db
    finally:
        for name in HELD_DESTINATIONS:
            db.execute("SELECT pg_advisory_unlock(hashtext($1))", f"users.outbox.{name}")
