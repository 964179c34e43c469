"""Issue 12 finding 6: /internal/* straight on a service port, without and with the service credential."""

from __future__ import annotations

import time
from collections.abc import Callable

import httpx
import pytest

from cruddur_common.registry import service
from devstack.stack import LocalStack
from tests.support import TestUser, expect_error

pytestmark = pytest.mark.integration


def _forged_author(me: dict[str, str], **changes: str) -> dict[str, str]:
    return {
        "uuid": me["uuid"],
        "cognito_user_id": me["cognito_user_id"],
        "handle": me["handle"],
        "display_name": "PWNED",
        "avatar_url": "javascript:alert(1)",
        "updated_at": "2999-01-01T00:00:00Z",  # newer than any real copy, so it would win
    } | changes


def _served_author(api: httpx.Client, user: TestUser) -> dict[str, str]:
    page = api.get(f"/api/activities/@{user.handle}", headers=user.headers)
    assert page.status_code == 200, page.text
    item = page.json()["activities"][0]
    return {"display_name": item["display_name"], "avatar_url": item["avatar_url"]}


def test_a_forged_projection_update_is_refused_and_never_served(
    stack: LocalStack, api: httpx.Client, make_user: Callable[..., TestUser]
) -> None:
    user = make_user()
    posted = api.post("/api/activities", json={"message": "mine", "ttl": "1-day"}, headers=user.headers)
    assert posted.status_code == 201, posted.text
    before = _served_author(api, user)
    me = api.get("/api/users/me", headers=user.headers).json()
    url = f"{stack.cfg.service_url(service('activity'))}/internal/authors/{me['uuid']}"

    expect_error(httpx.put(url, json=_forged_author(me), timeout=10), 401, "internal_credential_required")
    # Even a caller holding the credential cannot plant a script URL that browsers would render.
    for bad in (
        "javascript:alert(1)",
        "data:text/html,x",
        "//evil.example/a.png",
        "http://evil.example/a.png",
    ):
        signed = httpx.put(
            url, json=_forged_author(me, avatar_url=bad), timeout=10, auth=stack.internal_auth()
        )
        expect_error(signed, 422, "validation_error")
    assert _served_author(api, user) == before


@pytest.mark.parametrize(
    ("name", "method", "path"),
    [
        ("activity", "PUT", "/internal/follows"),
        ("user", "GET", "/internal/users/by-sub/x"),
        ("user", "POST", "/internal/avatars/claim"),
        ("notification", "POST", "/internal/notifications/events"),
        ("notification", "POST", "/internal/notifications/purge"),
    ],
)
def test_each_services_internal_routes_answer_401_on_their_own_port(
    stack: LocalStack, name: str, method: str, path: str
) -> None:
    url = stack.cfg.service_url(service(name)) + path
    expect_error(httpx.request(method, url, json={}, timeout=10), 401, "internal_credential_required")


def test_services_still_reach_each_other(
    stack: LocalStack, api: httpx.Client, make_user: Callable[..., TestUser]
) -> None:
    """The outbox deliverers (user -> activity, user -> notification) sign their calls."""
    follower, followee = make_user(), make_user()
    followed = api.put(f"/api/users/@{followee.handle}/follow", headers=follower.headers)
    assert followed.status_code == 200, followed.text
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        items = api.get("/api/notifications", headers=followee.headers).json()["items"]
        if any(i["kind"] == "follow" for i in items):
            return
        time.sleep(0.1)
    pytest.fail("the follow notification never arrived: an outbox call was refused?")
