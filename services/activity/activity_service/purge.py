"""Purge expired cruds and what hangs off them, in small batches: `python -m activity_service.purge`."""

from __future__ import annotations

import asyncio
import logging
import time

import asyncpg

from activity_service.db import create_pool, transaction
from activity_service.settings import get_settings

log = logging.getLogger("activity.purge")

_BATCH = """
DELETE FROM activities WHERE uuid IN (
    SELECT uuid FROM activities WHERE expires_at <= now()
    ORDER BY expires_at LIMIT $1 FOR UPDATE SKIP LOCKED
)
"""


async def purge_batch(pool: asyncpg.Pool, *, batch_size: int) -> int:
    """Delete one batch of expired cruds (replies, likes, reposts, hashtags cascade); returns the count."""
    async with transaction(pool) as conn:
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
