"""The only code that touches the authors, follows and relations (blocks, mutes, suspension) projections."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from typing import TypeAlias

import asyncpg

from activity_service.authors.schemas import AuthorIn

Executor: TypeAlias = asyncpg.Pool | asyncpg.Connection

_UPSERT_AUTHOR = """
INSERT INTO authors (uuid, cognito_user_id, handle, display_name, bio, avatar_url, updated_at, suspended)
VALUES ($1, $2, $3, $4, $5, $6, $7, coalesce($8::boolean, false))
ON CONFLICT (uuid) DO UPDATE SET
    handle = excluded.handle, display_name = excluded.display_name, bio = excluded.bio,
    avatar_url = excluded.avatar_url, updated_at = excluded.updated_at,
    suspended = coalesce($8::boolean, authors.suspended)
WHERE authors.updated_at <= excluded.updated_at AND authors.erased_at IS NULL
RETURNING uuid
"""


# The user service never gives one handle to two users at once, so when two projected authors clash on a
# handle, the copy with the older `updated_at` is stale: it gets a placeholder handle until its own update.
_HANDLE_HOLDER = "SELECT uuid, updated_at FROM authors WHERE lower(handle) = lower($1)"
_SET_HANDLE = "UPDATE authors SET handle = $2 WHERE uuid = $1"


def placeholder_handle(author_uuid: uuid.UUID) -> str:
    """The handle a stale projected author holds until its own update arrives (never a real handle)."""
    return "~" + author_uuid.hex[:29]


@asynccontextmanager
async def _savepoint(db: Executor) -> AsyncIterator[asyncpg.Connection]:
    if isinstance(db, asyncpg.Pool):
        async with db.acquire() as conn, conn.transaction():
            yield conn
        return
    async with db.transaction():  # a savepoint inside the caller's transaction
        yield db


async def _write_author(db: Executor, author: AuthorIn, *, handle: str) -> bool:
    written = await db.fetchval(
        _UPSERT_AUTHOR,
        author.uuid,
        author.cognito_user_id,
        handle,
        author.display_name,
        author.bio,
        author.avatar_url,
        author.updated_at,
        author.suspended,
    )
    return written is not None


async def upsert_author(db: Executor, author: AuthorIn) -> bool:
    """Insert or refresh an author unless the stored copy is newer; True when written.

    Idempotent under redelivery and races: `ON CONFLICT (uuid)` does not cover the other unique keys, so a
    concurrent insert of the same author, or a stale copy holding the handle, raises a unique violation;
    it is resolved and written again instead of failing the caller.
    """
    handle = author.handle
    for attempt in range(3):
        try:
            async with _savepoint(db) as conn:
                return await _write_author(conn, author, handle=handle)
        except asyncpg.UniqueViolationError as exc:
            if attempt == 2:
                raise
            if exc.constraint_name == "uq_authors_handle_lower":
                handle = await _free_handle(db, author, handle=handle)
            # another key: a concurrent insert of this same author; it exists now, the retry updates it
    raise AssertionError("unreachable")


async def _free_handle(db: Executor, author: AuthorIn, *, handle: str) -> str:
    """The handle to write: freed from an older holder, or a placeholder when the holder is newer."""
    async with _savepoint(db) as conn:
        holder = await conn.fetchrow(_HANDLE_HOLDER, handle)
        if holder is None or holder["uuid"] == author.uuid:
            return handle
        if holder["updated_at"] < author.updated_at:
            await conn.execute(_SET_HANDLE, holder["uuid"], placeholder_handle(holder["uuid"]))
            return handle
    return placeholder_handle(author.uuid)


async def uuid_by_sub(db: Executor, sub: str) -> uuid.UUID | None:
    """The user uuid of a Cognito sub, if projected."""
    found: uuid.UUID | None = await db.fetchval("SELECT uuid FROM authors WHERE cognito_user_id = $1", sub)
    return found


# No edge, block or mute names an erased user (a tombstone: account/service.py), whenever its event arrives.
_NONE_ERASED = "NOT EXISTS (SELECT 1 FROM authors WHERE uuid IN ($1, $2) AND erased_at IS NOT NULL)"


async def follow(db: Executor, *, follower: uuid.UUID, followee: uuid.UUID) -> bool:
    """Add a follow edge (never to or from an erased user); True when it was new."""
    added = await db.fetchval(
        "INSERT INTO follows (follower_uuid, followee_uuid) SELECT $1::uuid, $2::uuid "
        f"WHERE {_NONE_ERASED} ON CONFLICT DO NOTHING RETURNING 1",
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


# A block is two rows: the blocker's `block` and the blocked user's `blocked` (migration 0005).
_BLOCK = f"""
INSERT INTO hidden (viewer_uuid, author_uuid, kind)
SELECT v.* FROM (VALUES ($1::uuid, $2::uuid, 'block'), ($2::uuid, $1::uuid, 'blocked')) v WHERE {_NONE_ERASED}
ON CONFLICT DO NOTHING
"""  # noqa: S608 - a constant SQL fragment, values are bind parameters
_UNBLOCK = """
DELETE FROM hidden
WHERE (viewer_uuid, author_uuid, kind) IN (($1::uuid, $2::uuid, 'block'), ($2::uuid, $1::uuid, 'blocked'))
"""
_MUTE = f"""
INSERT INTO hidden (viewer_uuid, author_uuid, kind, until)
SELECT $1::uuid, $2::uuid, 'mute', $3 WHERE {_NONE_ERASED}
ON CONFLICT (viewer_uuid, author_uuid, kind) DO UPDATE SET until = excluded.until
"""
_UNMUTE = "DELETE FROM hidden WHERE viewer_uuid = $1 AND author_uuid = $2 AND kind = 'mute'"


async def set_block(db: Executor, *, blocker: uuid.UUID, blocked: uuid.UUID, on: bool) -> None:
    """Record or remove `blocker`'s block of `blocked` (idempotent; the other's block of them stays)."""
    await db.execute(_BLOCK if on else _UNBLOCK, blocker, blocked)


async def set_mute(db: Executor, *, muter: uuid.UUID, muted: uuid.UUID, until: datetime | None) -> None:
    """Record `muter`'s mute of `muted` until a time (None: until unmuted); a repeat replaces the time."""
    await db.execute(_MUTE, muter, muted, until)


async def unmute(db: Executor, *, muter: uuid.UUID, muted: uuid.UUID) -> None:
    """Remove a mute (idempotent)."""
    await db.execute(_UNMUTE, muter, muted)


async def set_suspended(db: Executor, *, user: uuid.UUID, suspended: bool) -> None:
    """Mark a user suspended or not; an author not projected yet takes it from their `author` event."""
    await db.execute(
        "UPDATE authors SET suspended = $2 WHERE uuid = $1 AND erased_at IS NULL", user, suspended
    )


async def writer(conn: asyncpg.Connection, user: uuid.UUID) -> asyncpg.Record | None:
    """Whether a writer is suspended or erased, locked `FOR KEY SHARE` until the caller's transaction ends.

    The lock is the one the writer's inserts take anyway (their foreign key to `authors`); it makes an
    erasure (`FOR UPDATE`, account/repository.py) wait for writes in flight and writes wait for it.
    """
    return await conn.fetchrow(
        "SELECT suspended, erased_at IS NOT NULL AS erased FROM authors WHERE uuid = $1 FOR KEY SHARE", user
    )
