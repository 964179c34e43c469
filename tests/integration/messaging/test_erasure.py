"""A deleted account (issue 16) through messaging's consumer: the other member keeps a read-only chat."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from cruddur_common.contracts import MESSAGING_RELATIONS_PATH
from messaging_service.conversations import keys, repository
from messaging_service.conversations.repository import Table
from messaging_service.moderation import repository as moderation
from tests.integration.messaging.support import groups, me, send, wait_for_preview
from tests.internal import internal_auth
from tests.support import TestUser, expect_error

pytestmark = pytest.mark.integration


def erase(messaging_url: str, *events: dict[str, Any], auth: httpx.Auth | None = None) -> httpx.Response:
    """POST relation events to messaging's consumer as the user service's outbox does."""
    return httpx.post(
        f"{messaging_url}{MESSAGING_RELATIONS_PATH}",
        json={"events": list(events)},
        auth=auth or internal_auth(),
        timeout=30,
    )


def erasure(profile: dict[str, Any]) -> dict[str, Any]:
    """The erasure event of a user (their `/api/users/me`)."""
    return {"type": "erasure", "user": profile["uuid"], "sub": profile["cognito_user_id"]}


def _lines(api: httpx.Client, user: TestUser, group: str) -> list[str]:
    response = api.get(f"/api/messages/{group}", headers=user.headers)
    assert response.status_code == 200, response.text
    return [m["message"] for m in response.json()]


def _hold(messaging_url: str, message: dict[str, Any], reporter: dict[str, Any]) -> None:
    until = (datetime.now(UTC) + timedelta(days=90)).isoformat()
    response = httpx.put(
        f"{messaging_url}/internal/messages/{message['uuid']}/holds/{uuid.uuid4()}",
        json={"reporter": reporter["uuid"], "until": until},
        auth=internal_auth(),
        timeout=10,
    )
    assert response.status_code == 200, response.text


async def test_the_other_member_keeps_a_read_only_conversation_with_a_deleted_account(
    api: httpx.Client, messaging_url: str, make_user: Callable[..., TestUser], table: Table
) -> None:
    alice, bob, carol = make_user(), make_user(), make_user()
    leaver, bobs = me(api, alice), me(api, bob)
    group = send(api, alice, "hi bob", handle=bob.handle)["message_group_uuid"]
    send(api, bob, "hi alice", message_group_uuid=group)
    evidence = send(api, alice, "you will regret this", message_group_uuid=group)
    _hold(messaging_url, evidence, bobs)  # bob reported it: a moderator must still see it
    bye = send(api, alice, "bye", message_group_uuid=group)
    with_carol = send(api, carol, "hey alice", handle=alice.handle)["message_group_uuid"]
    send(api, alice, "yo", message_group_uuid=with_carol)
    send(api, bob, "unrelated", handle=carol.handle)
    wait_for_preview(api, bob, handle=alice.handle, text="bye")
    wait_for_preview(api, carol, handle=alice.handle, text="yo")

    assert erase(messaging_url, erasure(leaver)).json() == {"results": [{"ok": True, "error": None}]}

    deleted = {"handle": None, "display_name": "Deleted account", "avatar_url": None}
    listed = {g["uuid"]: g for g in groups(api, bob)}
    assert {k: listed[group][k] for k in deleted} == deleted
    assert listed[group]["message"] == "hi alice", "the preview steps back to bob's own last line"
    assert _lines(api, bob, group) == ["hi alice"], "her messages are gone, the held one hidden"
    (with_alice,) = [g for g in groups(api, carol) if g["uuid"] == with_carol]
    assert {k: with_alice[k] for k in deleted} == deleted and with_alice["message"] == "hey alice"
    assert [g["handle"] for g in groups(api, carol) if g["uuid"] != with_carol] == [bob.handle]

    held = await moderation.find_message(table, message_uuid=evidence["uuid"])
    assert held is not None and held["holds"] and "expires_at" in held, "kept for moderators, expired"
    assert await moderation.find_message(table, message_uuid=bye["uuid"]) is None
    # a late (redelivered) stream record of her last message cannot bring its text back into bob's preview
    sent_at = keys.format_ts(datetime.fromisoformat(bye["created_at"]))
    late = {"sk": keys.message_sk(sent_at, bye["uuid"]), "message": "bye", "created_at": sent_at}
    assert not await repository.set_last_message(
        table,
        owner_uuid=bobs["uuid"],
        other_uuid=leaver["uuid"],
        message=late | {"message_group_uuid": group},
    )

    # the conversation is read-only: every way of writing to her is refused
    for body in ({"message_group_uuid": group}, {"handle": alice.handle}):
        refused = api.post("/api/messages", json={"message": "hello?"} | body, headers=bob.headers)
        expect_error(refused, 409, "recipient_deleted")
    timer = api.put(f"/api/message_groups/{group}", json={"message_ttl": "1-day"}, headers=bob.headers)
    expect_error(timer, 409, "recipient_deleted")
    stranger = make_user()  # never wrote to her; her handle still resolves (a lookup cached before)
    new = api.post("/api/messages", json={"message": "hi", "handle": alice.handle}, headers=stranger.headers)
    expect_error(new, 409, "recipient_deleted")
    # her still-valid token: no conversation left, none readable, none to start
    assert groups(api, alice) == []
    expect_error(api.get(f"/api/messages/{group}", headers=alice.headers), 404, "message_group_not_found")
    again = api.post(
        "/api/messages", json={"message": "hi", "handle": stranger.handle}, headers=alice.headers
    )
    expect_error(again, 401, "account_deleted")

    # a redelivery is a no-op
    before = groups(api, bob)
    redelivered = erase(messaging_url, erasure(leaver), erasure(leaver)).json()["results"]
    assert redelivered == [{"ok": True, "error": None}] * 2
    assert groups(api, bob) == before and _lines(api, bob, group) == ["hi alice"]


def test_other_relation_events_are_not_for_messaging_and_bad_ones_are_refused_alone(
    api: httpx.Client, messaging_url: str, make_user: Callable[..., TestUser]
) -> None:
    alice, bob = make_user(), make_user()
    a, b = me(api, alice), me(api, bob)
    send(api, alice, "still here", handle=bob.handle)
    wait_for_preview(api, bob, handle=alice.handle, text="still here")
    events = [
        {"type": "block", "blocker": a["uuid"], "blocked": b["uuid"]},
        {"type": "erasure", "user": a["uuid"]},  # no sub
        {"type": "shun"},
        erasure({"uuid": str(uuid.uuid4()), "cognito_user_id": "nobody"}),  # unknown: nothing to do
    ]
    results = erase(messaging_url, *events).json()["results"]
    assert [r["ok"] for r in results] == [False, False, False, True]
    assert results[0]["error"] == "not for this service: block"
    assert results[1]["error"].startswith("invalid:") and results[2]["error"].startswith("invalid:")
    (kept,) = groups(api, bob)
    assert (kept["handle"], kept["message"]) == (alice.handle, "still here"), "nothing was erased"


@pytest.mark.parametrize(
    "body", [{"events": []}, {"events": "x"}, {}, {"events": [{"type": "erasure"}] * 1001}]
)
def test_a_malformed_batch_is_a_4xx(messaging_url: str, body: object) -> None:
    response = httpx.post(
        f"{messaging_url}{MESSAGING_RELATIONS_PATH}", json=body, auth=internal_auth(), timeout=10
    )
    assert 400 <= response.status_code < 500 and response.status_code != 401, response.text


def test_the_consumer_needs_the_service_credential(messaging_url: str) -> None:
    erasing = {"type": "erasure", "user": str(uuid.uuid4()), "sub": "x"}
    response = httpx.post(
        f"{messaging_url}{MESSAGING_RELATIONS_PATH}", json={"events": [erasing]}, timeout=10
    )
    assert response.status_code == 401
