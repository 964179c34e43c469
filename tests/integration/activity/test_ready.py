"""/ready checks the pools the routes run on: broken serving is a red probe, not a green one."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator, Callable

import asyncpg
import httpx
import pytest
from fastapi import FastAPI

from activity_service.db import asyncpg_dsn
from activity_service.main import create_app
from activity_service.settings import Settings
from devstack.stack import LocalStack
from tests.support import TestUser

pytestmark = pytest.mark.integration
# Which pool serves what (activity_service.db): the home feed's timeline query runs on `pg_timeline`,
# the profile header of a user page on `pg`.
SERVED_BY = {"pg": "/api/activities/@{handle}", "pg_timeline": "/api/activities/home"}


@pytest.fixture
async def app(stack: LocalStack, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[FastAPI]:
    """The activity app in-process against the test stack (no outbox: nothing else touches the pools)."""
    for key, value in stack.service_env().items():
        monkeypatch.setenv(key, value)
    built = create_app(Settings(outbox_enabled=False))
    async with built.router.lifespan_context(built):
        yield built


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://activity.test") as http:
        yield http


def _dead_port() -> int:
    """A local port nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_ready_checks_each_request_pool(client: httpx.AsyncClient) -> None:
    response = await client.get("/ready")
    assert response.status_code == 200, response.text
    checks = response.json()["checks"]
    assert checks["pg"] == checks["pg_timeline"] == checks["postgres"] == "ok"


@pytest.mark.parametrize("pool", sorted(SERVED_BY))
async def test_ready_is_red_when_a_pool_that_serves_is_broken(
    app: FastAPI,
    client: httpx.AsyncClient,
    stack: LocalStack,
    make_user: Callable[..., TestUser],
    pool: str,
) -> None:
    me = make_user()
    url = SERVED_BY[pool].format(handle=me.handle)
    assert (await client.get(url, headers=me.headers)).status_code == 200
    # The pool loses its server (the SQLAlchemy engine, which the old probe pinged, still has it).
    working = getattr(app.state, pool)
    dsn = asyncpg_dsn(stack.cfg.db_url).replace(f":{stack.cfg.pg_port}/", f":{_dead_port()}/")
    broken = await asyncpg.create_pool(dsn, min_size=0, max_size=1, timeout=2)
    setattr(app.state, pool, broken)
    try:
        assert (await client.get(url, headers=me.headers)).status_code >= 500  # serving is broken ...
        response = await client.get("/ready")
        assert response.status_code == 503, response.text  # ... and readiness says so
        checks = response.json()["checks"]
        assert checks[pool].startswith("error"), checks
        assert checks["postgres"] == "ok"
        assert all(v == "ok" for k, v in checks.items() if k != pool), checks
    finally:
        setattr(app.state, pool, working)
        await broken.close()
    assert (await client.get("/ready")).status_code == 200
