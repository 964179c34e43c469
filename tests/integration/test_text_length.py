"""Every limit on user text counts user-perceived characters (issue 18): a family emoji is one.

The emoji is seven code points, so each "at the limit" case was refused when limits counted code
points, and each downstream copy (the author projection, the DM stream, the notification) must accept
what the API accepted.
"""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from tests.integration.messaging.support import groups, send
from tests.support import TestUser, expect_error, wait_for

pytestmark = pytest.mark.integration

FAMILY = "\U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466"  # one character, 7 code points


def test_cruds_and_replies_count_families_as_one(
    api: httpx.Client, make_user: Callable[..., TestUser]
) -> None:
    user = make_user()
    ok = api.post("/api/activities", json={"message": FAMILY * 280, "ttl": "1-day"}, headers=user.headers)
    assert ok.status_code == 201, ok.text
    over = api.post("/api/activities", json={"message": FAMILY * 281, "ttl": "1-day"}, headers=user.headers)
    assert expect_error(over, 422, "message_too_long")["details"] == {"max": 280, "length": 281}
    reply = f"/api/activities/{ok.json()['uuid']}/reply"
    assert api.post(reply, json={"message": FAMILY * 1024}, headers=user.headers).status_code == 201
    expect_error(
        api.post(reply, json={"message": FAMILY * 1025}, headers=user.headers), 422, "message_too_long"
    )


def test_a_profile_of_families_is_accepted_and_projected(
    api: httpx.Client, make_user: Callable[..., TestUser]
) -> None:
    user = make_user()
    name, bio = FAMILY * 50, FAMILY * 160
    edit = api.put("/api/profile/update", json={"display_name": name, "bio": bio}, headers=user.headers)
    assert edit.status_code == 200, edit.text

    def projected() -> bool:
        found = api.get("/api/activities/search", params={"term": user.handle}).json()["users"]
        return [u["display_name"] for u in found if u["handle"] == user.handle] == [name]

    wait_for(projected, what="the activity service's copy of the new name", timeout=30)
    too_long = {"display_name": name + FAMILY, "bio": ""}
    expect_error(
        api.put("/api/profile/update", json=too_long, headers=user.headers), 422, "display_name_too_long"
    )
    too_long = {"display_name": "ok", "bio": bio + FAMILY}
    expect_error(api.put("/api/profile/update", json=too_long, headers=user.headers), 422, "bio_too_long")


def test_a_message_of_families_is_sent_and_streamed(
    api: httpx.Client, make_user: Callable[..., TestUser]
) -> None:
    alice, bob = make_user(), make_user()
    sent = send(api, alice, FAMILY * 1024, handle=bob.handle)
    assert sent["message"] == FAMILY * 1024
    expect_error(
        api.post(
            "/api/messages", json={"message": FAMILY * 1025, "handle": bob.handle}, headers=alice.headers
        ),
        422,
        "message_too_long",
    )

    def previewed() -> bool:  # the stream processor took the message (a code-point limit dropped it)
        return any(g["handle"] == alice.handle and g["message"].startswith(FAMILY) for g in groups(api, bob))

    wait_for(previewed, what="bob's preview of the message", timeout=30)
