"""Use cases of ingest: other services' events stored once and pushed live; the scheduled purge."""

from __future__ import annotations

import logging
import uuid
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from pydantic import TypeAdapter
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from cruddur_common.contracts import (
    ABOUT_A_CRUD,
    UNDOABLE,
    BatchResult,
    EventResult,
    IngestEvent,
    consume,
    refused_by_database,
    validate_each,
)
from notification_service.ingest.schemas import IngestResult
from notification_service.live.broker import Broker, Envelope
from notification_service.live.render import render_envelope, render_unread
from notification_service.models import Notification as Row
from notification_service.notifications import repository as notifications
from notification_service.notifications.repository import RepeatKey
from notification_service.relations import repository as relations
from notification_service.relations.repository import Hidden

log = logging.getLogger("notification.service")


def _now() -> datetime:
    return datetime.now(UTC)


class _Duplicate(Exception):
    """A concurrent delivery stored this event first: roll back, which also gives the sequence number back."""


def _values(event: IngestEvent, *, seq: int) -> dict[str, Any]:
    """The stored row of a notification event."""
    assert event.recipient is not None and event.actor is not None
    target = event.target
    return {
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
    }


def _live_only(event: IngestEvent) -> bool:
    """A conversation's timer line (docs/messaging.md): pushed to the live stream, never stored."""
    return event.kind == "message" and event.target.message_kind == "timer"


def _expired(event: IngestEvent, *, now: datetime) -> bool:
    return event.expires_at is not None and event.expires_at <= now


def _ending(event: IngestEvent, activity: uuid.UUID, expires_at: datetime) -> IngestEvent:
    """The event with its crud's new end when it is about `activity`."""
    if event.target.activity_uuid != activity:
        return event
    return event.model_copy(update={"expires_at": expires_at})


def _pair(event: IngestEvent) -> tuple[uuid.UUID, uuid.UUID]:
    assert event.actor is not None and event.recipient is not None
    return (event.actor.uuid, event.recipient.uuid)


def _repeat_key(event: IngestEvent) -> RepeatKey | None:
    """What a like, repost or follow (or its `undo`) is about: notified once per key."""
    kind = event.target.undoes if event.kind == "undo" else event.kind
    if kind not in UNDOABLE or event.recipient is None or event.actor is None:
        return None
    return (event.recipient.uuid, event.actor.uuid, kind, event.target.activity_uuid)


def _unwanted(event: IngestEvent, hidden: Hidden) -> bool:
    """Blocked either way or a suspended actor (every kind); muted by the recipient (all but messages)."""
    pair = _pair(event)
    return pair in hidden.blocked or (event.kind != "message" and pair in hidden.muted)


async def _store(session: AsyncSession, event: IngestEvent) -> tuple[IngestResult, Row | None]:
    """Apply one event in the caller's transaction; the stored row is returned for the live push."""
    if event.kind == "retract":
        assert event.target.activity_uuid is not None
        await notifications.retract(session, event.target.activity_uuid)
        return IngestResult(status="retracted"), None
    if event.kind == "expire":
        assert event.target.activity_uuid is not None and event.expires_at is not None
        await notifications.set_expiry(session, {event.target.activity_uuid: event.expires_at})
        return IngestResult(status="expired"), None
    assert event.recipient is not None
    key = _repeat_key(event)
    if event.kind == "undo":
        assert key is not None
        await notifications.undo_unread(session, [key])
        return IngestResult(status="undone"), None
    if _expired(event, now=_now()) or _live_only(event):  # a timer line is never stored (see ingest)
        return IngestResult(status="dropped"), None
    target = event.target
    if target.activity_uuid is not None and await notifications.is_retracted(session, target.activity_uuid):
        return IngestResult(status="dropped"), None
    if _unwanted(event, await relations.hidden_among(session, [_pair(event)], now=_now())):
        return IngestResult(status="dropped"), None
    if await notifications.event_exists(session, event.event_id):
        return IngestResult(status="duplicate"), None
    if event.kind in notifications.GROUPED and key and await notifications.repeats_among(session, [key]):
        return IngestResult(status="dropped"), None  # like -> unlike -> like: one notification
    seq = await notifications.next_seq(session, event.recipient.sub)
    row = await notifications.insert_notification(session, _values(event, seq=seq))
    if row is None:
        raise _Duplicate
    return IngestResult(status="stored"), row


