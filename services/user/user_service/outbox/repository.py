"""The only code that touches the user service's outbox table."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, func, insert, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from user_service.models import OutboxEvent


@dataclass(frozen=True, slots=True)
class PendingEvent:
    """One undelivered call."""

    id: int
    method: str
    path: str
    body: Any
    attempts: int


async def enqueue(session: AsyncSession, *, destination: str, method: str, path: str, body: Any) -> None:
    """Write a call in the caller's transaction (delivered after commit)."""
    await session.execute(
        insert(OutboxEvent).values(destination=destination, method=method, path=path, body=body)
    )


async def lock_destination(session: AsyncSession, destination: str) -> bool:
    """Take the transaction-scoped delivery lock of a destination (one deliverer at a time keeps order)."""
    locked = await session.scalar(
        text("SELECT pg_try_advisory_xact_lock(hashtext('users.outbox.' || :d))"), {"d": destination}
    )
    return bool(locked)


async def head(session: AsyncSession, *, destination: str, limit: int) -> list[PendingEvent]:
    """The oldest due events of a destination, stopping at the first one still backing off."""
    rows = (
        await session.execute(
            select(
                OutboxEvent.id,
                OutboxEvent.method,
                OutboxEvent.path,
                OutboxEvent.body,
                OutboxEvent.attempts,
                (OutboxEvent.next_attempt_at <= func.now()).label("due"),
            )
            .where(OutboxEvent.destination == destination)
            .order_by(OutboxEvent.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
    ).all()
    events: list[PendingEvent] = []
    for row in rows:
        if not row.due:
            break
        events.append(PendingEvent(row.id, row.method, row.path, row.body, row.attempts))
    return events


async def delete_events(session: AsyncSession, ids: list[int]) -> None:
    """Forget delivered events."""
    if ids:
        await session.execute(delete(OutboxEvent).where(OutboxEvent.id.in_(ids)))


async def postpone(session: AsyncSession, event_id: int, *, delay_seconds: float, error: str) -> None:
    """Record a failed attempt and when to try again."""
    await session.execute(
        update(OutboxEvent)
        .where(OutboxEvent.id == event_id)
        .values(
            attempts=OutboxEvent.attempts + 1,
            last_error=error[:500],
            next_attempt_at=func.now() + func.make_interval(0, 0, 0, 0, 0, 0, delay_seconds),
        )
    )


async def pending_count(session: AsyncSession, destination: str) -> int:
    """How many events of a destination wait for delivery."""
    count = await session.scalar(
        select(func.count()).select_from(OutboxEvent).where(OutboxEvent.destination == destination)
    )
    return int(count or 0)
