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
# minus the poster and minus anyone whose feeds hide the author or the reposter (blocked either way, an
# active mute: the home query's HIDDEN_IN_FEEDS); nobody when either is suspended. ix_timeline_activity_owner
# finds the rows.
_QUEUE = f"""
INSERT INTO outbox (destination, body)
SELECT '{HOME}', jsonb_build_object(
    'activity_uuid', a.uuid, 'author_uuid', a.user_uuid, 'reposter_uuid', NULLIF($2::uuid, '{NONE}'::uuid),
    'recipients', jsonb_agg(r.sub ORDER BY r.n), 'created_at', now())
FROM activities a
CROSS JOIN LATERAL (SELECT CASE WHEN $2::uuid = '{NONE}'::uuid THEN a.user_uuid ELSE $2::uuid END AS uuid) p
CROSS JOIN LATERAL (
    SELECT au.cognito_user_id AS sub, row_number() OVER () - 1 AS n
    FROM timeline t JOIN authors au ON au.uuid = t.owner_uuid
    WHERE t.activity_uuid = a.uuid AND t.reposter_uuid = $2::uuid AND t.owner_uuid <> p.uuid
      AND NOT EXISTS (
          SELECT FROM hidden h
          WHERE h.viewer_uuid = t.owner_uuid AND h.author_uuid IN (a.user_uuid, p.uuid)
            AND (h.until IS NULL OR h.until > now())
      )
) r
WHERE a.uuid = $1::uuid
  AND NOT EXISTS (SELECT FROM authors s WHERE s.uuid IN (a.user_uuid, p.uuid) AND s.suspended)
GROUP BY a.uuid, a.user_uuid, r.n / {HOME_RECIPIENTS_PER_EVENT}
"""  # noqa: S608 - constant SQL fragments, values are bind parameters


async def queue(conn: asyncpg.Connection, *, activity: uuid.UUID, reposter: uuid.UUID | None = None) -> bool:
    """Queue the home events of a crud just fanned out (a repost's with `reposter`); True when any was."""
    status: str = await conn.execute(_QUEUE, activity, reposter or NONE)
    return status != "INSERT 0 0"