def _rendered(rows: Sequence[Row], *, event: IngestEvent | None = None) -> list[tuple[str, Envelope]]:
    """Each row as its recipient's live event; `event` given: the timer line the row was made from."""
    if event is None:
        return [(row.recipient_sub, render_envelope(row)) for row in rows]
    ttl = event.target.message_ttl
    return [(row.recipient_sub, render_envelope(row, kind="timer", message_ttl=ttl)) for row in rows]


async def _push(session: AsyncSession, broker: Broker, rows: Sequence[Row], *, unread: set[str]) -> None:
    """Push stored rows and the new unread counts of `unread` live, in ONE dispatch after the commit.

    Issue 19: one query for every recipient's count (not a query and a publish per recipient), and one
    dispatch for rows and counts together, so each stream wakes once per batch and writes its
    `notification` and `unread` events at once (it woke and wrote twice before). Best effort: stored is
    what counts, live streams catch up from Postgres, and the next list or event brings the count.
    """
    items = _rendered(rows)
    if unread:
        try:
            counts = await notifications.unread_counts(session, sorted(unread), now=_now())
            items += [(sub, render_unread(count)) for sub, count in counts.items()]
        except Exception as exc:
            log.warning("live unread count failed: %s", exc)
    if not items:
        return
    try:
        await broker.publish_each(items)
    except Exception as exc:
        log.warning(
            "live publish failed: %s", exc, extra={"event_id": str(rows[0].event_id) if rows else None}
        )


async def _push_live(session: AsyncSession, broker: Broker, event: IngestEvent) -> IngestResult:
    """A timer line: the next sequence number (the stream's order) and a live push, but no row.

    Nothing is unread, so the bell stays as it was; a stream that reconnects does not replay it (the
    conversation's own read shows the line), and a redelivery pushes it again (the SPA keys lines by id).
    """
    assert event.recipient is not None
    if _unwanted(event, await relations.hidden_among(session, [_pair(event)], now=_now())):
        return IngestResult(status="dropped")
    seq = await notifications.next_seq(session, event.recipient.sub)
    await session.commit()
    try:  # best effort, like every live push
        await broker.publish_each(_rendered([Row(**_values(event, seq=seq))], event=event))
    except Exception as exc:
        log.warning("live publish failed: %s", exc, extra={"event_id": str(event.event_id)})
    return IngestResult(status="live")


async def ingest(session: AsyncSession, broker: Broker, event: IngestEvent) -> IngestResult:
    """Store an event once (by event id) and push it to the recipient's live streams."""
    if _live_only(event):
        return await _push_live(session, broker, event)
    try:
        result, row = await _store(session, event)
    except _Duplicate:
        await session.rollback()
        return IngestResult(status="duplicate")
    await session.commit()
    counted = row is not None or result.status == "undone"
    recipient = event.recipient.sub if event.recipient is not None and counted else None
    await _push(session, broker, [row] if row else [], unread={recipient} if recipient else set())
    return result


_EVENT = TypeAdapter(IngestEvent)


async def ingest_batch(
    sessions: async_sessionmaker[AsyncSession], broker: Broker, events: list[object]
) -> BatchResult:
    """Ingest an outbox batch in order in ONE transaction of a handful of statements.

    The batch is applied at once (`_store_all`). When that plan does not hold — the database refuses a
    value, or a concurrent delivery stored one of the events first — it is rolled back and the batch is
    applied again event by event (`_store_each`), which refuses only the bad event and loses no sequence
    number.
    """
    parsed = validate_each(events, model=_EVENT)
    valid = [e for e in parsed if not isinstance(e, EventResult)]
    try:
        async with sessions() as session:
            stored = await _store_all(session, valid)
            await session.commit()
            await _push(session, broker, stored, unread=_recipients(valid))
    except _Duplicate:
        return await _store_each(sessions, broker, events)
    except Exception as exc:
        if not refused_by_database(exc):
            raise  # the call fails and is retried: the database is away
        return await _store_each(sessions, broker, events)
    return BatchResult(results=[e if isinstance(e, EventResult) else EventResult(ok=True) for e in parsed])


def _repeated(
    event: IngestEvent, repeats: dict[RepeatKey, bool], queued: dict[uuid.UUID, IngestEvent]
) -> bool:
    """A like or repost notified already, or earlier in this batch (a crud is liked once per person)."""
    key = _repeat_key(event)
    if event.kind not in notifications.GROUPED or key is None:  # a follow again after an unfollow is news
        return False
    return key in repeats or any(_repeat_key(e) == key for e in queued.values())


