"""Blocks, mutes and suspensions from the user service's outbox: what ingest then drops, deletes and hides."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from cruddur_common import db
from cruddur_common.contracts import RELATIONS_BATCH_PATH
from devstack.stack import LocalStack
from notification_service.ingest import service
from notification_service.models import SCHEMA
from notification_service.notifications import repository as notifications
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
RELATIONS = RELATIONS_BATCH_PATH
STREAM = "/api/notifications/stream"
KINDS = ("reply", "mention", "like", "repost", "follow", "message")


def test_a_block_drops_every_kind_both_ways_until_unblocked(
    api: httpx.Client, notification_url: str, make_user: Callable[..., TestUser]
) -> None:
    alice_user, bob_user = make_user(), make_user()
    alice, bob, carol = identity(api, alice_user), identity(api, bob_user), identity(api, make_user())
    relate(notification_url, {"type": "block", "blocker": alice["uuid"], "blocked": bob["uuid"]})

    to_alice = [event(kind, alice, bob) for kind in KINDS]
    to_bob = [event(kind, bob, alice) for kind in KINDS]
    from_carol = event("like", alice, carol)
    assert all(r["ok"] for r in ingest_all(notification_url, [*to_alice, *to_bob, from_carol]))
    assert ingest(notification_url, event("reply", alice, bob)).json() == {"status": "dropped"}
    assert ingest(notification_url, event("message", bob, alice)).json() == {"status": "dropped"}
    assert listed(api, alice_user) == [from_carol["event_id"]]
    assert listed(api, bob_user) == []

    relate(notification_url, {"type": "unblock", "blocker": alice["uuid"], "blocked": bob["uuid"]})
    again = event("follow", alice, bob)
    assert ingest(notification_url, again).json() == {"status": "stored"}
    assert listed(api, alice_user) == [again["event_id"], from_carol["event_id"]]


async def test_a_block_deletes_what_the_two_sent_each_other_and_the_stream_no_longer_has_it(
    gateway_url: str, api: httpx.Client, notification_url: str, make_user: Callable[..., TestUser]
) -> None:
    alice_user, bob_user = make_user(), make_user()
    alice, bob, carol = identity(api, alice_user), identity(api, bob_user), identity(api, make_user())
    from_bob = [event("like", alice, bob), event("message", alice, bob)]
    from_alice = event("reply", bob, alice)
    from_carol = event("follow", alice, carol)
    assert all(r["ok"] for r in ingest_all(notification_url, [*from_bob, from_alice, from_carol]))
    async with httpx.AsyncClient(base_url=gateway_url, timeout=httpx.Timeout(10, read=None)) as client:
        async with open_stream(client, STREAM, headers=alice_user.headers | {"last-event-id": "0"}) as stream:
            assert [(await stream.next()).id for _ in range(3)] == [1, 2, 3]

            # bob blocks alice: the blocked one is not told, but nothing stays between them
            relate(notification_url, {"type": "block", "blocker": bob["uuid"], "blocked": alice["uuid"]})
            assert listed(api, alice_user) == [from_carol["event_id"]]
            assert listed(api, bob_user) == []
            unread = api.get("/api/notifications", headers=alice_user.headers).json()["unread_count"]
            assert unread == 1

            late = event("mention", alice, bob)  # an outbox event in flight when the block arrived
            ingest(notification_url, late)
            last = event("like", alice, carol)
            ingest(notification_url, last)
            got = await stream.next()
            assert got.data["uuid"] == last["event_id"], "the late mention was not streamed"

        async with open_stream(client, STREAM, headers=alice_user.headers | {"last-event-id": "0"}) as stream:
            replayed = [await stream.next(timeout=2) for _ in range(2)]
            assert [e.data["uuid"] for e in replayed] == [from_carol["event_id"], last["event_id"]]
            with pytest.raises(TimeoutError):
                await stream.next(timeout=0.5)


def test_a_mute_hides_the_muted_from_the_muter_only_and_never_their_messages(
    api: httpx.Client, notification_url: str, make_user: Callable[..., TestUser], stack: LocalStack
) -> None:
    alice_user, bob_user = make_user(), make_user()
    alice, bob = identity(api, alice_user), identity(api, bob_user)
    week = (datetime.now(UTC) + timedelta(days=7)).isoformat()
    relate(notification_url, {"type": "mute", "muter": alice["uuid"], "muted": bob["uuid"], "until": week})

    muted = [event(kind, alice, bob) for kind in KINDS if kind != "message"]
    message = event("message", alice, bob)
    to_bob = event("like", bob, alice)
    assert all(r["ok"] for r in ingest_all(notification_url, [*muted, message, to_bob]))
    assert listed(api, alice_user) == [message["event_id"]], "direct messages still arrive"
    assert listed(api, bob_user) == [to_bob["event_id"]], "a mute is one way"

    # the week passes (the database's clock, not a sleep): the mute lapses by itself
    sql(stack, "UPDATE mutes SET until = now() - interval '1 second' WHERE muter = $1", alice["uuid"])
    lapsed = event("follow", alice, bob)
    assert ingest(notification_url, lapsed).json() == {"status": "stored"}

    relate(notification_url, {"type": "mute", "muter": alice["uuid"], "muted": bob["uuid"], "until": None})
    assert ingest(notification_url, event("like", alice, bob)).json() == {"status": "dropped"}
    relate(notification_url, {"type": "unmute", "muter": alice["uuid"], "muted": bob["uuid"]})
    unmuted = event("like", alice, bob)
    assert ingest(notification_url, unmuted).json() == {"status": "stored"}
    assert listed(api, alice_user) == [unmuted["event_id"], lapsed["event_id"], message["event_id"]]


def test_a_suspended_actor_is_dropped_and_hidden_until_unsuspended(
    api: httpx.Client, notification_url: str, make_user: Callable[..., TestUser]
) -> None:
    alice_user = make_user()
    alice, mallory, carol = identity(api, alice_user), identity(api, make_user()), identity(api, make_user())
    before = event("reply", alice, mallory)
    from_carol = event("like", alice, carol)
    assert all(r["ok"] for r in ingest_all(notification_url, [before, from_carol]))

    relate(notification_url, {"type": "suspension", "user": mallory["uuid"], "suspended": True})
    assert ingest(notification_url, event("message", alice, mallory)).json() == {"status": "dropped"}
    page = api.get("/api/notifications", headers=alice_user.headers).json()
    assert [n["uuid"] for n in page["items"]] == [from_carol["event_id"]]
    assert page["unread_count"] == 1

    relate(notification_url, {"type": "suspension", "user": mallory["uuid"], "suspended": False})
    assert listed(api, alice_user) == [from_carol["event_id"], before["event_id"]], "shown again"
    assert ingest(notification_url, event("follow", alice, mallory)).json() == {"status": "stored"}


def test_a_relation_batch_is_applied_in_order_and_a_bad_event_is_refused_alone(
    api: httpx.Client, notification_url: str, make_user: Callable[..., TestUser]
) -> None:
    alice_user = make_user()
    alice, bob, carol = identity(api, alice_user), identity(api, make_user()), identity(api, make_user())
    earlier = event("like", alice, bob)
    assert ingest(notification_url, earlier).json() == {"status": "stored"}
    block = {"type": "block", "blocker": alice["uuid"], "blocked": bob["uuid"]}
    unblock = block | {"type": "unblock"}
    self_block = {"type": "block", "blocker": carol["uuid"], "blocked": carol["uuid"]}
    mute = {"type": "mute", "muter": alice["uuid"], "muted": carol["uuid"], "until": None}
    results = relate(
        notification_url, block, {"type": "shun", "who": "x"}, unblock, self_block, mute, mute, block, unblock
    )
    assert [r["ok"] for r in results] == [True, False, True, False, True, True, True, True]
    assert results[1]["error"].startswith("invalid:")
    assert "CheckViolation" in results[3]["error"]
    assert listed(api, alice_user) == [], "each block deleted what came before it, even if lifted since"
    after = event("like", alice, bob)
    assert ingest(notification_url, after).json() == {"status": "stored"}, "the last event decides: unblocked"
    assert ingest(notification_url, event("like", alice, carol)).json() == {"status": "dropped"}, "muted"


@pytest.mark.parametrize(
    "body", [{"events": []}, {"events": "x"}, {}, {"events": [{"type": "block"}] * 1001}]
)
def test_a_malformed_relation_batch_is_a_4xx(notification_url: str, body: object) -> None:
    response = httpx.post(f"{notification_url}{RELATIONS}", json=body, auth=internal_auth(), timeout=10)
    assert 400 <= response.status_code < 500 and response.status_code != 401, response.text


def test_relation_events_need_the_service_credential(notification_url: str) -> None:
    response = httpx.post(f"{notification_url}{RELATIONS}", json={"events": [{"type": "x"}]}, timeout=10)
    assert response.status_code == 401


def test_an_ingest_batch_asks_about_relations_once_whatever_its_size(
    api: httpx.Client,
    notification_url: str,
    make_user: Callable[..., TestUser],
    stack: LocalStack,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Set-based like the rest of the batch path (issue 12): one query for the batch, not one per event."""
    people = [identity(api, make_user()) for _ in range(4)]
    relate(notification_url, {"type": "block", "blocker": people[0]["uuid"], "blocked": people[1]["uuid"]})
    batch = [event(kind, to, by) for kind in KINDS for to in people for by in people if to is not by]
    calls: list[int] = []
    prechecks = notifications.prechecks

    async def counted(*args: Any, **kwargs: Any) -> notifications.Prechecks:
        calls.append(len(kwargs["pairs"]))
        return await prechecks(*args, **kwargs)

    monkeypatch.setattr(notifications, "prechecks", counted)

    class Broker:
        async def publish_each(self, items: Any) -> None:
            """Nobody listens."""

    async def scenario() -> list[bool]:
        url = stack.cfg.db_url.replace("postgresql://", "postgresql+asyncpg://", 1)
        engine = db.create_engine(url, schema=SCHEMA, pool_size=1)
        try:
            result = await service.ingest_batch(db.session_factory(engine), Broker(), batch)  # type: ignore[arg-type]
            return [r.ok for r in result.results]
        finally:
            await engine.dispose()

    assert asyncio.run(scenario()) == [True] * len(batch)
    assert calls == [12], "one query for the batch's 12 distinct (actor, recipient) pairs"
    stored = sql(stack, "SELECT count(*) FROM notifications WHERE event_id = ANY($1::uuid[])",
                  [e["event_id"] for e in batch])  # fmt: skip
    assert stored == len(batch) - 2 * len(KINDS), "everything but what went between 0 and 1, both ways"
