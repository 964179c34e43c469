"""Issue 18: live "N new cruds". A crud (or a repost) that enters a follower's home timeline reaches their
open stream as the `home` event; never a non-follower's, a muter's or the poster's; nothing is stored."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from cruddur_common.contracts import HOME_BATCH_PATH
from tests.integration.activity.support import follow
from tests.integration.notification.support import SseStream, identity, open_stream
from tests.internal import internal_auth
from tests.support import TestUser, post_crud, wait_for

pytestmark = pytest.mark.integration
STREAM = "/api/notifications/stream"


def _home(api: httpx.Client, user: TestUser) -> list[str]:
    response = api.get("/api/activities/home", headers=user.headers)
    assert response.status_code == 200, response.text
    return [str(item["uuid"]) for item in response.json()]


async def _home_event(stream: SseStream, activity: str, timeout: float = 10.0) -> dict[str, Any]:
    """The `home` event about `activity` (others, from earlier cruds of the test, are skipped)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        got = await stream.next(timeout=max(0.01, deadline - loop.time()))
        if got.event == "home" and got.data["activity_uuid"] == activity:
            assert got.id is None, "a home event is not in the replayed sequence"
            return dict(got.data)


def _about(stream: SseStream, activity: str) -> list[Any]:
    """`home` events already received about `activity` (without waiting; a notification, such as the
    author's "reposted your crud", is not one)."""
    out = []
    while not stream.events.empty():
        got = stream.events.get_nowait()
        if got.event == "home" and got.data.get("activity_uuid") == activity:
            out.append(got)
    return out


async def test_a_followers_home_learns_live_and_no_one_else_does(
    gateway_url: str, api: httpx.Client, make_user: Callable[..., TestUser]
) -> None:
    bob, alice, carol, mia, dan = (make_user() for _ in range(5))
    follow(api, alice, bob.handle)
    follow(api, mia, bob.handle)
    follow(api, alice, dan.handle)
    follow(api, bob, dan.handle)  # so dan's repost of bob's crud enters bob's home too
    before = post_crud(api, "before the mute", user=bob, ttl="1-day")["uuid"]
    muted = api.put(f"/api/users/@{bob.handle}/mute", json={"duration": "1-day"}, headers=mia.headers)
    assert muted.status_code == 204, muted.text
    wait_for(lambda: before not in _home(api, mia), what="the mute in mia's home")
    bob_id, dan_id = identity(api, bob), identity(api, dan)

    async with (
        httpx.AsyncClient(base_url=gateway_url, timeout=httpx.Timeout(10, read=None)) as client,
        open_stream(client, STREAM, headers=alice.headers) as follower,
        open_stream(client, STREAM, headers=carol.headers) as stranger,
        open_stream(client, STREAM, headers=mia.headers) as muter,
        open_stream(client, STREAM, headers=bob.headers) as poster,
    ):
        crud = post_crud(api, "news for my followers", user=bob, ttl="1-day")["uuid"]
        got = await _home_event(follower, crud)
        assert got == {
            "activity_uuid": crud,
            "author_uuid": bob_id["uuid"],
            "reposter_uuid": None,
            "created_at": got["created_at"],
        }
        await asyncio.sleep(0.5)  # one batch call pushed to every recipient: the others had it by now
        assert _about(stranger, crud) == [] and _about(muter, crud) == [] and _about(poster, crud) == []

        # a repost by someone alice follows reaches her too, naming the reposter
        reposted = api.put(f"/api/activities/{crud}/repost", headers=dan.headers)
        assert reposted.status_code == 200, reposted.text
        again = await _home_event(follower, crud)
        assert again["reposter_uuid"] == dan_id["uuid"] and again["author_uuid"] == bob_id["uuid"]
        await asyncio.sleep(0.5)
        assert _about(poster, crud) == [], "a repost of my own crud is not news to me"
        assert follower.unread.empty(), "a home event is not a notification: no unread count moved"

    listed = api.get("/api/notifications", headers=alice.headers).json()
    assert listed["items"] == [] and listed["unread_count"] == 0  # nothing stored, nothing counted


def test_the_home_route_needs_the_service_credential_and_refuses_bad_events_alone(
    notification_url: str,
) -> None:
    good = {
        "activity_uuid": str(uuid.uuid4()),
        "author_uuid": str(uuid.uuid4()),
        "recipients": ["nobody-listening"],
        "created_at": datetime.now(UTC).isoformat(),
    }
    url = f"{notification_url}{HOME_BATCH_PATH}"
    anonymous = httpx.post(url, json={"events": [good]}, timeout=10)
    assert anonymous.status_code == 401, anonymous.text

    bad = [good | {"recipients": []}, good | {"recipients": ["x" * 129]}, {"activity_uuid": "nope"}]
    response = httpx.post(url, json={"events": [good, *bad, good]}, auth=internal_auth(), timeout=10)
    assert response.status_code == 200, response.text
    results = response.json()["results"]
    assert [r["ok"] for r in results] == [True, False, False, False, True]
    assert all(r["error"].startswith("invalid") for r in results[1:4])
