"""What issue 18's home events add to a post: the timeline fan-out alone vs the fan-out plus the queue.

EXPLAIN=1 prints the queue statement's plan (EXPLAIN ANALYZE) instead of timing it.

Runs against a running stack's database (`make run`, or a test stack with CRUDDUR_TEST_SLOT), in
transactions that are rolled back, so it leaves nothing behind:

    CRUDDUR_TEST_SLOT=4 .venv/bin/python -m bench.home_news 1000 10000 50000
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta

import asyncpg

from activity_service.db import asyncpg_dsn
from activity_service.outbox import home as home_events
from activity_service.timeline import repository as timeline
from devstack.config import StackConfig

EXPLAIN = bool(os.environ.get("EXPLAIN"))
_AUTHORS = """
INSERT INTO authors (uuid, cognito_user_id, handle, display_name, updated_at)
SELECT gen_random_uuid(), 'bench-' || g || '-' || $2::text, 'b' || g || left($2::text, 8),
       'Bench ' || g, now()
FROM generate_series(1, $1) g RETURNING uuid
"""


async def _one(conn: asyncpg.Connection, followers: int, *, queue: bool) -> tuple[float, int]:
    """Seconds of the post's fan-out (with the home queue or not), and the outbox rows it wrote."""
    tag = uuid.uuid4().hex
    tr = conn.transaction()
    await tr.start()
    try:
        author = await conn.fetchval(_AUTHORS, 1, "a" + tag)
        fans = [r["uuid"] for r in await conn.fetch(_AUTHORS, followers, tag)]
        await conn.executemany(
            "INSERT INTO follows (follower_uuid, followee_uuid) VALUES ($1, $2)", [(f, author) for f in fans]
        )
        crud = await conn.fetchval(
            "INSERT INTO activities (user_uuid, message, expires_at) VALUES ($1, 'bench', $2) RETURNING uuid",
            author,
            datetime.now(UTC) + timedelta(days=1),
        )
        started = time.perf_counter()
        await timeline.fan_out_crud(conn, crud)
        if queue and EXPLAIN:
            plan = await conn.fetch(
                "EXPLAIN (ANALYZE, BUFFERS) " + home_events.QUEUE_SQL, crud, home_events.NONE
            )
            print("\n".join(r[0] for r in plan))
        elif queue:
            await home_events.queue(conn, activity=crud)
        took = time.perf_counter() - started
        rows = await conn.fetchval("SELECT count(*) FROM outbox WHERE body->>'activity_uuid' = $1", str(crud))
        return took, int(rows)
    finally:
        await tr.rollback()


async def main(sizes: list[int]) -> None:
    conn = await asyncpg.connect(
        asyncpg_dsn(StackConfig.for_tests().db_url), server_settings={"search_path": "activity,public"}
    )
    try:
        for n in sizes:
            alone = min([(await _one(conn, n, queue=False))[0] for _ in range(2)])
            runs = [await _one(conn, n, queue=True) for _ in range(2)]
            both = min(t for t, _ in runs)
            print(
                f"followers={n}: fan-out {alone * 1000:.1f} ms, fan-out + home queue {both * 1000:.1f} ms "
                f"(+{(both - alone) * 1000:.1f} ms), outbox rows {runs[0][1]}"
            )
    finally:
        await conn.close()


if __name__ == "__main__":
    asyncio.run(main([int(a) for a in sys.argv[1:]] or [1000, 10000]))
