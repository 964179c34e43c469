"""The only code that reads cruds for moderators and writes evidence holds."""

from __future__ import annotations

import uuid
from datetime import datetime

import asyncpg

# Placing a hold and a purge batch serialise on this lock (exclusive here, shared in purge.py): a hold
# committed after a batch's snapshot would not stop that batch from deleting the crud it holds.
HOLDS_LOCK = "hashtext('activity.holds')"

_CRUD = """
SELECT a.uuid, a.message, a.created_at, a.expires_at, a.reply_to_activity_uuid,
       au.uuid AS author_uuid, au.handle, au.display_name,
       a.expires_at <= now() AS expired,
       EXISTS (SELECT 1 FROM holds h WHERE h.activity_uuid = a.uuid AND h.until > now()) AS held,
       EXISTS (
           SELECT 1 FROM hidden b
           WHERE b.viewer_uuid = a.user_uuid AND b.author_uuid = $2 AND b.kind = 'block'
       ) AS blocks_reporter
FROM activities a JOIN authors au ON au.uuid = a.user_uuid
WHERE a.uuid = $1
"""

_HOLD = """
INSERT INTO holds (report_id, activity_uuid, reporter_uuid, until) VALUES ($1, $2, $3, $4)
ON CONFLICT (report_id) DO UPDATE SET until = excluded.until
WHERE holds.activity_uuid = excluded.activity_uuid
RETURNING report_id
"""


async def crud(
    db: asyncpg.Pool | asyncpg.Connection, activity: uuid.UUID, *, reporter: uuid.UUID | None = None
) -> asyncpg.Record | None:
    """A crud in any state with its author, whether it is expired or held, and whether its author blocked
    `reporter`."""
    return await db.fetchrow(_CRUD, activity, reporter)


async def lock_holds(conn: asyncpg.Connection) -> None:
    """Serialise against purge batches (see HOLDS_LOCK)."""
    await conn.execute(f"SELECT pg_advisory_xact_lock({HOLDS_LOCK})")


async def hold(
    conn: asyncpg.Connection,
    *,
    report_id: uuid.UUID,
    activity: uuid.UUID,
    reporter: uuid.UUID,
    until: datetime,
) -> bool:
    """Place or renew a report's hold on a crud; False when the report already holds another crud."""
    return await conn.fetchval(_HOLD, report_id, activity, reporter, until) is not None


async def release(db: asyncpg.Pool | asyncpg.Connection, report_id: uuid.UUID) -> None:
    """Release a report's hold (idempotent); the purge then removes the crud if it has expired."""
    await db.execute("DELETE FROM holds WHERE report_id = $1", report_id)
