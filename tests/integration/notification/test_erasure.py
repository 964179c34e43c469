"""A deleted account (issue 16): its notifications go both ways, later events are dropped, streams end."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from devstack.stack import LocalStack
from tests.integration.notification.support import (
    event,
    identity,
    ingest,
    ingest_all,
    listed,
    open_stream,
    relate,
    sql,
)
from tests.internal import internal_auth
from tests.support import TestUser

pytestmark = pytest.mark.integration
STREAM = "/api/notifications/stream"


def _erasure(person: dict[str, Any]) -> dict[str, Any]:
    return {"type": "erasure", "user": person["uuid"], "sub": person["sub"]}


def test_an_erasure_deletes_what_went_to_and_from_the_person_and_drops_later_events(
    api: httpx.Client, notification_url: str, make_user: Callable[..., TestUser], stack: LocalStack
) -> None:
    alice_user, bob_user, carol_user = make_user(), make_user(), make_user()
    alice, bob, carol = (identity(api, u) for u in (alice_user, bob_user, carol_user))
    to_alice = [event("like", alice, bob), event("message", alice, carol)]
    from_alice = [event("reply", bob, alice), event("follow", carol, alice)]
    others = [event("repost", bob, carol), event("mention", carol, bob)]
    assert all(r["ok"] for r in ingest_all(notification_url, [*to_alice, *from_alice, *others]))
    relate(notification_url, {"type": "block", "blocker": alice["uuid"], "blocked": carol["uuid"]})
    relate(notification_url, {"type": "mute", "muter": bob["uuid"], "muted": alice["uuid"], "until": None})

    assert relate(notification_url, _erasure(alice)) == [{"ok": True, "error": None}]
    assert listed(api, alice_user) == []
    assert listed(api, bob_user) == [others[0]["event_id"]], "bob keeps carol's, loses alice's reply"
    assert listed(api, carol_user) == [others[1]["event_id"]]
    remembered = "SELECT count(*) FROM erased_users WHERE user_uuid = $1 AND sub = $2::uuid::text"
    assert sql(stack, remembered, alice["uuid"], alice["sub"]) == 1
    relations = "SELECT (SELECT count(*) FROM blocks WHERE $1 IN (blocker, blocked)) + (SELECT count(*) FROM mutes WHERE $1 IN (muter, muted))"  # noqa: E501
    assert sql(stack, relations, alice["uuid"]) == 0, "their blocks and mutes are forgotten"

    # events delivered later, for or by them, in either ingest path: dropped, never stored
    assert ingest(notification_url, event("like", alice, bob)).json() == {"status": "dropped"}
    assert ingest(notification_url, event("message", bob, alice)).json() == {"status": "dropped"}
    timer = event("message", bob, alice)
    timer["target"] |= {"message_kind": "timer", "message_ttl": "1-day"}
    assert ingest(notification_url, timer).json() == {"status": "dropped"}
    late = [event("follow", alice, carol), event("reply", carol, alice), event("like", carol, bob)]
    assert all(r["ok"] for r in ingest_all(notification_url, late))
    assert listed(api, carol_user) == [late[2]["event_id"], others[1]["event_id"]]
    assert listed(api, alice_user) == []

    # a redelivery of the erasure changes nothing
    assert relate(notification_url, _erasure(alice), _erasure(alice)) == [{"ok": True, "error": None}] * 2
    assert listed(api, carol_user) == [late[2]["event_id"], others[1]["event_id"]]
    assert sql(stack, remembered, alice["uuid"], alice["sub"]) == 1


def test_a_row_stored_by_an_ingest_racing_the_erasure_is_hidden_and_purged(
    api: httpx.Client, notification_url: str, make_user: Callable[..., TestUser], stack: LocalStack
) -> None:
    bob_user = make_user()
    alice, bob = identity(api, make_user()), identity(api, bob_user)
    relate(notification_url, _erasure(alice))
    # what an ingest that checked the relations just before the erasure committed would leave behind
    racing = str(uuid.uuid4())
    sql(
        stack,
        "INSERT INTO notifications (event_id, recipient_sub, recipient_uuid, seq, kind, actor_uuid,"
        " actor_handle, actor_display_name, created_at)"
        " VALUES ($1, $2::uuid::text, $3, 999, 'like', $4, $5, $6, $7)",
        racing, bob["sub"], bob["uuid"], alice["uuid"], alice["handle"], alice["display_name"],
        datetime.now(UTC),
    )  # fmt: skip
    assert listed(api, bob_user) == []
    assert api.get("/api/notifications", headers=bob_user.headers).json()["unread_count"] == 0
    purged = httpx.post(f"{notification_url}/internal/notifications/purge", auth=internal_auth(), timeout=10)
    assert purged.status_code == 200 and purged.json()["deleted"] >= 1
    assert sql(stack, "SELECT count(*) FROM notifications WHERE event_id = $1", racing) == 0


async def test_an_erasure_ends_the_persons_live_streams_and_closes_new_ones_at_once(
    gateway_url: str, api: httpx.Client, notification_url: str, make_user: Callable[..., TestUser]
) -> None:
    alice_user, bob_user = make_user(), make_user()
    alice, bob, carol = identity(api, alice_user), identity(api, bob_user), identity(api, make_user())
    async with httpx.AsyncClient(base_url=gateway_url, timeout=httpx.Timeout(10, read=None)) as client:
        async with (
            open_stream(client, STREAM, headers=alice_user.headers) as theirs,
            open_stream(client, STREAM, headers=bob_user.headers) as others,
        ):
            relate(notification_url, _erasure(alice))
            goodbye = await theirs.next(timeout=5)
            assert goodbye.event == "closed" and goodbye.data == {"reason": "account_deleted"}
            assert ingest(notification_url, event("like", bob, carol)).json() == {"status": "stored"}
            assert (await others.next(timeout=5)).event == "notification", "other streams stay open"

        # their access token is still valid for a while: a new stream of theirs is closed at once
        for how in ({"headers": alice_user.headers}, {"params": {"access_token": alice_user.token}}):
            async with open_stream(client, STREAM, **how) as again:
                closed = await again.next(timeout=5)
                assert closed.event == "closed" and closed.data == {"reason": "account_deleted"}


def test_an_erasure_without_its_sub_is_refused_alone(
    api: httpx.Client, notification_url: str, make_user: Callable[..., TestUser]
) -> None:
    alice, bob_user = identity(api, make_user()), make_user()
    bob = identity(api, bob_user)
    kept = event("like", bob, alice)
    assert ingest(notification_url, kept).json() == {"status": "stored"}
    bad = {"type": "erasure", "user": alice["uuid"]}
    not_uuid = {"type": "erasure", "user": "me", "sub": alice["sub"]}
    results = relate(
        notification_url, bad, not_uuid, {"type": "unmute", "muter": bob["uuid"], "muted": alice["uuid"]}
    )
    assert [r["ok"] for r in results] == [False, False, True]
    assert all(r["error"].startswith("invalid:") for r in results[:2])
    assert listed(api, bob_user) == [kept["event_id"]], "nothing was erased"
