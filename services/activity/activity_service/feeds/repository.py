"""The only code that reads feeds and pages; one query per list, keyset pagination on indexed columns."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import TypeAlias

import asyncpg

from activity_service.cruds.repository import ITEM_COLUMNS
from activity_service.db import StatementPool

Db: TypeAlias = asyncpg.Pool | asyncpg.Connection
Statements: TypeAlias = Db | StatementPool  # what can run the one-statement reads (home)
# Scalar subqueries, not EXISTS: the planner may turn EXISTS into a hashed subplan that scans every like
# of the reader once per page; a correlated scalar subquery stays a primary-key probe per item. A crud whose
# counter is 0 has no like (or repost) to find: the counters move in the same statement as the rows
# (cruds/repository.py `toggle`), so every snapshot sees them agree, and CASE skips those probes.
FLAGS = """,
    CASE WHEN a.likes_count > 0 THEN coalesce(
        (SELECT true FROM likes l WHERE l.activity_uuid = a.uuid AND l.user_uuid = $1), false
    ) ELSE false END AS liked,
    CASE WHEN a.reposts_count > 0 THEN coalesce(
        (SELECT true FROM reposts r WHERE r.activity_uuid = a.uuid AND r.user_uuid = $1), false
    ) ELSE false END AS reposted"""
ITEM = ITEM_COLUMNS + FLAGS

# Whose cruds and reposts the reader ($1, NULL when signed out) does not see (issue 14, docs/safety.md):
# blocked either way, actively muted (feeds only, not pages), suspended. One array per statement, from an
# uncorrelated subquery (an InitPlan: two index probes, empty for almost every reader), that each item
# is compared with in memory: no per-item probe of `hidden`, and nothing the planner could hash.
_HIDDEN = """ARRAY(
    SELECT author_uuid FROM hidden WHERE viewer_uuid = $1 AND {kinds}
    UNION ALL SELECT uuid FROM authors WHERE suspended
)"""
HIDDEN_IN_FEEDS = _HIDDEN.format(kinds="(until IS NULL OR until > now())")  # home, explore, search
HIDDEN_ON_PAGES = _HIDDEN.format(kinds="kind <> 'mute'")  # user page, crud page, replies, people

_EXPLORE = f"""
SELECT {ITEM} FROM activities a JOIN authors au ON au.uuid = a.user_uuid
WHERE a.reply_to_activity_uuid IS NULL AND a.expires_at > now() AND (a.created_at, a.uuid) < ($2, $3)
  AND a.user_uuid <> ALL({HIDDEN_IN_FEEDS})
ORDER BY a.created_at DESC, a.uuid DESC LIMIT $4
"""  # noqa: S608 - constant SQL fragments, values are bind parameters

# One range scan of the reader's timeline (fanned out on write, see timeline/repository.py): index-only on
# pk_timeline, then primary-key probes for the page's items. The zero uuid marks an original crud. `at`, the
# timeline entry's time, is sent only where it differs from the crud's `created_at` (reposts): timestamps are
# the dearest values to decode (~0.6 µs each in asyncpg), and originals would send the same one twice.
# Hidden entries (blocked, muted, suspended author or reposter) are skipped before the LIMIT, so a page is
# full: with nothing hidden (the common case) the CASE costs nothing per entry; otherwise each entry's
# author is a primary-key probe of `activities` (the same row the join below reads). MATERIALIZED: inlined,
# the planner copied the array's subquery into one InitPlan per use (three runs of it per page).
_HOME = f"""
WITH hid AS MATERIALIZED (SELECT {HIDDEN_IN_FEEDS} AS h)
SELECT {ITEM}, NULLIF(t.created_at, a.created_at) AS at, t.reposter_uuid AS reposter,
       ra.handle AS reposter_handle, ra.display_name AS reposter_display_name,
       ra.avatar_url AS reposter_avatar_url
