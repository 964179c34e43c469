"""Notification events: written in the action's transaction, delivered at least once as peers come and go."""

from __future__ import annotations

import asyncio
import uuid

import asyncpg
import httpx
import pytest

from activity_service.db import asyncpg_dsn
from activity_service.outbox import repository
from activity_service.outbox.deliverer import Deliverer
from tests.integration.activity.conftest import follow

pytestmark = pytest.mark.integration


def _events(db, activity_uuid: str) -> list[dict]:
    import json

    rows = db.fetch(
        "SELECT body::text AS body FROM outbox WHERE body->'target'->>'activity_uuid' = $1 ORDER BY id",
        activity_uuid,
    )
    return [json.loads(r["body"]) for r in rows]


def test_actions_write_contract_events(api: httpx.Client, make_user, post, db) -> None:
    author, fan = make_user(), make_user()
    follow(api, fan, author.handle)
    crud = post(author, f"hello @{fan.handle}")
    api.put(f"/api/activities/{crud['uuid']}/like", headers=fan.headers)
    api.put(f"/api/activities/{crud['uuid']}/like", headers=author.headers)  # self-like: no event
    api.put(f"/api/activities/{crud['uuid']}/repost", headers=fan.headers)
    reply = api.post(
        f"/api/activities/{crud['uuid']}/reply", json={"message": "hey"}, headers=fan.headers
    ).json()
    kinds = [e["kind"] for e in _events(db, crud["uuid"])]
    assert kinds == ["mention", "like", "repost"]
    mention, like, _ = _events(db, crud["uuid"])
    assert mention["recipient"]["uuid"] and mention["recipient"]["sub"]
    assert mention["actor"]["handle"] == author.handle
    assert like["actor"]["handle"] == fan.handle
    assert like["target"]["activity_handle"] == author.handle
    assert like["target"]["preview"] == crud["message"]
    assert like["expires_at"].startswith(crud["expires_at"][:19])
    uuid.UUID(like["event_id"])
    (reply_event,) = _events(db, reply["uuid"])
    assert reply_event["kind"] == "reply" and reply_event["target"]["activity_handle"] == fan.handle
    assert api.delete(f"/api/activities/{crud['uuid']}", headers=author.headers).status_code == 204
    retracts = [e for e in _events(db, crud["uuid"]) + _events(db, reply["uuid"]) if e["kind"] == "retract"]
    assert len(retracts) == 2 and all("recipient" not in e for e in retracts)


async def _deliver_with(url: str, transport: httpx.MockTransport, destination: str) -> tuple[int, int]:
    pool = await asyncpg.create_pool(asyncpg_dsn(url), server_settings={"search_path": "activity,public"})
    try:
        async with httpx.AsyncClient(transport=transport) as http:
            deliverer = Deliverer(
                pool=pool,
                http=http,
                destinations={destination: "http://peer"},
                poll_seconds=0.05,
                batch_size=10,
                max_backoff_seconds=0.01,
            )
            handled = await deliverer.deliver_once(destination, "http://peer")
        return handled, await repository.pending_count(pool, destination)
    finally:
        await pool.close()


def test_events_wait_while_the_peer_is_down_and_go_out_in_order_when_it_is_back(stack) -> None:
    destination = f"test-{uuid.uuid4().hex[:8]}"

    async def enqueue() -> None:
        conn = await asyncpg.connect(
            asyncpg_dsn(stack.cfg.db_url), server_settings={"search_path": "activity"}
        )
        try:
            async with conn.transaction():
                await repository.enqueue(
                    conn,
                    destination=destination,
                    method="POST",
                    path="/events",
                    bodies=[{"n": i} for i in range(3)],
                )
        finally:
            await conn.close()

    asyncio.run(enqueue())

    def down(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    assert asyncio.run(_deliver_with(stack.cfg.db_url, httpx.MockTransport(down), destination)) == (0, 3)
    unavailable = httpx.MockTransport(lambda r: httpx.Response(503))
    assert asyncio.run(_deliver_with(stack.cfg.db_url, unavailable, destination)) == (0, 3)
    seen: list[int] = []

    def up(request: httpx.Request) -> httpx.Response:
        import json

        seen.append(json.loads(request.content)["n"])
        return httpx.Response(202)

    import time

    time.sleep(0.05)  # the backoff of the failed head
    assert asyncio.run(_deliver_with(stack.cfg.db_url, httpx.MockTransport(up), destination)) == (3, 0)
    assert seen == [0, 1, 2]
