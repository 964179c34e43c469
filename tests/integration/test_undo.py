"""Issue 18: unliking, un-reposting and unfollowing take back the notification they made while it is unread.

The producers are the activity service (likes, reposts) and the user service (follows); the notification
service applies the `undo` (tests/integration/notification/test_groups_and_undo.py drives it directly).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from tests.support import TestUser, wait_for

pytestmark = pytest.mark.integration


def _notes(api: httpx.Client, user: TestUser) -> list[dict[str, Any]]:
    response = api.get("/api/notifications", params={"limit": 100}, headers=user.headers)
    assert response.status_code == 200, response.text
    return list(response.json()["items"])


def _ids(api: httpx.Client, user: TestUser, actor: TestUser, kind: str) -> list[int]:
    return [n["id"] for n in _notes(api, user) if n["kind"] == kind and n["actor"]["handle"] == actor.handle]


def _count(api: httpx.Client, user: TestUser, actor: TestUser, kind: str) -> int:
    return len(_ids(api, user, actor, kind))


@pytest.mark.parametrize("kind", ["like", "repost"])
def test_taking_a_like_or_repost_back_takes_its_notification_back(
    api: httpx.Client, make_user: Callable[..., TestUser], kind: str
) -> None:
    alice, bob = make_user(), make_user()
    body = {"message": f"{kind} me", "ttl": "7-days"}
    posted = api.post("/api/activities", json=body, headers=alice.headers)
    assert posted.status_code == 201, posted.text
    path = f"/api/activities/{posted.json()['uuid']}/{kind}"

    assert api.put(path, headers=bob.headers).status_code == 200
    wait_for(lambda: _count(api, alice, bob, kind) == 1, what=f"bob's {kind}")
    assert api.delete(path, headers=bob.headers).status_code == 200
    wait_for(lambda: _count(api, alice, bob, kind) == 0, what=f"bob's {kind} taken back")

    assert api.put(path, headers=bob.headers).status_code == 200  # again: one notification, not two
    wait_for(lambda: _count(api, alice, bob, kind) == 1, what=f"bob's {kind} again")
    (second,) = _ids(api, alice, bob, kind)
    assert api.delete(path, headers=bob.headers).status_code == 200
    assert api.put(path, headers=bob.headers).status_code == 200
    # The third one is a new notification (the undo took the second): wait for it, not for any one.
    wait_for(lambda: _ids(api, alice, bob, kind) not in ([], [second]), what=f"bob's third {kind}")
    assert len(_ids(api, alice, bob, kind)) == 1


def test_an_unfollow_takes_the_follow_notification_back(
    api: httpx.Client, make_user: Callable[..., TestUser]
) -> None:
    alice, bob = make_user(), make_user()
    path = f"/api/users/@{alice.handle}/follow"
    assert api.put(path, headers=bob.headers).status_code == 200
    wait_for(lambda: _count(api, alice, bob, "follow") == 1, what="bob's follow")
    assert api.delete(path, headers=bob.headers).status_code in (200, 204)
    wait_for(lambda: _count(api, alice, bob, "follow") == 0, what="bob's unfollow")
