"""The outbox on real Postgres: events in the action's transaction, batches, parking, and surviving blips."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import Iterator
from typing import Any

import asyncpg
import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from cruddur_common import outbox
from cruddur_common.registry import load_registry
from devstack.stack import LocalStack
from tests.integration.activity.support import Db, follow
from tests.support import wait_for

pytestmark = pytest.mark.integration


def _events(db: Db, activity_uuid: str) -> list[dict[str, Any]]:
    rows = db.fetch(
        "SELECT body::text AS body FROM outbox WHERE body->'target'->>'activity_uuid' = $1 ORDER BY id",
        activity_uuid,
    )
    return [json.loads(r["body"]) for r in rows]


@pytest.fixture
def held(db: Db) -> Iterator[Db]:
    """Hold the activity service's delivery lock for notifications: its events stay queued to be read."""
    db.execute("SELECT pg_advisory_lock(hashtext('activity.outbox.notification'))")
    try:
        yield db
    finally:
        db.execute("SELECT pg_advisory_unlock(hashtext('activity.outbox.notification'))")


def test_actions_write_contract_events(api: httpx.Client, make_user, post, held: Db) -> None:
    author, fan = make_user(), make_user()
    follow(api, fan, author.handle)
    crud = post(author, f"hello @{fan.handle}")
    api.put(f"/api/activities/{crud['uuid']}/like", headers=fan.headers)
    api.put(f"/api/activities/{crud['uuid']}/like", headers=author.headers)  # self-like: no event
    api.put(f"/api/activities/{crud['uuid']}/repost", headers=fan.headers)
    reply = api.post(
        f"/api/activities/{crud['uuid']}/reply", json={"message": "hey"}, headers=fan.headers
    ).json()
    kinds = [e["kind"] for e in _events(held, crud["uuid"])]
    assert kinds == ["mention", "like", "repost"]
    mention, like, _ = _events(held, crud["uuid"])
    assert mention["recipient"]["uuid"] and mention["recipient"]["sub"]
    assert mention["actor"]["handle"] == author.handle
    assert like["actor"]["handle"] == fan.handle
    assert like["target"]["activity_handle"] == author.handle
    assert like["target"]["preview"] == crud["message"]
    assert like["expires_at"].startswith(crud["expires_at"][:19])
    uuid.UUID(like["event_id"])
    (reply_event,) = _events(held, reply["uuid"])
    assert reply_event["kind"] == "reply" and reply_event["target"]["activity_handle"] == fan.handle
    assert api.delete(f"/api/activities/{crud['uuid']}", headers=author.headers).status_code == 204
    retracts = [
        e for e in _events(held, crud["uuid"]) + _events(held, reply["uuid"]) if e["kind"] == "retract"
    ]
    assert len(retracts) == 2 and all("recipient" not in e for e in retracts)


def _engine(url: str, name: str) -> Any:
    return create_async_engine(
        url.replace("postgresql://", "postgresql+asyncpg://"),
        connect_args={"server_settings": {"search_path": "activity,public", "application_name": name}},
    )


async def _enqueue(url: str, destination: str, bodies: list[Any]) -> None:
    conn = await asyncpg.connect(url, server_settings={"search_path": "activity"})
    try:
        async with conn.transaction():
            await outbox.enqueue(conn, destination=destination, bodies=bodies)
    finally:
        await conn.close()


class Peer:
    """A consumer's batch endpoint: records calls, refuses events marked poison, can be down."""

    def __init__(self) -> None:
        self.calls: list[list[Any]] = []
        self.down = False

    def handle(self, request: httpx.Request) -> httpx.Response:
        if self.down:
            raise httpx.ConnectError("connection refused", request=request)
        events = json.loads(request.content)["events"]
        self.calls.append(events)
        results = [
            {"ok": not e.get("poison"), "error": "invalid: poison" if e.get("poison") else None}
            for e in events
        ]
        return httpx.Response(200, json={"results": results})

    def seen(self) -> list[int]:
        return [e["n"] for call in self.calls for e in call if not e.get("poison")]


def _deliverer(engine: Any, peer: Peer, destination: str) -> outbox.Deliverer:
    return outbox.wire(
        engine=engine,
        lock_namespace="activity-test",
        http=httpx.AsyncClient(transport=httpx.MockTransport(peer.handle)),
        destinations={destination: outbox.Destination("http://peer", "/batch")},
        policy=outbox.Policy(
            poll_seconds=0.05, batch_size=10, max_backoff_seconds=0.2, round_backoff_seconds=0.2
        ),
    )


