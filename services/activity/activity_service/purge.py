"""Purge expired cruds and what hangs off them, in small batches: `python -m activity_service.purge`.

One run, in order: expired cruds (their pictures' rows cascade), orphan pictures (never attached within a
day, or grants whose file never came), then the S3 objects of every picture row that went (the
`media_deletions` queue its trigger fills, whatever deleted the row: docs/activity.md, "Pictures").
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import asyncpg
from botocore.exceptions import BotoCoreError, ClientError

from activity_service.db import create_pool, transaction
from activity_service.media import repository as media
from activity_service.moderation.repository import HOLDS_LOCK
from activity_service.settings import Settings, get_settings
from cruddur_common.aws import AwsClients
from cruddur_common.uploads import folder_rendition_keys

log = logging.getLogger("activity.purge")
ATTACH_WINDOW = timedelta(days=1)  # an upload not attached to a crud within a day is deleted
GRANT_GRACE = timedelta(hours=1)  # a grant whose file never came, this long after the grant ended
DELETIONS_BATCH = 250  # folders per S3 DeleteObjects call (4 objects each; the call takes 1,000 keys)

# Evidence holds (docs/moderation.md): a crud under a live hold is kept, and so is the thread above it (its
# parent's deletion would cascade to it). Holds are few; the kept set is one small hashed list per batch.
_KEPT = """
WITH RECURSIVE kept AS (
    SELECT activity_uuid AS uuid FROM holds WHERE until > now()
    UNION
    SELECT a.reply_to_activity_uuid FROM activities a JOIN kept k ON a.uuid = k.uuid
    WHERE a.reply_to_activity_uuid IS NOT NULL
)
"""
_BATCH = f"""{_KEPT}
DELETE FROM activities WHERE uuid IN (
    SELECT uuid FROM activities WHERE expires_at <= now() AND uuid NOT IN (SELECT uuid FROM kept)
    ORDER BY expires_at LIMIT $1 FOR UPDATE SKIP LOCKED
)
"""  # noqa: S608 - constant SQL fragments, values are bind parameters
_AMONG = f"""{_KEPT}
DELETE FROM activities
WHERE uuid = ANY($1::uuid[]) AND expires_at <= now() AND uuid NOT IN (SELECT uuid FROM kept)
"""  # noqa: S608 - constant SQL fragments, values are bind parameters


async def _lock_holds_shared(conn: asyncpg.Connection) -> None:
    """A deletion's statement starts after a shared lock on holds (moderation/repository.py HOLDS_LOCK), so
    a hold placed at the same time is either seen by it or placed after it, on what is left."""
    await conn.execute(f"SELECT pg_advisory_xact_lock_shared({HOLDS_LOCK})")


async def purge_batch(pool: asyncpg.Pool, *, batch_size: int) -> int:
    """Delete one batch of expired cruds (replies, likes, reposts, hashtags cascade); returns the count."""
    async with transaction(pool) as conn:
        await _lock_holds_shared(conn)
        status = await conn.execute(_BATCH, batch_size)
    return int(status.split()[-1])


async def delete_expired_among(conn: asyncpg.Connection, cruds: list[uuid.UUID]) -> int:
    """Delete the expired, unheld cruds among `cruds` as a batch does, in the caller's transaction."""
    await _lock_holds_shared(conn)
    status = await conn.execute(_AMONG, cruds)
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


async def purge_orphan_media(pool: asyncpg.Pool, *, batch_size: int) -> int:
    """Delete pictures never attached to a crud (their S3 folders are queued by the trigger)."""
    total = 0
    while True:
        async with transaction(pool) as conn:
            deleted = await media.delete_orphans(
                conn, attach_window=ATTACH_WINDOW, grant_grace=GRANT_GRACE, limit=batch_size
            )
        total += deleted
        if deleted < batch_size:
            return total


async def drain_media_deletions(pool: asyncpg.Pool, s3: Any, *, bucket: str, under: str = "") -> int:
    """Delete the objects of every queued picture folder (`under` a prefix: one user's), then its queue row;
    returns the folders done.

    A folder whose objects S3 did not delete stays queued for the next run (and stops this one: S3 is down).
    """
    total = 0
    while True:
        async with transaction(pool) as conn:
            prefixes = await media.queued_deletions(conn, limit=DELETIONS_BATCH, under=under)
            if not prefixes:
                return total
            try:
                done = await _delete_objects(s3, bucket=bucket, prefixes=prefixes)
            except (BotoCoreError, ClientError, OSError) as exc:
                log.warning("could not delete %d picture folders from S3: %s", len(prefixes), exc)
                return total
            await media.forget_deletions(conn, done)
        total += len(done)
        if len(done) < len(prefixes):
            return total


async def _delete_objects(s3: Any, *, bucket: str, prefixes: list[str]) -> list[str]:
    """The folders whose every object is gone (deleting a missing key is a success in S3)."""
    keys = [key for prefix in prefixes for key in folder_rendition_keys(prefix)]
    response = await s3.delete_objects(
        Bucket=bucket, Delete={"Objects": [{"Key": k} for k in keys], "Quiet": True}
    )
    failed = {e["Key"].rsplit("/", 1)[0] for e in response.get("Errors", [])}
    for error in response.get("Errors", [])[:5]:
        log.warning("could not delete %s: %s", error.get("Key"), error.get("Message"))
    return [p for p in prefixes if p not in failed]


@dataclass(frozen=True, slots=True)
class PurgeCounts:
    """What one run removed."""

    cruds: int
    orphan_media: int
    media_folders: int

    def __str__(self) -> str:
        return (
            f"{self.cruds} expired cruds, {self.orphan_media} orphan pictures, "
            f"{self.media_folders} picture folders from S3"
        )


async def purge_all(pool: asyncpg.Pool, s3: Any, *, settings: Settings) -> PurgeCounts:
    """Everything one run does, in order (see the module's docstring)."""
    cruds = await purge_expired(pool, batch_size=settings.purge_batch_size)
    orphans = await purge_orphan_media(pool, batch_size=settings.purge_batch_size)
    folders = await drain_media_deletions(pool, s3, bucket=settings.assets_bucket)
    return PurgeCounts(cruds=cruds, orphan_media=orphans, media_folders=folders)


async def run(settings: Settings | None = None) -> PurgeCounts:
    """Purge with the service's settings (or the given ones: tests, the local janitor)."""
    settings = settings or get_settings()
    pool = await create_pool(settings)
    clients = AwsClients()
    try:
        await clients.open(settings, "s3")
        started = time.monotonic()
        counts = await purge_all(pool, clients["s3"], settings=settings)
        log.info("purged %s in %.1fs", counts, time.monotonic() - started)
        return counts
    finally:
        await clients.close()
        await pool.close()


def main() -> None:
    """CLI entry point (also what the scheduled task in AWS runs)."""
    logging.basicConfig(level=logging.INFO, format="%(name)s: %(message)s")
    print(f"purged {asyncio.run(run())}")


if __name__ == "__main__":
    main()