FROM hid CROSS JOIN LATERAL (
    SELECT created_at, activity_uuid, reposter_uuid FROM timeline e
    WHERE owner_uuid = $1 AND expires_at > now() AND (created_at, activity_uuid, reposter_uuid) < ($2, $3, $4)
      AND CASE WHEN cardinality(hid.h) = 0 THEN true
          ELSE e.reposter_uuid <> ALL(hid.h)
               AND (SELECT x.user_uuid FROM activities x WHERE x.uuid = e.activity_uuid) <> ALL(hid.h)
          END
    ORDER BY created_at DESC, activity_uuid DESC, reposter_uuid DESC LIMIT $5
) t
JOIN activities a ON a.uuid = t.activity_uuid AND a.expires_at > now()  -- belt and braces: rows copy it
JOIN authors au ON au.uuid = a.user_uuid
LEFT JOIN LATERAL (  -- a primary-key probe per repost (LIMIT keeps the planner from hashing all authors);
    -- an original's NULL key ends the index scan before it descends
    SELECT handle, display_name, avatar_url FROM authors
    WHERE uuid = NULLIF(t.reposter_uuid, '00000000-0000-0000-0000-000000000000'::uuid) LIMIT 1
) ra ON true
ORDER BY t.created_at DESC, t.activity_uuid DESC, t.reposter_uuid DESC
"""  # noqa: S608 - constant SQL fragments, values are bind parameters

_PROFILE = """
SELECT au.uuid, au.handle, au.display_name, au.bio, au.avatar_url,
    (SELECT count(*) FROM activities a
      WHERE a.user_uuid = au.uuid AND a.reply_to_activity_uuid IS NULL AND a.expires_at > now()
    ) AS cruds_count,
    (SELECT count(*) FROM follows f WHERE f.followee_uuid = au.uuid) AS followers_count,
    (SELECT count(*) FROM follows f WHERE f.follower_uuid = au.uuid) AS following_count,
    EXISTS (SELECT 1 FROM follows f WHERE f.follower_uuid = $1 AND f.followee_uuid = au.uuid) AS followed,
    EXISTS (
        SELECT 1 FROM hidden h WHERE h.viewer_uuid = $1 AND h.author_uuid = au.uuid AND h.kind = 'block'
    ) AS blocking
FROM authors au WHERE lower(au.handle) = lower($2) AND NOT au.suspended AND NOT EXISTS (
    SELECT 1 FROM hidden h WHERE h.viewer_uuid = $1 AND h.author_uuid = au.uuid AND h.kind = 'blocked'
)
"""  # who blocked the reader is absent for them; whom the reader blocked shows a header, no cruds

_USER_ACTIVITIES = f"""
SELECT {ITEM} FROM activities a JOIN authors au ON au.uuid = a.user_uuid
WHERE a.user_uuid = $2 AND a.reply_to_activity_uuid IS NULL AND a.expires_at > now()
  AND (a.created_at, a.uuid) < ($3, $4)
ORDER BY a.created_at DESC, a.uuid DESC LIMIT $5
"""  # noqa: S608 - constant SQL fragments, values are bind parameters

_ONE = f"""
SELECT {ITEM} FROM activities a JOIN authors au ON au.uuid = a.user_uuid
WHERE a.uuid = $2 AND a.expires_at > now() AND lower(au.handle) = lower($3) AND NOT au.suspended
  AND NOT EXISTS (
    SELECT 1 FROM hidden h WHERE h.viewer_uuid = $1 AND h.author_uuid = au.uuid AND h.kind <> 'mute'
  )
"""  # noqa: S608 - constant SQL fragments, values are bind parameters

_REPLIES = f"""
SELECT {ITEM} FROM activities a JOIN authors au ON au.uuid = a.user_uuid
WHERE a.reply_to_activity_uuid = $2 AND a.expires_at > now() AND (a.created_at, a.uuid) > ($3, $4)
  AND a.user_uuid <> ALL({HIDDEN_ON_PAGES})
