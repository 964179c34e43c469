"""The only code that reads and writes crud pictures (`media`, `media_deletions`, `activities.media`)."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any, TypeAlias

import asyncpg
import orjson

Db: TypeAlias = asyncpg.Pool | asyncpg.Connection
_COLUMNS = """id, user_uuid, upload_key, token, content_type, status, reason, message, width, height,
    thumbnail_width, thumbnail_height, activity_uuid, position, alt, grant_expires_at"""


async def insert_grant(
    conn: asyncpg.Connection,
    *,
    user_uuid: uuid.UUID,
    upload_key: str,
    token: str,
    content_type: str,
    grant_expires_at: datetime,
) -> uuid.UUID:
    """Remember an upload grant; returns the picture's id."""
    found: uuid.UUID = await conn.fetchval(
        "INSERT INTO media (user_uuid, upload_key, token, content_type, grant_expires_at) "
        "VALUES ($1, $2, $3, $4, $5) RETURNING id",
        user_uuid,
        upload_key,
        token,
        content_type,
        grant_expires_at,
    )
    return found


async def owned(db: Db, media_id: uuid.UUID, *, owner: uuid.UUID) -> asyncpg.Record | None:
    """One of the owner's pictures."""
    return await db.fetchrow(
        f"SELECT {_COLUMNS} FROM media WHERE id = $1 AND user_uuid = $2",  # noqa: S608 - constant columns
        media_id,
        owner,
    )


async def by_key(conn: asyncpg.Connection, upload_key: str) -> asyncpg.Record | None:
    """The grant of an upload key, locked for the processor's claim or verdict."""
    return await conn.fetchrow(
        f"SELECT {_COLUMNS} FROM media WHERE upload_key = $1 FOR UPDATE",  # noqa: S608 - constant columns
        upload_key,
    )


async def set_status(
    conn: asyncpg.Connection,
    upload_key: str,
    *,
    status: str,
    reason: str | None = None,
    message: str | None = None,
    sizes: tuple[int | None, int | None, int | None, int | None] = (None, None, None, None),
) -> None:
    """Move an upload along: processing, then ready (with its sizes) or failed (with a reason)."""
    await conn.execute(
        "UPDATE media SET status = $2, reason = $3, message = $4, width = $5, height = $6, "
        "thumbnail_width = $7, thumbnail_height = $8 WHERE upload_key = $1",
        upload_key,
        status,
        reason,
        message,
        *sizes,
    )


async def attach(
    conn: asyncpg.Connection, *, activity: uuid.UUID, owner: uuid.UUID, ids: list[uuid.UUID], alts: list[str]
) -> list[asyncpg.Record]:
    """Attach the owner's ready, unattached pictures in the given order; returns those it attached.

    The row locks make a second crud racing for the same picture wait, then find it attached (fewer rows).
    """
    rows: list[asyncpg.Record] = await conn.fetch(
        """
        UPDATE media m SET activity_uuid = $1, position = x.ord - 1, alt = x.alt
        FROM unnest($3::uuid[], $4::text[]) WITH ORDINALITY AS x(id, alt, ord)
        WHERE m.id = x.id AND m.user_uuid = $2 AND m.status = 'ready' AND m.activity_uuid IS NULL
        RETURNING m.id, m.user_uuid, m.token, m.width, m.height, m.thumbnail_width, m.thumbnail_height,
                  m.position, m.alt
        """,
        activity,
        owner,
        ids,
        alts,
    )
    return rows


async def states(conn: asyncpg.Connection, ids: list[uuid.UUID]) -> dict[uuid.UUID, asyncpg.Record]:
    """Owner, status and crud of pictures (why an attach fell short)."""
    rows = await conn.fetch("SELECT id, user_uuid, status, activity_uuid FROM media WHERE id = ANY($1)", ids)
    return {r["id"]: r for r in rows}


async def set_activity_media(
    conn: asyncpg.Connection, activity: uuid.UUID, stored: list[dict[str, Any]]
) -> None:
    """Write the crud's copy of its pictures (what the feeds render)."""
    await conn.execute(
        "UPDATE activities SET media = $2::jsonb WHERE uuid = $1", activity, orjson.dumps(stored).decode()
    )


async def delete_orphans(
    conn: asyncpg.Connection, *, attach_window: timedelta, grant_grace: timedelta, limit: int
) -> int:
    """Delete pictures never attached within the window, and grants whose file never came (one batch)."""
    status = await conn.execute(
        """
        DELETE FROM media WHERE id IN (
            SELECT id FROM media
            WHERE activity_uuid IS NULL
              AND (created_at < now() - $1::interval
                   OR (status = 'granted' AND grant_expires_at < now() - $2::interval))
            LIMIT $3 FOR UPDATE SKIP LOCKED
        )
        """,
        attach_window,
        grant_grace,
        limit,
    )
    return int(status.split()[-1])


async def queued_deletions(conn: asyncpg.Connection, *, limit: int, under: str = "") -> list[str]:
    """Picture folders (starting with `under`) whose objects are still to be deleted, locked for this run."""
    rows = await conn.fetch(
        "SELECT prefix FROM media_deletions WHERE starts_with(prefix, $2) "
        "ORDER BY queued_at LIMIT $1 FOR UPDATE SKIP LOCKED",
        limit,
        under,
    )
    return [r["prefix"] for r in rows]


async def forget_deletions(conn: asyncpg.Connection, prefixes: list[str]) -> None:
    """The folders whose objects are gone from S3."""
    await conn.execute("DELETE FROM media_deletions WHERE prefix = ANY($1::text[])", prefixes)
