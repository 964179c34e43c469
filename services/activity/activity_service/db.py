"""The activity service's Postgres pools: one per purpose, each sized to it.

- `pg` (asyncpg): every route and use case but one; plain SQL without ORM or session overhead, Postgres'
  default plan caching.
- `pg_timeline` (asyncpg, `plan_cache_mode=force_generic_plan`): the signed-in home feed's timeline
  query, and the signed-out first page of the global feed (a statement without parameters, planned once
  whatever the mode). Left to itself Postgres re-plans the timeline query on every execution (~0.4 ms of
  planning for a 0.15 ms query) although the generic plan is the same index scans. It is a pool of its
  own because generic plans are wrong for the other queries: with a parameter for LIMIT the planner
  guesses a tenth of the table and sorts it (explore fell from 1,250 to 55 requests/s when one pool forced
  them; docs/performance.md). Its one statement per request runs through a `StatementPool` (below),
  which lends the connections without asyncpg's per-checkout cost (kept because it pays:
  docs/activity.md, "Postgres connections").
- the SQLAlchemy engine (`app.state.engine`, opened by cruddur_common.app for every service with a
  schema): the migrations' advisory lock and the outbox's delivery loop (cruddur_common.outbox speaks
  SQLAlchemy Core), a few connections at most (`db_pool_size` in settings.py), never a request.

/ready checks the two request pools (READINESS), beside the engine's `postgres` check.
"""

from __future__ import annotations

import asyncio
import collections
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated, Any

import asyncpg
from fastapi import Depends, FastAPI, Request

from activity_service.models import SCHEMA
from activity_service.settings import Settings
from cruddur_common.db import CONNECT_TIMEOUT_SECONDS, POOL_TIMEOUT_SECONDS

log = logging.getLogger(__name__)
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
        timeout=CONNECT_TIMEOUT_SECONDS,  # a blackholed server: a 503 within seconds, not asyncpg's 60 s
    )
    assert pool is not None
    return pool


def _usable(conn: asyncpg.Connection) -> bool:
    """Whether a lent connection is still open (asyncpg takes back one whose server went away)."""
    try:
        return not conn.is_closed()
    except asyncpg.InterfaceError:  # "released back to the pool": asyncpg's cleanup after a lost connection
        return False


