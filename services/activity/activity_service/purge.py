"""Purge expired cruds and what hangs off them, in small batches: `python -m activity_service.purge`."""

from __future__ import annotations

import asyncio
import logging
import time

import asyncpg

from activity_service.db import create_pool, transaction
from activity_service.moderation.repository import HOLDS_LOCK
from activity_service.settings import get_settings

log = logging.getLogger("activity.purge")

# Evidence holds (docs/moderation.md): a crud under a live hold is kept, and so is the thread above it (its
# parent's deletion would cascade to it). Holds are few; the kept set is one small hashed list per batch.
_BATCH = """
WITH RECURSIVE kept AS (
    SELECT activity_uuid AS uuid FROM holds WHERE until > now()
    UNION
    SELECT a.reply_to_activity_uuid FROM activities a JOIN kept k ON a.uuid = k.uuid
    WHERE a.reply_to_activity_uuid IS NOT NULL
)
DELETE FROM activities WHERE uuid IN (
    SELECT uuid FROM activities WHERE expires_at <= now() AND uuid NOT IN (SELECT uuid FROM kept)
    ORDER BY expires_at LIMIT $1 FOR UPDATE SKIP LOCKED
)
"""


async def purge_batch(pool: asyncpg.Pool, *, batch_size: int) -> int:
    """Delete one batch of expired cruds (replies, likes, reposts, hashtags cascade); returns the count.

    The batch's statement starts after a shared lock on holds (moderation/repository.py HOLDS_LOCK), so
    a hold placed at the same time is either seen by it or placed after the batch, on what is left.
    """
    async with transaction(pool) as conn:
        await conn.execute(f"SELECT pg_advisory_xact_lock_shared({HOLDS_LOCK})")
        status = await conn.execute(_BATCH, batch_size)
    return int(status.split()[-1])


async def purge_expired(pool: asyncpg.Pool, *, batch_size: int, max_batches: int | None = None) -> int:
    """Delete expired cruds batch by batch until none are left; short transactions keep traffic flowing."""
    total = batches = 0
    while max_batches is None or batches < max_batches:
        deleted = await purge_batch(pool, batch_size=batch_size)
        total += deleted
        batches += 1
        if deleted < batch_size:
            break
        await asyncio.sleep(0)
    return total


async def run() -> int:
    """Purge with the service's settings."""
    settings = get_settings()
    pool = await create_pool(settings)
    try:
        started = time.monotonic()
        total = await purge_expired(pool, batch_size=settings.purge_batch_size)
        log.info("purged %d expired cruds in %.1fs", total, time.monotonic() - started)
        return total
    finally:
        await pool.close()


def main() -> None:
    """CLI entry point (also what the scheduled task in AWS runs)."""
    logging.basicConfig(level=logging.INFO, format="%(name)s: %(message)s")
    print(f"purged {asyncio.run(run())} expired cruds")


if __name__ == "__main__":
    main()
