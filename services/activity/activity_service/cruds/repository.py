"""The only code that writes cruds, replies, likes, reposts and hashtags."""

from __future__ import annotations

import uuid
from datetime import datetime

import asyncpg

# `a.media` is the crud's copy of its pictures (jsonb, NULL when none), rendered by media/render.py.
ITEM_COLUMNS = """a.uuid, au.display_name, au.handle, au.avatar_url, a.message, a.replies_count,
    a.reposts_count, a.likes_count, a.expires_at, a.created_at, a.reply_to_activity_uuid, a.media"""


async def insert_crud(
    conn: asyncpg.Connection, *, user_uuid: uuid.UUID, message: str, expires_at: datetime
) -> asyncpg.Record:
    """Insert a crud; returns it as a feed row."""
    row = await conn.fetchrow(
        f"""
        WITH a AS (
            INSERT INTO activities (user_uuid, message, expires_at) VALUES ($1, $2, $3) RETURNING *
        )
        SELECT {ITEM_COLUMNS} FROM a JOIN authors au ON au.uuid = a.user_uuid
        """,  # noqa: S608 - constant SQL fragments, values are bind parameters
        user_uuid,
        message,
        expires_at,
    )
    assert row is not None
    return row


async def insert_reply(
    conn: asyncpg.Connection, *, user_uuid: uuid.UUID, parent: uuid.UUID, message: str
) -> asyncpg.Record | None:
    """Insert a reply to a live crud and bump its replies_count atomically; None when the parent is gone."""
    return await conn.fetchrow(
        f"""
        WITH p AS (
            UPDATE activities SET replies_count = replies_count + 1
            WHERE uuid = $2 AND expires_at > now() RETURNING uuid, expires_at
        ), a AS (
            INSERT INTO activities (user_uuid, message, reply_to_activity_uuid, expires_at)
            SELECT $1, $3, p.uuid, p.expires_at FROM p RETURNING *
        )
        SELECT {ITEM_COLUMNS} FROM a JOIN authors au ON au.uuid = a.user_uuid
        """,  # noqa: S608 - constant SQL fragments, values are bind parameters
        user_uuid,
        parent,
        message,
    )


async def insert_hashtags(
    conn: asyncpg.Connection,
    *,
    activity: uuid.UUID,
    tags: list[str],
    created_at: datetime,
    expires_at: datetime,
) -> None:
    """Remember the hashtags of a crud (for trending)."""
    if tags:
        await conn.execute(
            "INSERT INTO hashtags (activity_uuid, tag, created_at, expires_at) "
            "SELECT $1, t, $3, $4 FROM unnest($2::text[]) AS t ON CONFLICT DO NOTHING",
            activity,
            tags,
            created_at,
            expires_at,
        )


async def live_target(
    conn: asyncpg.Connection, activity: uuid.UUID, *, reader: uuid.UUID
) -> asyncpg.Record | None:
    """A live crud by an unsuspended author, with its author (uuid, sub, handle) and `blocked` (reader)."""
    return await conn.fetchrow(
        """
        SELECT a.uuid, a.user_uuid, a.reply_to_activity_uuid, a.expires_at, a.message,
               au.cognito_user_id, au.handle,
               EXISTS (
                   SELECT 1 FROM hidden h
                   WHERE h.viewer_uuid = $2 AND h.author_uuid = a.user_uuid AND h.kind <> 'mute'
               ) AS blocked
        FROM activities a JOIN authors au ON au.uuid = a.user_uuid
        WHERE a.uuid = $1 AND a.expires_at > now() AND NOT au.suspended
        """,
        activity,
        reader,
    )


_TOGGLES = {
    ("likes", True): "INSERT INTO likes (activity_uuid, user_uuid) VALUES ($1, $2) ON CONFLICT DO NOTHING "
    "RETURNING activity_uuid",
    ("likes", False): "DELETE FROM likes WHERE activity_uuid = $1 AND user_uuid = $2 RETURNING activity_uuid",
    # The row lock waits for a change of the crud's end in flight (cruds/service.py update_expiry) and then
    # reads the new end; a plain read would copy the old one into the repost and its timeline rows.
    ("reposts", True): "INSERT INTO reposts (activity_uuid, user_uuid, expires_at) "
    "SELECT uuid, $2::uuid, expires_at FROM activities WHERE uuid = $1::uuid FOR NO KEY UPDATE "
    "ON CONFLICT DO NOTHING RETURNING activity_uuid",
    (
        "reposts",
        False,
    ): "DELETE FROM reposts WHERE activity_uuid = $1 AND user_uuid = $2 RETURNING activity_uuid",
}


async def toggle(
    conn: asyncpg.Connection, *, table: str, on: bool, activity: uuid.UUID, user_uuid: uuid.UUID
) -> tuple[bool, int]:
    """Add or remove the reader's like/repost; the counter moves in the same statement only on a change.

    Returns (changed, count after the call).
    """
    column = f"{table}_count"
    delta = "+ 1" if on else "- 1"
    row = await conn.fetchrow(
        f"""
        WITH changed AS ({_TOGGLES[(table, on)]}),
        moved AS (
            UPDATE activities SET {column} = {column} {delta}
            WHERE uuid IN (SELECT activity_uuid FROM changed) RETURNING {column} AS count
        )
        SELECT (SELECT count FROM moved) AS moved_count,
               (SELECT {column} FROM activities WHERE uuid = $1) AS count
        """,  # noqa: S608 - constant SQL fragments, values are bind parameters
        activity,
        user_uuid,
    )
    assert row is not None
    if row["moved_count"] is not None:
        return True, row["moved_count"]
    return False, row["count"]


