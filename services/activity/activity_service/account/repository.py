"""The only code that erases a user's rows and reads a user's data for their export.

Every statement works on the user's whole set at once (their rows found by index: `ix_activities_user`,
`ix_likes_user`, `ix_reposts_user_feed`, `ix_hidden_author`, migration 0007): no per-crud round trip.
"""

from __future__ import annotations

import uuid
from typing import Literal

import asyncpg

DELETED_NAME = "Deleted account"  # what a tombstone shows (messaging shows the same words)

_TOMBSTONE = """
INSERT INTO authors (uuid, cognito_user_id, handle, display_name, updated_at, erased_at)
VALUES ($1, $2, $3, $4, now(), now())
ON CONFLICT (uuid) DO UPDATE SET
    handle = excluded.handle, display_name = excluded.display_name, bio = '', avatar_url = '',
    erased_at = coalesce(authors.erased_at, excluded.erased_at)
"""

# The user's replies still counted on their parents (a reply ended by its author's delete is uncounted then).
_UNCOUNT_REPLIES = """
UPDATE activities p SET replies_count = greatest(p.replies_count - c.n, 0)
FROM (
    SELECT reply_to_activity_uuid AS parent, count(*) AS n FROM activities
    WHERE user_uuid = $1 AND reply_to_activity_uuid IS NOT NULL AND expires_at > now()
    GROUP BY reply_to_activity_uuid
) c
WHERE p.uuid = c.parent
"""

# The user's cruds and replies and every reply below them (the threads that go), ended now as the author's
# delete ends a thread (cruds/repository.py _EXPIRE_NOW); returns the whole set.
_END_THREADS = """
WITH RECURSIVE t AS (
    SELECT uuid FROM activities WHERE user_uuid = $1
    UNION
    SELECT a.uuid FROM activities a JOIN t ON a.reply_to_activity_uuid = t.uuid
), ended AS (
    UPDATE activities SET expires_at = greatest(now(), created_at + interval '1 microsecond')
    WHERE uuid IN (SELECT uuid FROM t) AND expires_at > now()
)
SELECT uuid FROM t
"""

# A like or repost goes with its count in one statement (as cruds/repository.py `toggle` moves them); a
# repost's timeline entries go with it.
_DROP_LIKES = """
WITH gone AS (DELETE FROM likes WHERE user_uuid = $1 RETURNING activity_uuid)
UPDATE activities a SET likes_count = greatest(a.likes_count - 1, 0)
FROM gone WHERE a.uuid = gone.activity_uuid
"""
_DROP_REPOSTS = """
WITH gone AS (DELETE FROM reposts WHERE user_uuid = $1 RETURNING activity_uuid),
moved AS (
    UPDATE activities a SET reposts_count = greatest(a.reposts_count - 1, 0)
    FROM gone WHERE a.uuid = gone.activity_uuid
)
DELETE FROM timeline t USING gone WHERE t.activity_uuid = gone.activity_uuid AND t.reposter_uuid = $1
"""

_DROP_EDGES = (
    "DELETE FROM timeline WHERE owner_uuid = $1",
    "DELETE FROM follows WHERE follower_uuid = $1 OR followee_uuid = $1",
    "DELETE FROM hidden WHERE viewer_uuid = $1 OR author_uuid = $1",
    # uploads never attached (attached ones went with their cruds); the trigger queues their S3 folders
    "DELETE FROM media WHERE user_uuid = $1 AND activity_uuid IS NULL",
)


async def lock_author(conn: asyncpg.Connection, user: uuid.UUID) -> None:
    """Wait for the user's writes in flight, hold new ones until the commit (authors/repository `writer`)."""
    await conn.execute("SELECT 1 FROM authors WHERE uuid = $1 FOR UPDATE", user)


async def tombstone(conn: asyncpg.Connection, *, user: uuid.UUID, sub: str, handle: str) -> None:
    """Mark the user erased (inserted if never projected): no name, bio or avatar, a placeholder handle."""
    await conn.execute(_TOMBSTONE, user, sub, handle, DELETED_NAME)


async def uncount_replies(conn: asyncpg.Connection, user: uuid.UUID) -> None:
    """Take the user's live replies off their parents' `replies_count`."""
    await conn.execute(_UNCOUNT_REPLIES, user)


async def end_threads(conn: asyncpg.Connection, user: uuid.UUID) -> list[uuid.UUID]:
    """End the user's cruds and replies and all below them now; returns them all."""
    return [r["uuid"] for r in await conn.fetch(_END_THREADS, user)]


async def others_in(conn: asyncpg.Connection, cruds: list[uuid.UUID], *, user: uuid.UUID) -> list[uuid.UUID]:
    """The cruds among `cruds` someone else wrote (replies in the user's threads)."""
    rows = await conn.fetch(
        "SELECT uuid FROM activities WHERE uuid = ANY($1::uuid[]) AND user_uuid <> $2", cruds, user
    )
    return [r["uuid"] for r in rows]


async def remaining(conn: asyncpg.Connection, cruds: list[uuid.UUID]) -> list[uuid.UUID]:
    """The cruds among `cruds` still there (kept by an evidence hold)."""
    rows = await conn.fetch("SELECT uuid FROM activities WHERE uuid = ANY($1::uuid[])", cruds)
    return [r["uuid"] for r in rows]


async def drop_reactions(conn: asyncpg.Connection, user: uuid.UUID) -> None:
    """Delete the user's likes and reposts; their cruds' counts drop, the reposts leave every timeline."""
    await conn.execute(_DROP_LIKES, user)
    await conn.execute(_DROP_REPOSTS, user)


async def drop_edges(conn: asyncpg.Connection, user: uuid.UUID) -> None:
    """Delete the user's timeline, follows and blocks and mutes both ways, and their unattached pictures."""
    for statement in _DROP_EDGES:
        await conn.execute(statement, user)


_EXPORT_CRUDS = """
SELECT uuid, message, created_at, expires_at, reply_to_activity_uuid, likes_count, replies_count,
       reposts_count, media
FROM activities WHERE user_uuid = $1 AND expires_at > now()
ORDER BY created_at DESC, uuid DESC LIMIT $2
"""
# Reactions to live cruds only, with the crud author's handle; newest first.
_EXPORT_REACTIONS = """
SELECT x.activity_uuid, au.handle AS author_handle, x.created_at
FROM {table} x JOIN activities a ON a.uuid = x.activity_uuid JOIN authors au ON au.uuid = a.user_uuid
WHERE x.user_uuid = $1 AND a.expires_at > now()
ORDER BY x.created_at DESC, x.activity_uuid DESC LIMIT $2
"""


async def export_cruds(db: asyncpg.Pool, user: uuid.UUID, *, limit: int) -> list[asyncpg.Record]:
    """The user's live cruds and replies, newest first."""
    rows: list[asyncpg.Record] = await db.fetch(_EXPORT_CRUDS, user, limit)
    return rows


async def export_reactions(
    db: asyncpg.Pool, user: uuid.UUID, *, table: Literal["likes", "reposts"], limit: int
) -> list[asyncpg.Record]:
    """The user's likes or reposts of live cruds, newest first."""
    rows: list[asyncpg.Record] = await db.fetch(_EXPORT_REACTIONS.format(table=table), user, limit)
    return rows
