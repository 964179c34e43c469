"""Issue 14, rate limits: each limited write through the gateway, at the default limits (docs/rate-limits.md).

Each test spends one fresh user's whole quota of one action (the defaults are small enough to do that in
a second or two), then checks the 429 and its headers, that the refused write left nothing behind, and
that reads and other actions still work. Two messaging tasks (no Postgres: quick to start beside the
stack) share the counters through Redis.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from devstack.stack import LocalStack
from tests.extra_tasks import redis_server, service_tasks
from tests.support import TestUser, expect_error

pytestmark = pytest.mark.integration
User = Callable[..., TestUser]


def _limited(response: httpx.Response, action: str, quota: int, window: int) -> int:
    """Assert a 429 `rate_limited` for `action` with the draft's headers; return Retry-After."""
    error = expect_error(response, 429, "rate_limited")
    retry_after = int(response.headers["retry-after"])
    assert 1 <= retry_after <= window
    assert error["details"] == {"action": action, "retry_after": retry_after}
    assert response.headers["ratelimit-policy"] == f'"{action}";q={quota};w={window}'
    assert response.headers["ratelimit"] == f'"{action}";r=0;t={retry_after}'
    return retry_after


def _spend(
    send: Callable[[int], httpx.Response], action: str, quota: int, window: int, *, done: int = 0
) -> None:
    """Make the allowed writes left after `done`, checking the RateLimit countdown on each."""
    for n in range(done, quota):
        response = send(n)
        assert response.status_code in (200, 201, 204), (n, response.text)
        assert response.headers["ratelimit-policy"] == f'"{action}";q={quota};w={window}'
        assert response.headers["ratelimit"].startswith(f'"{action}";r={quota - 1 - n};t='), n


def _crud(api: httpx.Client, user: TestUser, message: str) -> httpx.Response:
    return api.post("/api/activities", json={"message": message, "ttl": "1-day"}, headers=user.headers)


@pytest.fixture(scope="module")
def activity_api(stack: LocalStack) -> Iterator[httpx.Client]:
    """An activity task of its own at the default post and reaction limits (the shared test stack's are
    out of reach, for the chaos load: StackConfig.for_tests), called directly as the gateway would."""
    defaults = {"RATE_LIMIT_POSTS": "30/5 minutes", "RATE_LIMIT_REACTIONS": "120/5 minutes"}
    with (
        service_tasks(stack, "activity", 8180) as start,
        httpx.Client(base_url=start("activity-rl", 0, **defaults), timeout=30) as client,
    ):
        yield client


@pytest.mark.timeout(600)  # one more service process starts
def test_posts_and_replies_share_30_per_5_minutes(activity_api: httpx.Client, make_user: User) -> None:
    api = activity_api
    author = make_user()
    first = _crud(api, author, "first")
    assert first.status_code == 201, first.text
    parent = first.json()["uuid"]

    def reply(message: str) -> httpx.Response:
        return api.post(f"/api/activities/{parent}/reply", json={"message": message}, headers=author.headers)

    _spend(lambda n: reply(f"r{n}") if n % 2 else _crud(api, author, f"p{n}"), "posts", 30, 300, done=1)
    word = f"refused{uuid.uuid4().hex[:8]}"
    _limited(_crud(api, author, word), "posts", 30, 300)
    _limited(reply(word), "posts", 30, 300)

    page = api.get(f"/api/activities/@{author.handle}", headers=author.headers)
    assert page.status_code == 200, page.text  # reads are not limited in the app
    assert word not in page.text  # the refused post was not written
    assert (
        api.put(f"/api/activities/{parent}/like", headers=author.headers).status_code == 200
    )  # another action
    assert _crud(api, make_user(), "someone else").status_code == 201  # another caller


def test_likes_and_reposts_share_120_per_5_minutes(activity_api: httpx.Client, make_user: User) -> None:
    api = activity_api
    author, fan = make_user(), make_user()
    crud = _crud(api, author, "like me").json()
    base = f"/api/activities/{crud['uuid']}"

    def send(n: int) -> httpx.Response:
        path = f"{base}/{('like', 'repost')[n // 2 % 2]}"
        return api.put(path, headers=fan.headers) if n % 2 == 0 else api.delete(path, headers=fan.headers)

    _spend(send, "reactions", 120, 300)
    _limited(api.put(f"{base}/like", headers=fan.headers), "reactions", 120, 300)
    _limited(api.delete(f"{base}/repost", headers=fan.headers), "reactions", 120, 300)
    item = api.get(f"/api/activities/@{author.handle}/status/{crud['uuid']}", headers=fan.headers)
    assert item.status_code == 200, item.text
    assert '"likes_count":0' in item.text.replace(" ", "")  # the refused like was not written


