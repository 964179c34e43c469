"""The only code that touches the outbox table."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import asyncpg
import orjson


@dataclass(frozen=True, slots=True)
class PendingEvent:
    """One undelivered call."""

    id: int
    method: str
    path: str
    body: Any
    attempts: int


async def enqueue(
    conn: asyncpg.Connection, *, destination: str, method: str, path: str, bodies: list[Any]
) -> None:
    """Write calls in the caller's transaction (delivered after commit)."""
    if not bodies:
        return
    await conn.executemany(
        "INSERT INTO outbox (destination, method, path, body) VALUES ($1, $2, $3, $4::jsonb)",
        [(destination, method, path, orjson.dumps(b).decode()) for b in bodies],
    )


async def lock_destination(conn: asyncpg.Connection, destination: str) -> bool:
    """Take the transaction-scoped delivery lock of a destination (one deliverer at a time keeps order)."""
    locked: bool = await conn.fetchval(
        "SELECT pg_try_advisory_xact_lock(hashtext('activity.outbox.' || $1))", destination
    )
    return locked


async def head(conn: asyncpg.Connection, *, destination: str, limit: int) -> list[PendingEvent]:
    """The oldest events of a destination that are due now, stopping at the first one still backing off."""
    rows = await conn.fetch(
        """
        SELECT id, method, path, body::text AS body, attempts, next_attempt_at <= now() AS due
        FROM outbox WHERE destination = $1 AND delivered_at IS NULL
        ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED
        """,
        destination,
        limit,
    )
    events: list[PendingEvent] = []
    for row in rows:
        if not row["due"]:
            break
        body = orjson.loads(row["body"]) if row["body"] is not None else None
        events.append(PendingEvent(row["id"], row["method"], row["path"], body, row["attempts"]))
    return events


async def mark_delivered(conn: asyncpg.Connection, ids: list[int]) -> None:
    """Mark events delivered (kept a while for audit, then purged)."""
    if ids:
        await conn.execute("UPDATE outbox SET delivered_at = now() WHERE id = ANY($1::bigint[])", ids)


async def forget_delivered(conn: asyncpg.Connection | asyncpg.Pool, *, older_than_hours: float) -> int:
    """Delete delivered events older than the audit window; returns how many."""
    status = await conn.execute(
        "DELETE FROM outbox WHERE delivered_at < now() - make_interval(secs => $1)", older_than_hours * 3600
    )
    return int(status.split()[-1])


async def postpone(conn: asyncpg.Connection, event_id: int, *, delay_seconds: float, error: str) -> None:
    """Record a failed attempt and when to try again."""
    await conn.execute(
        "UPDATE outbox SET attempts = attempts + 1, last_error = $2, "
        "next_attempt_at = now() + make_interval(secs => $3) WHERE id = $1",
        event_id,
        error[:500],
        delay_seconds,
    )


async def pending_count(conn: asyncpg.Pool | asyncpg.Connection, destination: str) -> int:
    """How many events of a destination wait for delivery."""
    count: int = await conn.fetchval(
        "SELECT count(*) FROM outbox WHERE destination = $1 AND delivered_at IS NULL", destination
    )
    return count
