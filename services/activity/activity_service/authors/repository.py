"""The only code that touches the authors and follows projections."""

from __future__ import annotations

import uuid
from typing import TypeAlias

import asyncpg

from activity_service.authors.schemas import AuthorIn

Executor: TypeAlias = asyncpg.Pool | asyncpg.Connection

_UPSERT_AUTHOR = """
INSERT INTO authors (uuid, cognito_user_id, handle, display_name, bio, avatar_url, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7)
ON CONFLICT (uuid) DO UPDATE SET
    handle = excluded.handle, display_name = excluded.display_name, bio = excluded.bio,
    avatar_url = excluded.avatar_url, updated_at = excluded.updated_at
WHERE authors.updated_at <= excluded.updated_at
RETURNING uuid
"""


async def upsert_author(db: Executor, author: AuthorIn) -> bool:
    """Insert or refresh an author unless the stored copy is newer; True when written."""
    written = await db.fetchval(
        _UPSERT_AUTHOR,
        author.uuid,
        author.cognito_user_id,
        author.handle,
        author.display_name,
        author.bio,
        author.avatar_url,
        author.updated_at,
    )
    return written is not None


async def uuid_by_sub(db: Executor, sub: str) -> uuid.UUID | None:
    """The user uuid of a Cognito sub, if projected."""
    found: uuid.UUID | None = await db.fetchval("SELECT uuid FROM authors WHERE cognito_user_id = $1", sub)
    return found


async def follow(db: Executor, *, follower: uuid.UUID, followee: uuid.UUID) -> bool:
    """Add a follow edge; True when it was new."""
    added = await db.fetchval(
        "INSERT INTO follows (follower_uuid, followee_uuid) VALUES ($1, $2) "
        "ON CONFLICT DO NOTHING RETURNING 1",
        follower,
        followee,
    )
    return added is not None


async def unfollow(db: Executor, *, follower: uuid.UUID, followee: uuid.UUID) -> bool:
    """Remove a follow edge; True when it existed."""
    removed = await db.fetchval(
        "DELETE FROM follows WHERE follower_uuid = $1 AND followee_uuid = $2 RETURNING 1", follower, followee
    )
    return removed is not None