def test_follows_60_per_5_minutes(api: httpx.Client, make_user: User) -> None:
    fan, star = make_user(), make_user()
    path = f"/api/users/@{star.handle}/follow"

    def send(n: int) -> httpx.Response:
        return api.put(path, headers=fan.headers) if n % 2 == 0 else api.delete(path, headers=fan.headers)

    _spend(send, "follows", 60, 300)
    _limited(api.put(path, headers=fan.headers), "follows", 60, 300)
    following = api.get(f"/api/users/@{fan.handle}/following", headers=fan.headers)
    assert following.status_code == 200, following.text
    assert star.handle not in following.text  # the refused follow was not written


def test_direct_messages_60_per_5_minutes(api: httpx.Client, make_user: User) -> None:
    alice, bob = make_user(), make_user()
    first = api.post("/api/messages", json={"message": "m0", "handle": bob.handle}, headers=alice.headers)
    assert first.status_code == 201, first.text
    group = first.json()["message_group_uuid"]

    def send(user: TestUser, message: str) -> httpx.Response:
        body = {"message": message, "message_group_uuid": group}
        return api.post("/api/messages", json=body, headers=user.headers)

    _spend(lambda n: send(alice, f"m{n}"), "messages", 60, 300, done=1)
    _limited(send(alice, "too many"), "messages", 60, 300)
    latest = api.get(f"/api/messages/{group}", headers=bob.headers, params={"limit": 5})
    assert [m["message"] for m in latest.json()][-1] == "m59"  # the refused message was not written
    assert send(bob, "bob answers").status_code == 201  # the other member has a quota of their own


def test_upload_grants_20_per_hour(api: httpx.Client, make_user: User) -> None:
    user = make_user()

    def grant(n: int) -> httpx.Response:
        if n % 2:  # the original client's grant counts with the SPA's
            return api.post("/avatars/key_upload", json={"extension": "png"}, headers=user.headers)
        return api.post("/api/profile/avatar", json={"content_type": "image/png"}, headers=user.headers)

    _spend(grant, "uploads", 20, 3600)
    _limited(grant(0), "uploads", 20, 3600)
    _limited(grant(1), "uploads", 20, 3600)
    assert api.get("/api/profile/avatar", headers=user.headers).status_code == 200


def test_limited_writes_still_need_a_token(api: httpx.Client) -> None:
    expect_error(api.post("/api/activities", json={"message": "x", "ttl": "1-day"}), 401)
    expect_error(api.put("/api/users/@nobody/follow"), 401)


@pytest.fixture
def redis_url(stack: LocalStack, tmp_path: Path) -> Iterator[str]:
    with redis_server(6392 + stack.cfg.port_offset, tmp_path) as url:
        yield url


@pytest.mark.timeout(600)  # two more service processes start on a loaded machine
def test_two_tasks_share_the_counters_through_redis(
    stack: LocalStack, redis_url: str, make_user: User
) -> None:
    alice, bob = make_user(), make_user()
    limited = {"REDIS_URL": redis_url, "RATE_LIMIT_MESSAGES": "3/minute"}
    with service_tasks(stack, "messaging", 8170) as start, httpx.Client(timeout=30) as http:
        tasks = [start(f"messaging-rl-{n}", n, **limited) for n in (0, 1)]

        def send(n: int, body: dict[str, str]) -> httpx.Response:
            return http.post(f"{tasks[n % 2]}/api/messages", json=body, headers=alice.headers)

        first = send(0, {"message": "hi", "handle": bob.handle})
        assert first.status_code == 201, first.text
        group = {"message_group_uuid": first.json()["message_group_uuid"]}
        _spend(lambda n: send(n, {"message": f"m{n}", **group}), "messages", 3, 60, done=1)
        for n in (0, 1):  # the third message went through task 0; task 1 knows too
            _limited(send(n, {"message": "too many", **group}), "messages", 3, 60)