class StatementPool:
    """Single statements, outside transactions, on connections lent from an asyncpg pool.

    asyncpg's `Pool.fetch` checks a connection out and back in around each statement, and the check-in
    runs in a shielded Task of its own: about 40 µs of CPU and four extra event-loop turns per request,
    a tenth of the home feed's worker time (docs/performance.md). A single statement outside a transaction
    leaves no session state behind, so it needs none of that: up to `size` connections are checked out of
    `pool` once, on first use, and lent from a free list.

    asyncpg still owns the connections: it connects, configures and closes them. A connection that broke,
    or whose statement was cancelled, goes back to `pool` (asyncpg waits for the cancellation, or
    terminates it) and its slot is filled again from `pool` on the next use. asyncpg's recycling
    (`max_queries`, the inactivity timeout) acts on release, so a lent connection stays open until then:
    fine for one prepared statement run over and over.
    """

    def __init__(self, pool: asyncpg.Pool, *, size: int) -> None:
        self.pool = pool
        self._free: list[asyncpg.Connection] = []
        self._empty_slots = size  # slots with no connection checked out yet (or any more)
        self._waiters: collections.deque[asyncio.Future[asyncpg.Connection | None]] = collections.deque()
        self._returning: set[asyncio.Task[None]] = set()
        self._closing = False

    async def fetch(self, query: str, *args: Any) -> list[asyncpg.Record]:
        """Run one statement and return its rows (asyncpg's `fetch`)."""
        conn = await self._borrow()
        try:
            rows: list[asyncpg.Record] = await conn.fetch(query, *args)
        except asyncpg.PostgresError:
            # The server refused the statement; the connection is as good as before unless it closed.
            self._hand_back(conn if _usable(conn) else None, retired=conn)
            raise
        except BaseException:  # cancelled mid-statement, or the connection broke
            self._hand_back(None, retired=conn)
            raise
        self._hand_back(conn)
        return rows

    async def _borrow(self) -> asyncpg.Connection:
        conn: asyncpg.Connection | None = None
        while self._free:
            conn = self._free.pop()
            if _usable(conn):
                return conn
            self._retire(conn)  # the server went away while it was idle: fill its slot anew
            self._empty_slots += 1
            conn = None
        if self._empty_slots:
            self._empty_slots -= 1
            conn = None
        else:
            waiter = asyncio.get_running_loop().create_future()
            self._waiters.append(waiter)
            try:
                conn = await waiter
            except asyncio.CancelledError:
                if waiter.done() and not waiter.cancelled():  # handed a slot just as we were cancelled
                    self._hand_back(waiter.result())
                else:
                    self._waiters.remove(waiter)
                raise
        if conn is None:  # an empty slot: fill it from the asyncpg pool
            try:
                conn = await self.pool.acquire(timeout=POOL_TIMEOUT_SECONDS)
            except BaseException:
                self._hand_back(None)
                raise
        return conn

    def _hand_back(
        self, conn: asyncpg.Connection | None, *, retired: asyncpg.Connection | None = None
    ) -> None:
        """Pass a slot (a connection, or None for an empty slot) to the next waiter, or keep it."""
        if self._closing and conn is not None:  # close() waits for every connection to come back
            retired, conn = conn, None
        if retired is not None and retired is not conn:
            self._retire(retired)
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(conn)
                return
        if conn is None:
            self._empty_slots += 1
        else:
            self._free.append(conn)

    def _retire(self, conn: asyncpg.Connection) -> None:
        task = asyncio.get_running_loop().create_task(self._return_to_pool(conn))
        self._returning.add(task)
        task.add_done_callback(self._returning.discard)

    async def _return_to_pool(self, conn: asyncpg.Connection) -> None:
        try:
            await self.pool.release(conn)
        except Exception:  # asyncpg terminated it; the pool opens a new one when needed
            log.info("statement pool: a retired connection could not be reset", exc_info=True)

    async def close(self) -> None:
        """Return every connection to the asyncpg pool, then close it (waiting for statements in flight)."""
        self._closing = True
        free, self._free = self._free, []
        self._empty_slots += len(free)
        for conn in free:
            await self._return_to_pool(conn)
        await self.pool.close()  # asyncpg waits until lent connections are back (see _hand_back)


async def open_pool(app: FastAPI) -> None:
    """Startup hook: open the two request pools (the module docstring says why two)."""
    settings = app.state.settings
    app.state.pg = await create_pool(settings)
    timeline = await create_pool(settings, generic_plans=True)
    app.state.pg_timeline = StatementPool(timeline, size=settings.pg_pool_max)


async def close_pool(app: FastAPI) -> None:
    """Shutdown hook: close the request pools."""
    timeline: StatementPool | None = getattr(app.state, "pg_timeline", None)
    if timeline is not None:
        await timeline.close()
    pool: asyncpg.Pool | None = getattr(app.state, "pg", None)
    if pool is not None:
        await pool.close()


async def ping_pg(app: FastAPI) -> None:
    """Readiness: a statement on the pool that serves every route but the signed-in home feed."""
    pool: asyncpg.Pool = app.state.pg
    await asyncio.wait_for(pool.execute("SELECT 1"), POOL_TIMEOUT_SECONDS)


async def ping_pg_timeline(app: FastAPI) -> None:
    """Readiness: a statement through the `StatementPool` that serves the signed-in home feed."""
    timeline: StatementPool = app.state.pg_timeline
    await asyncio.wait_for(timeline.fetch("SELECT 1"), POOL_TIMEOUT_SECONDS)


# What /ready checks: the pools the routes run on (cruddur_common.app adds `postgres`, the SQLAlchemy
# engine, which serves only the migrations and the outbox).
READINESS = (("pg", ping_pg), ("pg_timeline", ping_pg_timeline))


async def get_pool(request: Request) -> asyncpg.Pool:
    """The process's pool (async: a sync dependency would hop through the thread pool)."""
    pool: asyncpg.Pool = request.app.state.pg
    return pool


@asynccontextmanager
async def transaction(pool: asyncpg.Pool) -> AsyncIterator[asyncpg.Connection]:
    """One connection in one transaction: committed on success, rolled back on any error."""
    # Every connection busy with a server that hangs: a 503 after the pool timeout, not a queue forever.
    async with pool.acquire(timeout=POOL_TIMEOUT_SECONDS) as conn, conn.transaction():
        yield conn


PoolDep = Annotated[asyncpg.Pool, Depends(get_pool)]
