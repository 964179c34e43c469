"""Use cases of ingest: other services' events stored once and pushed live; the scheduled purge."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from pydantic import TypeAdapter
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from cruddur_common.contracts import BatchResult, IngestEvent, consume
from notification_service.ingest.schemas import IngestResult
from notification_service.live.broker import Broker
from notification_service.live.render import render_envelope
from notification_service.models import Notification as Row
from notification_service.notifications import repository as notifications

log = logging.getLogger("notification.service")


def _now() -> datetime:
    return datetime.now(UTC)


class _Duplicate(Exception):
    """A concurrent delivery stored this event first: roll back, which also gives the sequence number back."""


async def _store(session: AsyncSession, event: IngestEvent) -> tuple[IngestResult, Row | None]:
    """Apply one event in the caller's transaction; the stored row is returned for the live push."""
    if event.kind == "retract":
        assert event.target.activity_uuid is not None
        await notifications.retract(session, event.target.activity_uuid)
        return IngestResult(status="retracted"), None
    assert event.recipient is not None and event.actor is not None
    if event.expires_at is not None and event.expires_at <= _now():
        return IngestResult(status="dropped"), None
    target = event.target
    if target.activity_uuid is not None and await notifications.is_retracted(session, target.activity_uuid):
        return IngestResult(status="dropped"), None
    if await notifications.event_exists(session, event.event_id):
        return IngestResult(status="duplicate"), None
    seq = await notifications.next_seq(session, event.recipient.sub)
    row = await notifications.insert_notification(
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
        await broker.publish(row.recipient_sub, render_envelope(row))
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


async def purge_expired(session: AsyncSession) -> int:
    """Delete notifications whose crud has expired (the scheduled purge calls this)."""
    deleted = await notifications.purge_expired(session, now=_now())
    await session.commit()
    return deleted