ORDER BY a.created_at, a.uuid LIMIT $5
"""  # noqa: S608 - constant SQL fragments, values are bind parameters

_SEARCH = f"""
SELECT * FROM (
    SELECT {ITEM}, ts_rank(a.search, q)::float8 AS rank
    FROM activities a JOIN authors au ON au.uuid = a.user_uuid, websearch_to_tsquery('english', $2) q
    WHERE a.search @@ q AND a.expires_at > now() AND a.user_uuid <> ALL({HIDDEN_IN_FEEDS})
) found
WHERE (rank, created_at, uuid) < ($3, $4, $5)
ORDER BY rank DESC, created_at DESC, uuid DESC LIMIT $6
"""  # noqa: S608 - constant SQL fragments, values are bind parameters

# People search (issue 18): any part of a handle or a name, and near misses ("Molari" finds Mollari),
# through the trigram GIN indexes of migration 0008 (a BitmapOr of the two; EXPLAIN in docs/activity.md).
# Ranked: the exact handle, then handles that start with the term, then names with a word that starts
# with it, then any other substring, then near misses; ties by similarity, then handle. $2 is the
# lower-cased term; $3-$5 are LIKE patterns made from it (`people`): part, prefix, word prefix.
_PEOPLE = f"""
SELECT uuid, handle, display_name, avatar_url FROM (
    SELECT uuid, handle, display_name, avatar_url,
        CASE
            WHEN lower(handle) = $2 THEN 0
            WHEN lower(handle) LIKE $4 THEN 1
            WHEN ' ' || lower(display_name) LIKE $5 THEN 2
            WHEN lower(handle) LIKE $3 OR lower(display_name) LIKE $3 THEN 3
            ELSE 4
        END AS rank,
        greatest(similarity(lower(handle), $2), similarity(lower(display_name), $2)) AS score
    FROM authors
    WHERE (lower(handle) LIKE $3 OR lower(display_name) LIKE $3
           OR lower(handle) % $2 OR lower(display_name) % $2)
      AND uuid <> ALL({HIDDEN_ON_PAGES})
) found
ORDER BY rank, score DESC, lower(handle) LIMIT $6
"""  # noqa: S608 - constant SQL fragments, values are bind parameters

_TRENDING = """
SELECT tag AS hashtag, count(*) AS count FROM hashtags
WHERE created_at > now() - interval '24 hours' AND expires_at > now()
GROUP BY tag ORDER BY count(*) DESC, tag LIMIT $1
"""


async def explore(
    db: Db, *, reader: uuid.UUID | None, before: tuple[datetime, uuid.UUID], limit: int
) -> list[asyncpg.Record]:
    """Everyone's live cruds, newest first."""
    rows: list[asyncpg.Record] = await db.fetch(_EXPLORE, reader, *before, limit)
    return rows


async def home(
    db: Statements, *, reader: uuid.UUID, before: tuple[datetime, uuid.UUID, uuid.UUID], limit: int
) -> list[asyncpg.Record]:
    """The reader's timeline: cruds and reposts of the people they follow and their own, newest first."""
    rows: list[asyncpg.Record] = await db.fetch(_HOME, reader, *before, limit)
    return rows


async def profile(db: Db, *, handle: str, reader: uuid.UUID | None) -> asyncpg.Record | None:
    """A user's profile header with live counts."""
    return await db.fetchrow(_PROFILE, reader, handle)


async def user_activities(
    db: Db, *, user: uuid.UUID, reader: uuid.UUID | None, before: tuple[datetime, uuid.UUID], limit: int
) -> list[asyncpg.Record]:
    """A user's live cruds, newest first."""
    rows: list[asyncpg.Record] = await db.fetch(_USER_ACTIVITIES, reader, user, *before, limit)
    return rows


async def one(db: Db, *, activity: uuid.UUID, handle: str, reader: uuid.UUID | None) -> asyncpg.Record | None:
    """A live crud, only under its author's handle."""
    return await db.fetchrow(_ONE, reader, activity, handle)


async def replies(
    db: Db, *, parent: uuid.UUID, reader: uuid.UUID | None, after: tuple[datetime, uuid.UUID], limit: int
) -> list[asyncpg.Record]:
    """Direct replies of a crud, oldest first."""
    rows: list[asyncpg.Record] = await db.fetch(_REPLIES, reader, parent, *after, limit)
    return rows


async def search(
    db: Db, *, term: str, reader: uuid.UUID | None, before: tuple[float, datetime, uuid.UUID], limit: int
) -> list[asyncpg.Record]:
    """Live cruds matching the term, best match first."""
    rows: list[asyncpg.Record] = await db.fetch(_SEARCH, reader, term, *before, limit)
    return rows


async def people(db: Db, *, term: str, reader: uuid.UUID | None, limit: int) -> list[asyncpg.Record]:
    """Users whose handle or name holds the term, best match first (not those hidden from the reader)."""
    lowered = term.lower()
    escaped = lowered.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    part, prefix, word = f"%{escaped}%", f"{escaped}%", f"% {escaped}%"
    rows: list[asyncpg.Record] = await db.fetch(_PEOPLE, reader, lowered, part, prefix, word, limit)
    return rows


async def trending(db: Db, *, limit: int) -> list[asyncpg.Record]:
    """The most used hashtags of the last 24 hours among live cruds."""
    rows: list[asyncpg.Record] = await db.fetch(_TRENDING, limit)
    return rows
