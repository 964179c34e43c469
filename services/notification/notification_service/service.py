"""Use cases of the notification service; each owns its transaction."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from pydantic import TypeAdapter
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from cruddur_common.contracts import BatchResult, consume
from cruddur_common.pagination import CursorPosition, InvalidCursor, PgBigint, decode_cursor, encode_cursor
from notification_service import render, repository
from notification_service.broker import Broker
from notification_service.errors import NotificationNotFound
from notification_service.models import Notification as Row
from notification_service.schemas import IngestEvent, IngestResult, MarkRead, Notification, ReadResult

log = logging.getLogger("notification.service")


@dataclass(frozen=True)
class Page:
    """A page of notifications, the next cursor and the unread count."""

    items: list[Notification]
    next_cursor: str | None
    unread_count: int


def _now() -> datetime:
    return datetime.now(UTC)


class _Duplicate(Exception):
    """A concurrent delivery stored this event first: roll back, which also gives the sequence number back."""


async def _store(session: AsyncSession, event: IngestEvent) -> tuple[IngestResult, Row | None]:
    """Apply one event in the caller's transaction; the stored row is returned for the live push."""
    if event.kind == "retract":
        assert event.target.activity_uuid is not None
        await repository.retract(session, event.target.activity_uuid)
        return IngestResult(status="retracted"), None
    assert event.recipient is not None and event.actor is not None
    if event.expires_at is not None and event.expires_at <= _now():
        return IngestResult(status="dropped"), None
    target = event.target
    if target.activity_uuid is not None and await repository.is_retracted(session, target.activity_uuid):
        return IngestResult(status="dropped"), None
    if await repository.event_exists(session, event.event_id):
        return IngestResult(status="duplicate"), None
    seq = await repository.next_seq(session, event.recipient.sub)
    row = await repository.insert_notification(
        session,
        {
            "event_id": event.event_id,
            "recipient_sub": event.recipient.sub,
            "recipient_uuid": event.recipient.uuid,
            "seq": seq,
            "kind": event.kind,
            "actor_uuid": event.actor.uuid,
            "actor_handle": event.actor.handle,
            "actor_display_name": event.actor.display_name,
            "actor_avatar_url": event.actor.avatar_url,
            "activity_uuid": target.activity_uuid,
            "activity_handle": target.activity_handle,
            "message_group_uuid": target.message_group_uuid,
            "preview": target.preview,
            "body": target.message if event.kind == "message" else None,
            "expires_at": event.expires_at,
            "created_at": event.created_at,
        },
    )
    if row is None:
        raise _Duplicate
    return IngestResult(status="stored"), row


async def _publish(broker: Broker, row: Row) -> None:
    try:
        await broker.publish(row.recipient_sub, render.envelope(row))
    except Exception as exc:  # stored is what counts: live streams catch up from Postgres
        log.warning("live publish failed: %s", exc, extra={"event_id": str(row.event_id)})


async def ingest(session: AsyncSession, broker: Broker, event: IngestEvent) -> IngestResult:
    """Store an event once (by event id) and push it to the recipient's live streams."""
    try:
        result, row = await _store(session, event)
    except _Duplicate:
        await session.rollback()
        return IngestResult(status="duplicate")
    await session.commit()
    if row is not None:
        await _publish(broker, row)
    return result


_EVENT = TypeAdapter(IngestEvent)


async def ingest_batch(
    sessions: async_sessionmaker[AsyncSession], broker: Broker, events: list[object]
) -> BatchResult:
    """Ingest an outbox batch in order in ONE transaction (one commit, not one per event).

    Each event runs in a savepoint, so an event refused for its data rolls back alone and the rest stay.
    """
    stored: list[Row] = []
    async with sessions() as session:

        async def apply(event: IngestEvent) -> None:
            try:
                async with session.begin_nested():
                    _, row = await _store(session, event)
            except _Duplicate:
                return
            if row is not None:
                stored.append(row)

        result = await consume(events, model=_EVENT, apply=apply)
        await session.commit()
    for row in stored:
        await _publish(broker, row)
    return result


class NotificationPosition(CursorPosition):
    """Where a page of notifications stopped: whose list, and the last sequence number shown."""

    s: str
    q: PgBigint


async def list_notifications(
    session: AsyncSession, sub: str, *, limit: int, cursor: str | None, secret: str
) -> Page:
    """Newest first, `limit` per page, with the unread count."""
    before = None
    if cursor is not None:
        position = decode_cursor(cursor, secret=secret, shape=NotificationPosition)
        if position.s != sub:
            raise InvalidCursor("The cursor is not valid.")
        before = position.q
    now = _now()
    rows = await repository.page(session, sub, limit=limit + 1, before_seq=before, now=now)
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        next_cursor = encode_cursor({"s": sub, "q": rows[-1].seq}, secret=secret)
    unread = await repository.unread_count(session, sub, now=now)
    return Page([render.notification(r) for r in rows], next_cursor, unread)


async def mark_read(session: AsyncSession, sub: str, body: MarkRead) -> ReadResult:
    """Mark read up to a notification id/uuid or a time (everything when `up_to` is absent)."""
    up_to_seq: int | None = None
    up_to_time: datetime | None = None
    if isinstance(body.up_to, uuid.UUID):
        up_to_seq = await repository.seq_of(session, sub, body.up_to)
        if up_to_seq is None:
            raise NotificationNotFound("No such notification.")
    elif isinstance(body.up_to, datetime):
        up_to_time = body.up_to
    else:
        up_to_seq = body.up_to
    now = _now()
    marked = await repository.mark_read(session, sub, up_to_seq=up_to_seq, up_to_time=up_to_time, now=now)
    unread = await repository.unread_count(session, sub, now=now)
    await session.commit()
    return ReadResult(marked=marked, unread_count=unread)


async def purge_expired(session: AsyncSession) -> int:
    """Delete notifications whose crud has expired (the scheduled purge calls this)."""
    deleted = await repository.purge_expired(session, now=_now())
    await session.commit()
    return deleted
