"""Issue 18: conversations and bubbles show people's current names; unread counts and marking read."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from tests.integration.messaging.support import groups, send, wait_for_preview
from tests.support import TestUser, expect_error, wait_for

pytestmark = pytest.mark.integration


def unread(api: httpx.Client, user: TestUser) -> dict[str, Any]:
    response = api.get("/api/message_groups/unread", headers=user.headers)
    assert response.status_code == 200, response.text
    return dict(response.json())


def test_a_rename_shows_in_the_list_and_the_bubbles(
    api: httpx.Client, pair: tuple[TestUser, TestUser]
) -> None:
    alice, bob = pair
    group = send(api, bob, "before the rename", handle=alice.handle)["message_group_uuid"]
    send(api, alice, "hi", message_group_uuid=group)
    wait_for_preview(api, alice, handle=bob.handle, text="hi")
    edit = {"display_name": "Bob Renamed"}
    assert api.put("/api/profile/update", json=edit, headers=bob.headers).status_code == 200

    # lists reuse a person's card for a few seconds (people_cache_seconds): current within that
    wait_for(lambda: [g["display_name"] for g in groups(api, alice)] == ["Bob Renamed"], what="the new name")
    found = api.get(f"/api/message_groups/@{bob.handle}", headers=alice.headers).json()
    assert found["display_name"] == "Bob Renamed"
    thread = api.get(f"/api/messages/{group}", headers=alice.headers).json()
    assert [m["display_name"] for m in thread] == ["Bob Renamed", alice.name], "one name per person"


def test_a_line_written_after_a_rename_carries_the_new_name(
    api: httpx.Client, pair: tuple[TestUser, TestUser]
) -> None:
    alice, bob = pair
    group = send(api, bob, "before the rename", handle=alice.handle)["message_group_uuid"]
    assert api.put("/api/profile/update", json={"display_name": "Bob Anew"}, headers=bob.headers).is_success
    wait_for(lambda: [g["display_name"] for g in groups(api, alice)] == ["Bob Anew"], what="the new name")

    # Bob's lookup by sub is still cached from his first line (30 s); what he writes now, live on
    # Alice's screen and in her notification, has the name her lists show.
    after = send(api, bob, "after the rename", message_group_uuid=group)
    assert after["display_name"] == "Bob Anew"
    timer = api.put(f"/api/message_groups/{group}", json={"message_ttl": "1-day"}, headers=bob.headers)
    assert timer.status_code == 200, timer.text
    stored = api.get(f"/api/messages/{group}", headers=alice.headers).json()
    assert stored[-1]["message"] == "Bob Anew set messages to disappear after 1 day"


def test_unread_counts_and_marking_read(
    api: httpx.Client, pair: tuple[TestUser, TestUser], make_user: Callable[..., TestUser]
) -> None:
    alice, bob = pair
    group = send(api, bob, "one", handle=alice.handle)["message_group_uuid"]
    send(api, bob, "two", message_group_uuid=group)
    wait_for_preview(api, alice, handle=bob.handle, text="two")
    wait_for(lambda: unread(api, alice)["unread_count"] == 2, what="alice's two unread messages")
    assert unread(api, alice) == {"unread_count": 2, "conversations": 1}
    assert groups(api, alice)[0]["unread_count"] == 2
    assert unread(api, bob) == {"unread_count": 0, "conversations": 0}, "one's own messages are read"
    assert groups(api, bob)[0]["unread_count"] == 0

    read = api.post(f"/api/message_groups/{group}/read", headers=alice.headers)
    assert read.status_code == 200 and read.json() == {"unread_count": 0, "conversations": 0}
    assert groups(api, alice)[0]["unread_count"] == 0

    send(api, bob, "three", message_group_uuid=group)
    wait_for(lambda: unread(api, alice)["unread_count"] == 1, what="the next message unread")

    stranger = make_user()
    response = api.post(f"/api/message_groups/{group}/read", headers=stranger.headers)
    expect_error(response, 404, "message_group_not_found")
    expect_error(api.post("/api/message_groups/not-a-uuid/read", headers=alice.headers), 422)