async def thread_uuids(conn: asyncpg.Connection, activity: uuid.UUID) -> list[uuid.UUID]:
    """A crud and every reply below it (what a delete removes)."""
    rows = await conn.fetch(
        """
        WITH RECURSIVE t AS (
            SELECT uuid FROM activities WHERE uuid = $1
            UNION ALL
            SELECT a.uuid FROM activities a JOIN t ON a.reply_to_activity_uuid = t.uuid
        )
        SELECT uuid FROM t
        """,
        activity,
    )
    return [r["uuid"] for r in rows]


async def lock_for_delete(
    conn: asyncpg.Connection, activity: uuid.UUID, *, live: bool
) -> asyncpg.Record | None:
    """Lock a crud to delete it or change its end (if live, or in any state): author, parent, birth."""
    return await conn.fetchrow(
        "SELECT user_uuid, reply_to_activity_uuid, created_at FROM activities "
        "WHERE uuid = $1 AND (expires_at > now() OR NOT $2) FOR UPDATE",
        activity,
        live,
    )


async def held(conn: asyncpg.Connection, thread: list[uuid.UUID]) -> bool:
    """Whether a live evidence hold is on any crud of a thread (moderation/repository.py)."""
    return bool(
        await conn.fetchval(
            "SELECT EXISTS (SELECT 1 FROM holds WHERE activity_uuid = ANY($1::uuid[]) AND until > now())",
            thread,
        )
    )


# What expiry looks like everywhere (each table carries the crud's expires_at): the purge takes it from there.
_EXPIRE_NOW = (
    "UPDATE activities SET expires_at = greatest(now(), created_at + interval '1 microsecond') "
    "WHERE uuid = ANY($1::uuid[]) AND expires_at > now()",
    "UPDATE reposts SET expires_at = now() WHERE activity_uuid = ANY($1::uuid[]) AND expires_at > now()",
    "UPDATE hashtags SET expires_at = now() WHERE activity_uuid = ANY($1::uuid[]) AND expires_at > now()",
    "UPDATE timeline SET expires_at = now() WHERE activity_uuid = ANY($1::uuid[]) AND expires_at > now()",
)


async def expire_now(conn: asyncpg.Connection, thread: list[uuid.UUID], *, parent: uuid.UUID | None) -> None:
    """Expire a thread now instead of deleting it (hidden everywhere, purged later); uncount the reply."""
    for statement in _EXPIRE_NOW:
        await conn.execute(statement, thread)
    await _uncount_reply(conn, parent)


# A new end for a live thread: its replies and every copy of its expires_at follow (as in _EXPIRE_NOW). Rows
# already ended stay ended: a reply its author deleted under an evidence hold is not brought back.
_SET_EXPIRY = (
    "UPDATE reposts SET expires_at = $2 WHERE activity_uuid = ANY($1::uuid[]) AND expires_at > now()",
    "UPDATE hashtags SET expires_at = $2 WHERE activity_uuid = ANY($1::uuid[]) AND expires_at > now()",
    "UPDATE timeline SET expires_at = $2 WHERE activity_uuid = ANY($1::uuid[]) AND expires_at > now()",
)


async def set_expiry(
    conn: asyncpg.Connection, thread: list[uuid.UUID], *, expires_at: datetime
) -> list[uuid.UUID]:
    """Give the live cruds of a thread a new end, everywhere it is copied; returns the cruds changed."""
    changed = await conn.fetch(
        "UPDATE activities SET expires_at = $2 WHERE uuid = ANY($1::uuid[]) AND expires_at > now() "
        "RETURNING uuid",
        thread,
        expires_at,
    )
    uuids = [r["uuid"] for r in changed]
    for statement in _SET_EXPIRY:
        await conn.execute(statement, uuids, expires_at)
    return uuids


async def item(conn: asyncpg.Connection, activity: uuid.UUID) -> asyncpg.Record:
    """A crud as a feed row, whatever its state (the caller knows it exists)."""
    row = await conn.fetchrow(
        f"SELECT {ITEM_COLUMNS} FROM activities a JOIN authors au ON au.uuid = a.user_uuid WHERE a.uuid = $1",  # noqa: S608 - constant SQL fragments, values are bind parameters
        activity,
    )
    assert row is not None
    return row


async def _uncount_reply(conn: asyncpg.Connection, parent: uuid.UUID | None) -> None:
    if parent is not None:
        await conn.execute(
            "UPDATE activities SET replies_count = greatest(replies_count - 1, 0) WHERE uuid = $1", parent
        )


async def delete(conn: asyncpg.Connection, activity: uuid.UUID, *, parent: uuid.UUID | None) -> None:
    """Delete a crud (replies, likes, reposts and hashtags cascade) and fix the parent's replies_count."""
    await conn.execute("DELETE FROM activities WHERE uuid = $1", activity)
    await _uncount_reply(conn, parent)


async def actor(conn: asyncpg.Connection, user_uuid: uuid.UUID) -> asyncpg.Record:
    """The acting user as notifications show them."""
    row = await conn.fetchrow(
        "SELECT uuid, cognito_user_id, handle, display_name, avatar_url FROM authors WHERE uuid = $1",
        user_uuid,
    )
    assert row is not None
    return row


async def authors_by_handles(conn: asyncpg.Connection, handles: list[str]) -> list[asyncpg.Record]:
    """Known authors among @mentioned handles."""
    if not handles:
        return []
    rows: list[asyncpg.Record] = await conn.fetch(
        "SELECT uuid, cognito_user_id, handle FROM authors WHERE lower(handle) = ANY($1::text[])",
        [h.lower() for h in handles],
    )
    return rows
