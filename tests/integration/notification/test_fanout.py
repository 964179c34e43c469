"""Several notification tasks at once: Redis pub/sub carries an event to a stream held by another task.

Extra notification processes run beside the test stack on its Postgres; the Redis case needs a
`redis-server` binary (Debian's package, installed by `make test`); outside CI it is skipped without one.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

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
