"""The outboxes' batch ingest: one result per event, in order; a poison event is refused, the rest stored."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from cruddur_common import db
from cruddur_common.contracts import NOTIFICATION_BATCH_PATH
from devstack.stack import LocalStack
from notification_service.ingest import service
from notification_service.models import SCHEMA
from notification_service.notifications import repository
from tests.integration.notification.support import event, identity, ingest
from tests.internal import internal_auth
from tests.support import TestUser

pytestmark = pytest.mark.integration


def test_a_poison_event_is_refused_and_the_events_after_it_are_stored(
    api: httpx.Client, notification_url: str, make_user: Callable[..., TestUser]
) -> None:
    user, other = make_user(), make_user()
    recipient, actor = identity(api, user), identity(api, other)
    first = event("follow", recipient, actor)
    incomplete = {"kind": "like", "event_id": "not-a-uuid"}
    last = event("follow", recipient, actor)
    batch = [first, incomplete, last, first]  # the last one is a redelivery
    response = _post(notification_url, {"events": batch})
    assert response.status_code == 200, response.text
    results = response.json()["results"]
    assert [r["ok"] for r in results] == [True, False, True, True]
    assert results[1]["error"].startswith("invalid:")
    stored = api.get("/api/notifications", headers=user.headers).json()["items"]
    assert sorted(n["uuid"] for n in stored) == sorted([first["event_id"], last["event_id"]])


def test_a_batch_with_a_control_character_is_refused_whole_at_the_edge(
    api: httpx.Client, notification_url: str, make_user: Callable[..., TestUser]
) -> None:
    """U+0000 never reaches Postgres; the outbox then resends one event at a time and parks only it."""
    recipient, actor = identity(api, make_user()), identity(api, make_user())
    nul = event("follow", recipient, actor | {"display_name": "Nul\u0000Name"})
    response = _post(notification_url, {"events": [event("follow", recipient, actor), nul]})
    assert (response.status_code, response.json()["error"]["code"]) == (422, "invalid_characters")


def test_a_retract_takes_the_events_about_its_crud_before_and_after_it_in_one_batch(
    api: httpx.Client, notification_url: str, make_user: Callable[..., TestUser]
) -> None:
    user, other = make_user(), make_user()
    recipient, actor = identity(api, user), identity(api, other)
    like = event("like", recipient, actor)
    crud = like["target"]["activity_uuid"]
    retract = {"event_id": str(uuid.uuid4()), "kind": "retract", "target": {"activity_uuid": crud},
               "created_at": like["created_at"]}  # fmt: skip
    reply = event("reply", recipient, actor, target=like["target"])
    follow = event("follow", recipient, actor)
    results = _post(notification_url, {"events": [like, retract, reply, follow]}).json()["results"]
    assert [r["ok"] for r in results] == [True] * 4
    items = _items(api, user)
    assert [(n["uuid"], n["id"]) for n in items] == [(follow["event_id"], 1)], "no number spent on the crud"


def test_each_recipient_of_a_batch_is_numbered_in_batch_order(
    api: httpx.Client, notification_url: str, make_user: Callable[..., TestUser]
) -> None:
    first, second, actor_user = make_user(), make_user(), make_user()
    one, two, actor = identity(api, first), identity(api, second), identity(api, actor_user)
    batch = [event("follow", to, actor) for to in (one, two, one, two, one)]
    assert all(r["ok"] for r in _post(notification_url, {"events": batch}).json()["results"])
    assert [(n["uuid"], n["id"]) for n in _items(api, first)] == [
        (batch[4]["event_id"], 3), (batch[2]["event_id"], 2), (batch[0]["event_id"], 1)
    ]  # fmt: skip
    assert [(n["uuid"], n["id"]) for n in _items(api, second)] == [
        (batch[3]["event_id"], 2), (batch[1]["event_id"], 1)
    ]  # fmt: skip


def test_an_event_stored_concurrently_sends_the_batch_the_slow_way_without_losing_a_number(
    api: httpx.Client,
    notification_url: str,
    make_user: Callable[..., TestUser],
    stack: LocalStack,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    user, other = make_user(), make_user()
    recipient, actor = identity(api, user), identity(api, other)
    raced, fresh = event("follow", recipient, actor), event("like", recipient, actor)
    assert ingest(notification_url, raced).json() == {"status": "stored"}

    prechecks = repository.prechecks

    async def nothing_stored(*args: Any, **kwargs: Any) -> repository.Prechecks:
        found = await prechecks(*args, **kwargs)
        found.stored.clear()  # as if `raced` was stored by another delivery after the batch looked
        return found

    monkeypatch.setattr(repository, "prechecks", nothing_stored)
    published: list[int] = []

    class Broker:
        async def publish_each(self, items: list[tuple[str, Any]]) -> None:
            published.extend(envelope["id"] for _, envelope in items)

    assert _ingest_batch(stack, Broker(), [raced, fresh]) == [True, True]
    assert [(n["uuid"], n["id"]) for n in _items(api, user)] == [
        (fresh["event_id"], 2),
        (raced["event_id"], 1),
    ]
    assert [i for i in published if i is not None] == [2]  # None: the unread count that follows it


def test_each_recipient_of_a_batch_gets_its_own_unread_count_in_one_dispatch(
    api: httpx.Client, make_user: Callable[..., TestUser], stack: LocalStack
) -> None:
    """Issue 19: one query counts every recipient's unread (a group once), one dispatch pushes them with
    the rows."""
    one, two, bob, carol = (identity(api, make_user()) for _ in range(4))
    like = event("like", one, bob)
    same_crud = event("like", one, carol, target=like["target"])  # grouped with the first: counts once
    calls: list[list[tuple[str, Any]]] = []

    class Broker:
        async def publish_each(self, items: list[tuple[str, Any]]) -> None:
            calls.append(list(items))

    batch = [like, event("follow", two, bob), same_crud, event("mention", one, carol)]
    assert _ingest_batch(stack, Broker(), batch) == [True] * 4
    [pushed] = calls  # the rows, then the counts: each stream wakes once for both
    rows = [(sub, e) for sub, e in pushed if e["event"] == "notification"]
    counts = [(sub, e) for sub, e in pushed if e["event"] == "unread"]
    assert pushed == rows + counts
    assert [(sub, e["id"]) for sub, e in rows] == [
        (one["sub"], 1),
        (two["sub"], 1),
        (one["sub"], 2),
        (one["sub"], 3),
    ]
    assert sorted((sub, e["data"]["unread_count"]) for sub, e in counts) == sorted(
        [(one["sub"], 2), (two["sub"], 1)]
    )


def _ingest_batch(stack: LocalStack, broker: object, events: list[dict[str, Any]]) -> list[bool]:
    """`service.ingest_batch` in this process against the stack's database, with a stand-in broker."""

    async def scenario() -> list[bool]:
        url = stack.cfg.db_url.replace("postgresql://", "postgresql+asyncpg://", 1)
        engine = db.create_engine(url, schema=SCHEMA, pool_size=1)
        try:
            sessions = db.session_factory(engine)
            result = await service.ingest_batch(sessions, broker, list(events))  # type: ignore[arg-type]
            return [r.ok for r in result.results]
        finally:
            await engine.dispose()

    return asyncio.run(scenario())


