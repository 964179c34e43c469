"""Fixtures of the user service's reports and moderation tests: the API, moderators, direct SQL."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import httpx
import pytest

from cruddur_common.registry import route, service
from devstack.aws_bootstrap import add_moderator
from devstack.stack import LocalStack
from tests.integration.activity.support import Db
from tests.integration.user.safety import skip_unless_served
from tests.support import TestUser, sign_in


@pytest.fixture(scope="session")
def safety_url(stack: LocalStack, gateway_url: str) -> str:
    """Where /api/reports and /api/moderation are served: the gateway once the registry routes them there.

    The routing registry gains these paths when issue 14's branches are merged (the user rule is full);
    until then the tests talk to the user service directly, as the gateway would.
    """
    if (entry := route("/api/moderation/reports")) is not None and entry.name == "user":
        return gateway_url
    return stack.cfg.service_url(service("user"))


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
    """Direct SQL on the test database (name the `users.` schema in queries)."""
    helper = Db(stack.cfg.db_url)
    try:
        yield helper
    finally:
        helper.close()


@pytest.fixture
def activity_holds(stack: LocalStack) -> None:
    """Skips a test until the activity service holds, shows and removes cruds for reports."""
    skip_unless_served(stack, "activity", "/internal/cruds/{crud_uuid}/holds/{report_id}")


@pytest.fixture
def messaging_holds(stack: LocalStack) -> None:
    """Skips a test until the messaging service holds and removes messages for reports."""
    skip_unless_served(stack, "messaging", "/internal/messages/{message_uuid}/holds/{report_id}")
