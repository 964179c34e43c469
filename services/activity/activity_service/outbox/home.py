"""Home events (cruddur_common.contracts.HomeEvent): who is told live that a crud entered their home feed.

Queued in the posting (reposting) transaction, after the timeline fan-out, to the outbox destination
`home`; the deliverer sends them to the notification service after the commit, batched like every event.
"""

from __future__ import annotations

import uuid

import asyncpg

from cruddur_common.contracts import HOME_RECIPIENTS_PER_EVENT

HOME = "home"
NONE = uuid.UUID(int=0)  # the timeline's reposter of an original crud

# One INSERT … SELECT: the recipients never travel to Python, and a crud with many followers is one outbox
# row per chunk of HOME_RECIPIENTS_PER_EVENT, not a row (or a call) per follower. The recipients are the
# timeline rows this transaction's fan-out wrote (so the event says exactly "it is in your home feed"),
# minus the poster and the crud's author (a repost of my crud is not news to me) and minus anyone whose
# feeds hide the author or the reposter (blocked either way, an active mute: the home query's
# HIDDEN_IN_FEEDS); nobody when either is suspended. Who hides the two is
# one array computed once (ix_hidden_author; empty for almost every author), not a probe per follower;
# per follower it costs one index-only probe of ix_timeline_activity_owner and one of authors' primary key
# (the sub). Measured with `python -m bench.home_news` (docs/performance.md).
QUEUE_SQL = f"""
WITH p AS MATERIALIZED (
    SELECT a.uuid AS activity, a.user_uuid AS author,
           CASE WHEN $2::uuid = '{NONE}'::uuid THEN a.user_uuid ELSE $2::uuid END AS poster
    FROM activities a
    WHERE a.uuid = $1::uuid
      AND NOT EXISTS (SELECT FROM authors s WHERE s.uuid IN (a.user_uuid, $2::uuid) AND s.suspended)
), hid AS MATERIALIZED (
    SELECT ARRAY(
        SELECT h.viewer_uuid FROM hidden h, p
        WHERE h.author_uuid IN (p.author, p.poster) AND (h.until IS NULL OR h.until > now())
    ) AS viewers
), r AS (
    SELECT au.cognito_user_id AS sub, row_number() OVER () - 1 AS n
    FROM p CROSS JOIN hid JOIN timeline t ON t.activity_uuid = p.activity
    JOIN authors au ON au.uuid = t.owner_uuid
    WHERE t.reposter_uuid = $2::uuid AND t.owner_uuid NOT IN (p.poster, p.author)
      AND t.owner_uuid <> ALL(hid.viewers)
)
INSERT INTO outbox (destination, body)
SELECT '{HOME}', jsonb_build_object(
    'activity_uuid', p.activity, 'author_uuid', p.author, 'reposter_uuid', NULLIF($2::uuid, '{NONE}'::uuid),
    'recipients', jsonb_agg(r.sub), 'created_at', now())
FROM p CROSS JOIN r
GROUP BY p.activity, p.author, r.n / {HOME_RECIPIENTS_PER_EVENT}
"""  # noqa: S608 - constant SQL fragments, values are bind parameters


async def queue(conn: asyncpg.Connection, *, activity: uuid.UUID, reposter: uuid.UUID | None = None) -> bool:
    """Queue the home events of a crud just fanned out (a repost's with `reposter`); True when any was."""
    status: str = await conn.execute(QUEUE_SQL, activity, reposter or NONE)
    return status != "INSERT 0 0"
