"""Several notification tasks at once: Redis pub/sub carries an event to a stream held by another task.

Extra notification processes run beside the test stack on its Postgres; the Redis case needs a
`redis-server` binary (Debian's package, installed by `make test`); outside CI it is skipped without one.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from cruddur_common.contracts import HOME_BATCH_PATH, NOTIFICATION_BATCH_PATH
from devstack.stack import LocalStack
from tests.extra_tasks import redis_server, service_tasks
from tests.integration.notification.support import event, identity, open_stream
from tests.internal import internal_auth
from tests.support import TestUser

pytestmark = pytest.mark.integration
STREAM = "/api/notifications/stream"


@pytest.fixture
def spawn(stack: LocalStack) -> Iterator[Callable[..., str]]:
    """Start an extra notification task with extra environment; returns its URL."""
    with service_tasks(stack, "notification", 8190) as start:
        yield start


@pytest.fixture
def redis_url(stack: LocalStack, tmp_path: Path) -> Iterator[str]:
    """A throwaway redis-server on a port of this test slot."""
    with redis_server(6390 + stack.cfg.port_offset, tmp_path) as url:
        yield url


async def test_redis_carries_events_between_tasks(
    spawn: Callable[..., str], redis_url: str, api: httpx.Client, make_user: Callable[..., TestUser]
) -> None:
    task_a = spawn("notification-a", 0, REDIS_URL=redis_url)
    task_b = spawn("notification-b", 1, REDIS_URL=redis_url)
    alice, bob = make_user(), make_user()
    recipient, actor = identity(api, alice), identity(api, bob)
    async with (
        httpx.AsyncClient(base_url=task_a, timeout=httpx.Timeout(10, read=None)) as client,
        open_stream(client, STREAM, headers=alice.headers) as stream,
        httpx.AsyncClient(base_url=task_b, auth=internal_auth()) as producer,
    ):
        for kind in ("reply", "message"):
            body = event(kind, recipient, actor)
            started = time.monotonic()
            assert (await producer.post("/internal/notifications/events", json=body)).status_code == 202
            got = await stream.next(timeout=2)
            assert got.received - started < 1.0
            assert got.event == ("message" if kind == "message" else "notification")
        # An outbox batch is one Redis message: both events and the unread count reach the other task.
        batch = [event("mention", recipient, actor), event("like", recipient, actor)]
        started = time.monotonic()
        answer = await producer.post(NOTIFICATION_BATCH_PATH, json={"events": batch})
        assert answer.status_code == 200 and all(r["ok"] for r in answer.json()["results"]), answer.text
        got = [await stream.next(timeout=2) for _ in batch]
        assert [g.data["activity_uuid"] for g in got] == [e["target"]["activity_uuid"] for e in batch]
        assert got[-1].received - started < 1.0
        counted = api.get("/api/notifications", params={"limit": 1}, headers=alice.headers)
        while await stream.next_unread(timeout=2) != counted.json()["unread_count"]:
            pass  # the counts pushed with the events before, then the batch's
        # One event for many people (home news): one message, framed once on the task that holds streams.
        home = {
            "activity_uuid": str(uuid.uuid4()),
            "author_uuid": actor["uuid"],
            "recipients": ["someone-elsewhere", recipient["sub"]],
            "created_at": datetime.now(UTC).isoformat(),
        }
        answer = await producer.post(HOME_BATCH_PATH, json={"events": [home]})
        assert answer.status_code == 200 and answer.json()["results"] == [{"ok": True, "error": None}]
        assert (await stream.next(timeout=2)).event == "home"
    ready = httpx.get(f"{task_a}/ready").json()
    assert ready["checks"]["broker"] == "ok"


async def test_keep_alive_comments(spawn: Callable[..., str], make_user: Callable[..., TestUser]) -> None:
    task = spawn("notification-keepalive", 2, SSE_KEEPALIVE_SECONDS="0.3")
    alice = make_user()
    async with (
        httpx.AsyncClient(base_url=task, timeout=httpx.Timeout(10, read=None)) as client,
        open_stream(client, STREAM, headers=alice.headers) as stream,
    ):
        deadline = time.monotonic() + 3
        while stream.keepalives < 3 and time.monotonic() < deadline:
            await asyncio.sleep(0.1)
        assert stream.keepalives >= 3
