"""The only code that reads feeds and pages; one query per list, keyset pagination on indexed columns."""

from __future__ import annotations

import functools
import uuid
from datetime import datetime
from typing import TypeAlias

import asyncpg
import orjson

from activity_service.cruds.repository import ITEM_COLUMNS
from activity_service.db import StatementPool
from activity_service.feeds.recent import recent_cache

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

# The signed-out global feed's first page (the signed-out home feed: issue 19), as a statement without
# parameters. Postgres plans a prepared statement without parameters once and reuses that plan; with
# parameters it re-planned this one on every execution (~0.14 ms of planning for ~0.06 ms of execution),
# because its generic plan, costed with guesses for the cursor (a third of the table) and the LIMIT (a
# tenth), looked 10-20 times dearer than each custom plan. The page size is therefore written into the
# statement (one per size the routes allow, built once each); nobody is signed in, so nothing is hidden
# but suspended authors (what `HIDDEN_IN_FEEDS` is for a NULL viewer) and there are no likes or reposts of
# the reader to probe (render_items sends null for them). Not a forced generic plan with `LIMIT $n`: that
# sorted a tenth of the table (docs/performance.md).
_EXPLORE_TOP_SIGNED_OUT = f"""
SELECT {ITEM_COLUMNS}, false AS liked, false AS reposted
FROM activities a JOIN authors au ON au.uuid = a.user_uuid
WHERE a.reply_to_activity_uuid IS NULL AND a.expires_at > now()
  AND a.user_uuid <> ALL(ARRAY(SELECT uuid FROM authors WHERE suspended))
ORDER BY a.created_at DESC, a.uuid DESC LIMIT {{limit:d}}
"""  # noqa: S608 - constant SQL fragments; the limit is an int
# The top of every feed: the first page's keyset position (the service starts every first page here).
TOP = (datetime.fromisoformat("9999-12-31T00:00:00+00:00"), uuid.UUID(int=(1 << 128) - 1))


@functools.lru_cache(maxsize=128)
def _explore_top_signed_out(limit: int) -> str:
    return _EXPLORE_TOP_SIGNED_OUT.format(limit=limit)


# One range scan of the reader's timeline (fanned out on write, see timeline/repository.py): index-only on
# pk_timeline, then primary-key probes for the page's items. The zero uuid marks an original crud. `at`, the
# timeline entry's time, is sent only where it differs from the crud's `created_at` (reposts): timestamps are
# the dearest values to decode (~0.6 µs each in asyncpg), and originals would send the same one twice.
# Hidden entries (blocked, muted, suspended author or reposter) are skipped before the LIMIT, so a page is
# full: with nothing hidden (the common case) the CASE costs nothing per entry; otherwise each entry's
# author is a primary-key probe of `activities` (the same row the join below reads). A crud appears once
# (issue 18): an entry is skipped when the same timeline holds a newer live entry of that crud that the
# reader may see (a repost by someone else they follow, or their own), so the newest reason shows the card
# ("Bob reposted") and older pages never repeat it: one index-only probe of ix_timeline_activity_owner per
# entry, whatever the page's depth, and the cursor stays the entry's key. MATERIALIZED: inlined,
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
      AND NOT EXISTS (  -- folded: a newer live, visible entry of the same crud shows it (one card per crud)
          SELECT FROM timeline n
          WHERE n.activity_uuid = e.activity_uuid AND n.owner_uuid = $1 AND n.expires_at > now()
            AND (n.created_at, n.reposter_uuid) > (e.created_at, e.reposter_uuid)
            AND n.reposter_uuid <> ALL(hid.h)
      )
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

