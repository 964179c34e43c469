"""StatementPool (activity_service.db) on the test stack's Postgres: lending, waiting, failures, close."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import asyncpg
import pytest

from activity_service.db import StatementPool, asyncpg_dsn
from devstack.stack import LocalStack

SIZE = 2


@pytest.fixture
async def lender(stack: LocalStack) -> AsyncIterator[StatementPool]:
    pool = await asyncpg.create_pool(asyncpg_dsn(stack.cfg.db_url), min_size=1, max_size=SIZE)
    lender = StatementPool(pool, size=SIZE)
    try:
        yield lender
    finally:
        await asyncio.wait_for(lender.close(), 10)


@pytest.fixture
async def admin(stack: LocalStack) -> AsyncIterator[asyncpg.Connection]:
    conn = await asyncpg.connect(asyncpg_dsn(stack.cfg.db_url))
    try:
        yield conn
    finally:
        await conn.close()


async def _pid(lender: StatementPool) -> int:
    rows = await lender.fetch("SELECT pg_backend_pid() AS pid")
    return int(rows[0]["pid"])


async def _slots_in_use_at_once(lender: StatementPool) -> int:
    """How many connections SIZE concurrent statements run on (SIZE: no slot lost, none waiting)."""
    rows = await asyncio.wait_for(
        asyncio.gather(*(lender.fetch("SELECT pg_backend_pid() AS pid, pg_sleep(0.2)") for _ in range(SIZE))),
        10,
    )
    return len({r[0]["pid"] for r in rows})


async def test_more_statements_than_connections_share_them(lender: StatementPool) -> None:
    rows = await asyncio.gather(
        *(lender.fetch("SELECT pg_backend_pid() AS pid, $1::int AS n, pg_sleep(0.01)", n) for n in range(40))
    )
    assert [r[0]["n"] for r in rows] == list(range(40))
    assert len({r[0]["pid"] for r in rows}) <= SIZE
    # The lender keeps its connections checked out of asyncpg's pool between statements.
    assert lender.pool.get_size() == SIZE and lender.pool.get_idle_size() == 0
    assert await _slots_in_use_at_once(lender) == SIZE


async def test_a_refused_statement_keeps_its_connection(lender: StatementPool) -> None:
    pid = await _pid(lender)
    with pytest.raises(asyncpg.DivisionByZeroError):
        await lender.fetch("SELECT 1 / 0")
    assert await _pid(lender) == pid
    assert await _slots_in_use_at_once(lender) == SIZE


async def test_a_cancelled_statement_is_cancelled_in_postgres_too(
    lender: StatementPool, admin: asyncpg.Connection
) -> None:
    slow = asyncio.create_task(lender.fetch("SELECT pg_sleep(30), 'marker-cancelled'"))
    await asyncio.sleep(0.3)
    slow.cancel()
    with pytest.raises(asyncio.CancelledError):
        await slow
    # Both slots work again, promptly: the cancelled one comes back once Postgres has cancelled it.
    results = await asyncio.wait_for(
        asyncio.gather(*(lender.fetch("SELECT 1 AS one, pg_sleep(0.05)") for _ in range(SIZE * 2))), 10
    )
    assert all(r[0]["one"] == 1 for r in results)
    running = await admin.fetchval(
        "SELECT count(*) FROM pg_stat_activity WHERE query LIKE '%marker-cancelled%' AND state = 'active' "
        "AND pid <> pg_backend_pid()"
    )
    assert running == 0


async def test_a_cancelled_waiter_leaves_no_hole(lender: StatementPool) -> None:
    busy = [asyncio.create_task(lender.fetch("SELECT pg_sleep(0.3)")) for _ in range(SIZE)]
    await asyncio.sleep(0.1)
    waiting = asyncio.create_task(lender.fetch("SELECT 1"))
    await asyncio.sleep(0.05)
    assert not waiting.done()  # every slot is busy: it waits
    waiting.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiting
    await asyncio.gather(*busy)
    assert await _slots_in_use_at_once(lender) == SIZE
    assert (await lender.fetch("SELECT 2 AS two"))[0]["two"] == 2


async def test_a_connection_the_server_dropped_is_replaced(
    lender: StatementPool, admin: asyncpg.Connection
) -> None:
    pids = set(await asyncio.gather(*(_pid(lender) for _ in range(SIZE))))
    for pid in pids:
        assert await admin.fetchval("SELECT pg_terminate_backend($1)", pid)
    # A dropped connection fails at most the statement that finds out (with whichever error asyncpg
    # raises for it, as with asyncpg's own pool); its slot is then filled anew.
    answers: list[int] = []
    failures = 0
    for _ in range(SIZE * 3):
        try:
            answers.append(await _pid(lender))
        except Exception:
            failures += 1
    assert failures <= SIZE
    assert len(answers) >= SIZE * 2
    assert not pids & set(answers)


async def test_close_waits_for_statements_in_flight(stack: LocalStack) -> None:
    pool = await asyncpg.create_pool(asyncpg_dsn(stack.cfg.db_url), min_size=1, max_size=SIZE)
    lender = StatementPool(pool, size=SIZE)
    await _pid(lender)
    in_flight = asyncio.create_task(lender.fetch("SELECT 'done' AS v, pg_sleep(0.3)"))
    await asyncio.sleep(0.05)
    await asyncio.wait_for(lender.close(), 10)
    assert (await in_flight)[0]["v"] == "done"
    assert pool.is_closing()