def _recipients(events: list[IngestEvent]) -> set[str]:
    """Whose unread count a batch may have changed."""
    return {e.recipient.sub for e in events if e.recipient is not None and e.kind != "message"}


async def _store_all(session: AsyncSession, events: list[IngestEvent]) -> list[Row]:
    """Apply a batch's events with one query per kind of work, whatever the batch's size.

    Issue 12's soak: event by event (a savepoint and five statements each) a batch of 36 took seconds
    under load, and it held each recipient's sequence lock all that time, so batches from the activity
    and user outboxes for one person waited on each other. Here the sequence numbers are taken last, just
    before the one INSERT and the commit, so that lock lasts two statements.
    """
    now = _now()
    personal = [e for e in events if e.kind not in ABOUT_A_CRUD]
    checks = await notifications.prechecks(  # one round trip for the four
        session,
        activities={e.target.activity_uuid for e in events if e.target.activity_uuid is not None},
        events=[e.event_id for e in personal],
        pairs={_pair(e) for e in personal},
        keys={k for e in personal if (k := _repeat_key(e)) is not None},
        now=now,
    )
    retracted, stored, hidden = checks.retracted, checks.stored, checks.hidden
    repeats = checks.repeats  # key -> one of them was read
    queued: dict[uuid.UUID, IngestEvent] = {}  # by event id, in batch order
    undos: list[RepeatKey] = []
    retracts: list[uuid.UUID] = []
    ends: dict[uuid.UUID, datetime] = {}  # `expire`: the last new end of each crud
    for event in events:
        activity = event.target.activity_uuid
        if event.kind == "retract":
            assert activity is not None
            retracts.append(activity)
            retracted.add(activity)  # earlier events of this batch about it go too, later ones are dropped
            queued = {k: e for k, e in queued.items() if e.target.activity_uuid != activity}
        elif event.kind == "expire":
            assert activity is not None and event.expires_at is not None
            ends[activity] = event.expires_at  # earlier events of this batch about it take the new end too
            queued = {k: _ending(e, activity, event.expires_at) for k, e in queued.items()}
        elif event.kind == "undo":
            key = _repeat_key(event)
            assert key is not None
            undos.append(key)
            queued = {k: e for k, e in queued.items() if _repeat_key(e) != key}
            if repeats.get(key) is False:  # unread: deleted by the undo, so a like after it is notified
                del repeats[key]
        elif not (
            _expired(event, now=now)
            or _live_only(event)  # timer lines come one at a time (ingest); a batch never stores one
            or _unwanted(event, hidden)
            or activity in retracted
            or event.event_id in stored
            or event.event_id in queued
            or _repeated(event, repeats, queued)
        ):
            queued[event.event_id] = event
    await notifications.undo_unread(session, undos)
    if retracts:
        await notifications.retract_all(session, retracts)
    if ends:
        await notifications.set_expiry(session, ends)
    if not queued:
        return []
    counts = Counter(e.recipient.sub for e in queued.values() if e.recipient is not None)
    last = await notifications.take_seqs(session, counts)
    following = {sub: last[sub] - n + 1 for sub, n in counts.items()}
    rows = []
    for event in queued.values():
        assert event.recipient is not None
        rows.append(_values(event, seq=following[event.recipient.sub]))
        following[event.recipient.sub] += 1
    inserted = await notifications.insert_notifications(session, rows)
    if len(inserted) != len(rows):
        raise _Duplicate  # stored concurrently since we looked: its number would be lost
    order = {event_id: i for i, event_id in enumerate(queued)}
    return sorted(inserted, key=lambda row: order[row.event_id])


async def _store_each(
    sessions: async_sessionmaker[AsyncSession], broker: Broker, events: list[object]
) -> BatchResult:
    """The batch event by event, each in a savepoint, so an event refused for its data rolls back alone."""
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
        valid = [e for e in validate_each(events, model=_EVENT) if not isinstance(e, EventResult)]
        await _push(session, broker, stored, unread=_recipients(valid))
    return result


async def withdraw(session: AsyncSession, event_id: uuid.UUID) -> None:
    """Delete one event's notification: its direct message was removed by a moderator."""
    await notifications.delete_event(session, event_id)
    await session.commit()


async def purge_expired(session: AsyncSession) -> int:
    """Delete notifications whose crud or direct message has expired (the scheduled purge calls this)."""
    deleted = await notifications.purge_expired(session, now=_now())
    await session.commit()
    return deleted