@pytest.mark.parametrize("body", [{"events": []}, {"events": "x"}, {}])
def test_a_malformed_batch_is_a_4xx(notification_url: str, body: object) -> None:
    response = _post(notification_url, body)
    assert 400 <= response.status_code < 500 and response.status_code != 401, response.text


def _post(notification_url: str, body: object) -> httpx.Response:
    return httpx.post(
        f"{notification_url}{NOTIFICATION_BATCH_PATH}", json=body, auth=internal_auth(), timeout=10
    )


def _items(api: httpx.Client, user: TestUser) -> list[dict[str, Any]]:
    response = api.get("/api/notifications", headers=user.headers)
    assert response.status_code == 200, response.text
    return list(response.json()["items"])


def test_service_connections_run_without_jit(stack: LocalStack) -> None:
    """Issue 19: a batch's unread count crossed `jit_above_cost` as the table grew and spent 190 ms of its
    430 compiling on every batch; the services' engines turn JIT off, as the activity pool does."""

    async def setting() -> str:
        url = stack.cfg.db_url.replace("postgresql://", "postgresql+asyncpg://", 1)
        engine = db.create_engine(url, schema=SCHEMA, pool_size=1)
        try:
            async with engine.connect() as conn:
                return str(await conn.scalar(text("SHOW jit")))
        finally:
            await engine.dispose()

    assert asyncio.run(setting()) == "off"
