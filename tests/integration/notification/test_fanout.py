"""Several notification tasks at once: Redis pub/sub carries an event to a stream held by another task.

Extra notification processes run beside the test stack on its Postgres; the Redis case needs a
`redis-server` binary (Debian's package, installed by `make test`); outside CI it is skipped without one.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from cruddur_common.registry import load_registry
from devstack.processes import Child
from devstack.stack import LocalStack, uvicorn_args
from tests.integration.notification.support import event, identity, open_stream
from tests.internal import internal_auth
from tests.support import TestUser

pytestmark = pytest.mark.integration
STREAM = "/api/notifications/stream"


def _wait_ready(url: str, child: Child, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert child.alive(), child.tail()
        try:
            if httpx.get(f"{url}/ready", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"{url} not ready:\n{child.tail()}")


@pytest.fixture
def spawn(stack: LocalStack) -> Iterator[Callable[..., str]]:
    """Start an extra notification task with extra environment; returns its URL."""
    children: list[Child] = []

    def start(name: str, port_shift: int, **env: str) -> str:
        port = 8190 + port_shift + stack.cfg.port_offset
        entry = next(e for e in load_registry() if e.name == "notification")
        args = ["-m", "uvicorn", *uvicorn_args(entry, port=port, workers=1)]
        child = Child(name, args, env=stack.service_env() | env, log_dir=stack.log_dir)
        child.start()
        children.append(child)
        url = f"http://127.0.0.1:{port}"
        _wait_ready(url, child)
        return url

    yield start
    for child in children:
        child.stop()


@pytest.fixture
def redis_url(stack: LocalStack, tmp_path: Path) -> Iterator[str]:
    """A throwaway redis-server on a port of this test slot."""
    binary = shutil.which("redis-server")
    if binary is None:
        if os.environ.get("CI"):  # `make test` installs it; in CI a missing server is a failure, not a skip
            pytest.fail("redis-server is not installed (scripts/bootstrap.sh redis)")
        pytest.skip("redis-server is not installed (apt-get install redis-server)")
    port = 6390 + stack.cfg.port_offset
    proc = subprocess.Popen(
        [
            binary,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(tmp_path),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(0.05)
    try:
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


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
