"""asyncpg pool of the activity service: the hot paths run plain SQL without ORM or session overhead."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated

import asyncpg
from fastapi import Depends, FastAPI, Request

from activity_service.models import SCHEMA
from activity_service.settings import Settings

Pool = asyncpg.Pool
Connection = asyncpg.Connection


def asyncpg_dsn(sqlalchemy_url: str) -> str:
    """The plain postgresql:// DSN asyncpg understands."""
    return sqlalchemy_url.replace("postgresql+asyncpg://", "postgresql://", 1)


async def _keep_session(_: asyncpg.Connection) -> None:
    """Release hook: our code never changes session state (no SET, LISTEN or session advisory locks).

    asyncpg still rolls back an open transaction first; skipping its RESET ALL / UNLISTEN round trip
    saves one query per request on every hot path.
    """


async def create_pool(settings: Settings, *, generic_plans: bool = False) -> asyncpg.Pool:
    """A pool whose connections look in the `activity` schema and speak UTC."""
    url = settings.sqlalchemy_url
    if not url:
        raise RuntimeError("activity: DATABASE_URL (or DB_HOST/DB_USER/...) is required")
    server_settings = {"search_path": f"{SCHEMA},public", "timezone": "UTC", "jit": "off"}
    if generic_plans:
        server_settings["plan_cache_mode"] = "force_generic_plan"
    pool = await asyncpg.create_pool(
        asyncpg_dsn(url),
        min_size=settings.pg_pool_min if not generic_plans else 1,
        max_size=settings.pg_pool_max,
        server_settings=server_settings,
        reset=_keep_session,
    )
    assert pool is not None
    return pool


async def open_pool(app: FastAPI) -> None:
    """Startup hook: open the pools.

    `pg` serves everything with Postgres' default plan caching. `pg_timeline` serves only the signed-in
    home feed's timeline query with `plan_cache_mode=force_generic_plan`: left to itself Postgres re-plans
    that query on every execution (~0.4 ms of planning for a 0.15 ms query) although the generic plan is
    the same index scans. It is a pool of its own because generic plans are wrong for other queries: with
    a parameter for LIMIT the planner guesses a tenth of the table and sorts it (explore fell from 1,250 to
    55 requests/s when one pool forced them; docs/performance.md).
    """
    app.state.pg = await create_pool(app.state.settings)
    app.state.pg_timeline = await create_pool(app.state.settings, generic_plans=True)


async def close_pool(app: FastAPI) -> None:
    """Shutdown hook: close the pools."""
    for name in ("pg", "pg_timeline"):
        pool: asyncpg.Pool | None = getattr(app.state, name, None)
        if pool is not None:
            await pool.close()


async def get_pool(request: Request) -> asyncpg.Pool:
    """The process's pool (async: a sync dependency would hop through the thread pool)."""
    pool: asyncpg.Pool = request.app.state.pg
    return pool


@asynccontextmanager
async def transaction(pool: asyncpg.Pool) -> AsyncIterator[asyncpg.Connection]:
    """One connection in one transaction: committed on success, rolled back on any error."""
    async with pool.acquire() as conn, conn.transaction():
        yield conn


PoolDep = Annotated[asyncpg.Pool, Depends(get_pool)]