# A user's page: their live cruds and their reposts of others' (issue 18), merged newest first by the
# entry's time (the repost's, for a repost). Each branch is a keyset range scan of its own index
# (ix_activities_author_feed, ix_reposts_user_feed) limited to the page, so the merge reads at most two
# pages. A repost of their own crud is not a second entry: the crud is on the page already. With
# self-reposts out, (time, crud) is unique, so the cursor stays (t, u). Reposts of someone hidden from the
# reader are skipped before the LIMIT.
_USER_ACTIVITIES = f"""
SELECT {ITEM}, NULLIF(e.at, a.created_at) AS at, e.reposter,
       ra.handle AS reposter_handle, ra.display_name AS reposter_display_name,
       ra.avatar_url AS reposter_avatar_url
FROM (
    (SELECT created_at AS at, uuid AS activity_uuid, NULL::uuid AS reposter FROM activities
     WHERE user_uuid = $2 AND reply_to_activity_uuid IS NULL AND expires_at > now()
       AND (created_at, uuid) < ($3, $4)
     ORDER BY created_at DESC, uuid DESC LIMIT $5)
    UNION ALL
    (SELECT r.created_at, r.activity_uuid, r.user_uuid
     FROM reposts r JOIN activities x ON x.uuid = r.activity_uuid
     WHERE r.user_uuid = $2 AND r.expires_at > now() AND (r.created_at, r.activity_uuid) < ($3, $4)
       AND x.reply_to_activity_uuid IS NULL AND x.user_uuid <> $2 AND x.user_uuid <> ALL({HIDDEN_ON_PAGES})
     ORDER BY r.created_at DESC, r.activity_uuid DESC LIMIT $5)
) e
JOIN activities a ON a.uuid = e.activity_uuid
JOIN authors au ON au.uuid = a.user_uuid
LEFT JOIN authors ra ON ra.uuid = e.reposter
ORDER BY e.at DESC, e.activity_uuid DESC LIMIT $5
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

# Search ranks a bounded window, not every match (issue 19): the newest SEARCH_WINDOW live matches, best match
# first (`ts_rank`, then newest) within them; older matches are not returned. The window's cost is bounded
# either way the planner goes: for a common word, `ix_activities_recent` read newest first until the window is
# full (a few thousand index entries however large the table); for a rare one, the GIN bitmap of its few
# matches, sorted by time. The subquery's LIMIT keeps `ts_rank` to the window's rows.
#
# The window is the same for every reader, so each process keeps it per term for SEARCH_TTL_SECONDS
# (feeds/recent.py, as trending): it holds only (rank, created_at, uuid), never a row to show. Each request
# then reads its page's rows afresh (_SEARCH_PAGE) and applies the reader's rules there: expired, hidden
# from the reader (blocked, muted) and suspended authors are dropped before the LIMIT. So a cached window
# can miss a crud posted in the last SEARCH_TTL_SECONDS, and never shows one that is gone or hidden.
SEARCH_WINDOW = 200
SEARCH_TTL_SECONDS = 5.0
SEARCH_CACHE_TERMS = 512  # terms per process; ~200 (float, datetime, uuid) each: ~25 MB at most
_SEARCH_WINDOW = f"""
SELECT ts_rank(search, websearch_to_tsquery('english', $1))::float8 AS rank, created_at, uuid FROM (
    SELECT a.uuid, a.created_at, a.search FROM activities a
    WHERE a.search @@ websearch_to_tsquery('english', $1) AND a.expires_at > now()
      AND a.user_uuid <> ALL(ARRAY(SELECT uuid FROM authors WHERE suspended))
    ORDER BY a.created_at DESC, a.uuid DESC LIMIT {SEARCH_WINDOW}
) recent
ORDER BY rank DESC, created_at DESC, uuid DESC
"""  # noqa: S608 - constant SQL fragments, values are bind parameters

# The people a search finds ($5: the term's cached candidates, `people_window`) as the reader may see them
# now, in order, as JSON in `Person`'s shape: read afresh (a new name, an erased account show at once) and
# without those blocked either way or suspended. An uncorrelated subquery: run once per statement.
_VISIBLE_PEOPLE = f"""(
    SELECT coalesce(json_agg(json_build_object(
        'uuid', au.uuid, 'handle', au.handle, 'display_name', au.display_name, 'avatar_url', au.avatar_url
    ) ORDER BY q.n), '[]')
    FROM unnest($5::uuid[]) WITH ORDINALITY AS q(p, n) JOIN authors au ON au.uuid = q.p
    WHERE au.erased_at IS NULL AND q.p <> ALL({HIDDEN_ON_PAGES})
)"""  # noqa: S608 - constant SQL fragments, values are bind parameters

# A page of the window: the candidates after the cursor, in the window's order ($2, $3), each a primary-key
# probe, kept only if still live and not hidden from the reader; each row also carries the visible people
# (one statement per request, not two: the second statement cost the worker more than its rows).
_SEARCH_PAGE = f"""
SELECT {ITEM}, c.rank, {_VISIBLE_PEOPLE} AS people
FROM unnest($2::uuid[], $3::float8[]) WITH ORDINALITY AS c(uuid, rank, n)
JOIN activities a ON a.uuid = c.uuid JOIN authors au ON au.uuid = a.user_uuid
WHERE a.expires_at > now() AND a.user_uuid <> ALL({HIDDEN_IN_FEEDS})
ORDER BY c.n LIMIT $4
"""  # noqa: S608 - constant SQL fragments, values are bind parameters
_ONLY_PEOPLE = f"SELECT {_VISIBLE_PEOPLE.replace('$5', '$2')} AS people"  # no crud on the page

# People search (issue 18): any part of a handle or a name, and near misses ("Molari" finds Mollari),
# through the trigram GIN indexes of migration 0010 (a BitmapOr of the two; EXPLAIN in docs/activity.md).
# Ranked: the exact handle, then handles that start with the term, then names with a word that starts
# with it, then any other substring, then near misses; ties by similarity, then handle. $2 is the
# lower-cased term; $3-$5 are LIKE patterns made from it (`people_window`): part, prefix, word prefix.
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
    db: Db,
    *,
    reader: uuid.UUID | None,
    before: tuple[datetime, uuid.UUID],
    limit: int,
    top_db: Statements | None = None,
) -> list[asyncpg.Record]:
    """Everyone's live cruds, newest first.

    The signed-out first page runs on `top_db` when given (the statement pool: one statement without
    parameters, so the pool's generic plans change nothing, and it skips asyncpg's per-checkout cost).
    """
    if reader is None and before == TOP:  # the signed-out first page: planned once (see above)
        rows: list[asyncpg.Record] = await (top_db or db).fetch(_explore_top_signed_out(int(limit)))
    else:
        rows = await db.fetch(_EXPLORE, reader, *before, limit)
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
    """A user's live cruds and their reposts of others' cruds, newest first (by repost time for a repost)."""
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


SearchKey: TypeAlias = tuple[float, datetime, uuid.UUID]  # (rank, created_at, uuid): the window's order


async def search_window(db: Db, *, term: str) -> list[SearchKey]:
    """The newest SEARCH_WINDOW live matches of the term, best first (up to SEARCH_TTL_SECONDS old)."""

    async def compute() -> list[SearchKey]:
        return [(r[0], r[1], r[2]) for r in await db.fetch(_SEARCH_WINDOW, term)]

    cache = recent_cache(db, name="search", ttl=SEARCH_TTL_SECONDS, size=SEARCH_CACHE_TERMS)
    window: list[SearchKey] = await cache.get(term, compute)
    return window


async def search_page(
    db: Db, *, window: list[SearchKey], people: list[uuid.UUID], reader: uuid.UUID | None, limit: int
) -> tuple[list[asyncpg.Record], list[dict[str, str]]]:
    """Up to `limit` rows of the window's candidates, in order, that are live and the reader may see; and
    those of `people` the reader may see (`Person` data).

    The next `limit` candidates first; when some were dropped, twice as many of the rest, and so on.
    """
    rows: list[asyncpg.Record] = []
    start, size = 0, limit
    while start < len(window) and len(rows) < limit:
        chunk = window[start : start + size]
        uuids, ranks = [c[2] for c in chunk], [c[0] for c in chunk]
        rows += await db.fetch(_SEARCH_PAGE, reader, uuids, ranks, limit - len(rows), people)
        start, size = start + len(chunk), size * 2
    if not people:
        return rows, []
    visible = rows[0]["people"] if rows else await db.fetchval(_ONLY_PEOPLE, reader, people)
    found: list[dict[str, str]] = orjson.loads(visible)
    return rows, found


PEOPLE_WINDOW = 20  # people candidates kept per term: the reader's page shows the first 10 they may see


async def people_window(db: Db, *, term: str) -> list[uuid.UUID]:
    """Users whose handle or name holds the term, best match first (up to SEARCH_TTL_SECONDS old).

    The same for everyone: `search_page` reads them afresh and applies the reader's blocks.
    """
    lowered = term.lower()
    escaped = lowered.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    part, prefix, word = f"%{escaped}%", f"{escaped}%", f"% {escaped}%"

    async def compute() -> list[uuid.UUID]:
        rows = await db.fetch(_PEOPLE, None, lowered, part, prefix, word, PEOPLE_WINDOW)
        return [r["uuid"] for r in rows]

    cache = recent_cache(db, name="people", ttl=SEARCH_TTL_SECONDS, size=SEARCH_CACHE_TERMS)
    found: list[uuid.UUID] = await cache.get(lowered, compute)
    return found


# Trending is the same answer for everyone and grows with the last 24 hours' hashtags (≈ 4 ms of Postgres at
# today's data, ten times that at ten times the data): each process computes it at most once per TTL and
# serves that copy, up to TRENDING_TTL_SECONDS old; nothing invalidates it early (issue 19).
TRENDING_TTL_SECONDS = 10.0


async def trending(db: Db, *, limit: int) -> list[asyncpg.Record]:
    """The most used hashtags of the last 24 hours among live cruds (up to TRENDING_TTL_SECONDS old)."""

    async def compute() -> list[asyncpg.Record]:
        rows: list[asyncpg.Record] = await db.fetch(_TRENDING, limit)
        return rows

    cache = recent_cache(db, name="trending", ttl=TRENDING_TTL_SECONDS, size=4)
    found: list[asyncpg.Record] = await cache.get(limit, compute)
    return found