def test_batches_go_out_in_order_poison_is_parked_and_nothing_delivered_is_kept(stack: LocalStack) -> None:
    url, destination = stack.cfg.db_url, f"test-{uuid.uuid4().hex[:8]}"

    async def scenario() -> None:
        bodies = [{"n": i} for i in range(12)]
        bodies.insert(4, {"n": -1, "poison": True})
        await _enqueue(url, destination, bodies)
        engine = _engine(url, "outbox-test")
        peer = Peer()
        deliverer = _deliverer(engine, peer, destination)
        try:
            peer.down = True
            assert await deliverer.deliver_once(destination) == 0  # postponed, still queued
            peer.down = False
            await asyncio.sleep(0.6)  # the head's backoff
            while await deliverer.deliver_once(destination):
                pass
            assert peer.seen() == list(range(12))
            assert [len(c) for c in peer.calls] == [1, 10, 2]  # the failed head alone, then batches
            async with engine.connect() as conn:
                pending = await conn.scalar(
                    text("SELECT count(*) FROM outbox WHERE destination = :d"), {"d": destination}
                )
                parked = (
                    await conn.execute(
                        text("SELECT body, error FROM outbox_parked WHERE destination = :d"),
                        {"d": destination},
                    )
                ).all()
            assert pending == 0
            assert [(p.body["n"], p.error) for p in parked] == [(-1, "invalid: poison")]
        finally:
            await engine.dispose()

    asyncio.run(scenario())


def test_delivery_resumes_after_the_outbox_connections_are_terminated(stack: LocalStack) -> None:
    # Finding 1 at the deliverer: a connection killed under it used to end the loop for good.
    url, destination = stack.cfg.db_url, f"test-{uuid.uuid4().hex[:8]}"
    name = f"outbox-{uuid.uuid4().hex[:8]}"

    async def scenario() -> None:
        engine = _engine(url, name)
        peer = Peer()
        task = asyncio.create_task(_deliverer(engine, peer, destination).run())
        admin = await asyncpg.connect(url)
        try:
            for n in range(3):
                await _enqueue(url, destination, [{"n": n}])
                await _until(lambda n=n: n in peer.seen())
                killed = await admin.fetchval(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                    "WHERE application_name = $1",
                    name,
                )
                assert killed >= 1
            assert not task.done()
            # at least once: a kill between the call and the commit redelivers, never skips or reorders
            assert list(dict.fromkeys(peer.seen())) == [0, 1, 2]
        finally:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
            await admin.close()
            await engine.dispose()

    asyncio.run(scenario())


async def _until(check: Any, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.05)


def _service_url(stack: LocalStack, name: str) -> str:
    return stack.cfg.service_url(next(e for e in load_registry() if e.name == name))


def test_the_service_outbox_survives_its_connections_being_killed(
    api: httpx.Client, make_user, post, stack
) -> None:
    # Finding 1 end to end: every connection to the database is killed; the outbox delivers again.
    author, fan = make_user(), make_user()
    crud = post(author, "hello")

    async def kill_all() -> int:
        admin = await asyncpg.connect(stack.cfg.db_url)
        try:
            killed: int = await admin.fetchval(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid() "
                "AND backend_type = 'client backend'"
            )
            return killed
        finally:
            await admin.close()

    assert asyncio.run(kill_all()) >= 1
    deadline = time.monotonic() + 10
    while api.put(f"/api/activities/{crud['uuid']}/like", headers=fan.headers).status_code >= 300:
        assert time.monotonic() < deadline, "the like never succeeded after the blip"
        time.sleep(0.2)

    def liked() -> bool:
        page = api.get("/api/notifications", headers=author.headers)
        return page.status_code == 200 and any(n["kind"] == "like" for n in page.json()["items"])

    wait_for(liked, what="the like's notification after the blip")
    ready = httpx.get(_service_url(stack, "activity") + "/ready", timeout=10).json()
    assert ready["checks"]["task:outbox"] == "ok"
    assert set(ready["detail"]["outbox"]) == {"pending", "oldest_pending_seconds", "parked"}
