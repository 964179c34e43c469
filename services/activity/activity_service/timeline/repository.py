"""The only code that writes home timelines: fan-out on write, in the caller's transaction.

A timeline row is one home feed entry of one reader (`owner_uuid`): an original crud (`reposter_uuid` is
the zero uuid) or a repost. Deleted and purged cruds leave by `ON DELETE CASCADE`; expired rows are
filtered by `expires_at`. Replies never enter timelines.
"""

from __future__ import annotations

import uuid

import asyncpg

NONE = uuid.UUID(int=0)

# Posting and reposting take the author's timeline lock shared; follow and unfollow take the followee's
# exclusively. A fan-out and a back-fill of the same author never overlap, so neither misses the other's
# uncommitted rows. Transaction-scoped advisory locks (two-key form: its own key space), not row locks: many
# concurrent posts by one author would otherwise turn the author row's shared locks into MultiXacts.
_LOCK = {
    False: "SELECT pg_advisory_xact_lock_shared(hashtext('activity.timeline'), hashtext($1::uuid::text))",
    True: "SELECT pg_advisory_xact_lock(hashtext('activity.timeline'), hashtext($1::uuid::text))",
}

_FAN_OUT_CRUD = """
INSERT INTO timeline (owner_uuid, created_at, activity_uuid, expires_at)
SELECT o.owner, a.created_at, a.uuid, a.expires_at
FROM activities a CROSS JOIN LATERAL (
    SELECT a.user_uuid AS owner UNION ALL SELECT follower_uuid FROM follows WHERE followee_uuid = a.user_uuid
) o
WHERE a.uuid = $1 AND a.reply_to_activity_uuid IS NULL
ON CONFLICT DO NOTHING
"""

_FAN_OUT_REPOST = """
INSERT INTO timeline (owner_uuid, created_at, activity_uuid, reposter_uuid, expires_at)
SELECT o.owner, r.created_at, r.activity_uuid, r.user_uuid, r.expires_at
FROM reposts r JOIN activities a ON a.uuid = r.activity_uuid CROSS JOIN LATERAL (
    SELECT r.user_uuid AS owner UNION ALL SELECT follower_uuid FROM follows WHERE followee_uuid = r.user_uuid
) o
WHERE r.activity_uuid = $1 AND r.user_uuid = $2 AND a.reply_to_activity_uuid IS NULL
ON CONFLICT DO NOTHING
"""

_BACKFILL = """
INSERT INTO timeline (owner_uuid, created_at, activity_uuid, reposter_uuid, expires_at)
SELECT $1::uuid, created_at, uuid, $3::uuid, expires_at FROM activities
WHERE user_uuid = $2::uuid AND reply_to_activity_uuid IS NULL AND expires_at > now()
UNION ALL
SELECT $1::uuid, r.created_at, r.activity_uuid, r.user_uuid, r.expires_at
FROM reposts r JOIN activities a ON a.uuid = r.activity_uuid
WHERE r.user_uuid = $2::uuid AND r.expires_at > now() AND a.reply_to_activity_uuid IS NULL
ON CONFLICT DO NOTHING
"""

_REMOVE_FOLLOWEE = """
DELETE FROM timeline t WHERE t.owner_uuid = $1 AND (
    t.reposter_uuid = $2
    OR (t.reposter_uuid = $3
        AND EXISTS (SELECT 1 FROM activities a WHERE a.uuid = t.activity_uuid AND a.user_uuid = $2))
)
"""


async def lock_author(conn: asyncpg.Connection, author: uuid.UUID, *, exclusive: bool) -> None:
    """Serialise fan-outs against back-fills of one author (see `_LOCK`)."""
    await conn.execute(_LOCK[exclusive], author)


async def fan_out_crud(conn: asyncpg.Connection, activity: uuid.UUID) -> None:
    """A new crud enters its author's and every follower's timeline (replies are skipped)."""
    await conn.execute(_FAN_OUT_CRUD, activity)


async def fan_out_repost(conn: asyncpg.Connection, *, activity: uuid.UUID, reposter: uuid.UUID) -> None:
    """A new repost enters the reposter's and every follower's timeline."""
    await conn.execute(_FAN_OUT_REPOST, activity, reposter)


async def remove_repost(conn: asyncpg.Connection, *, activity: uuid.UUID, reposter: uuid.UUID) -> None:
    """An un-repost leaves every timeline."""
    await conn.execute(
        "DELETE FROM timeline WHERE activity_uuid = $1 AND reposter_uuid = $2", activity, reposter
    )


async def backfill(conn: asyncpg.Connection, *, owner: uuid.UUID, followee: uuid.UUID) -> None:
    """A new follow brings the followee's live cruds and reposts into the follower's timeline."""
    await conn.execute(_BACKFILL, owner, followee, NONE)


async def remove_followee(conn: asyncpg.Connection, *, owner: uuid.UUID, followee: uuid.UUID) -> None:
    """An unfollow takes the followee's cruds and reposts out of the follower's timeline."""
    await conn.execute(_REMOVE_FOLLOWEE, owner, followee, NONE)
