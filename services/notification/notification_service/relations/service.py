"""Use cases of relations: apply the user service's block, mute, suspension and erasure events in order."""

from __future__ import annotations

import logging
import uuid
from datetime import datetime
from typing import Annotated

from pydantic import Field, TypeAdapter
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from cruddur_common.contracts import (
    BatchResult,
    BlockEvent,
    ErasureEvent,
    EventResult,
    MuteEvent,
    RelationEvent,
    SuspensionEvent,
    consume,
    refused_by_database,
    validate_each,
)
from notification_service.live.broker import ACCOUNT_DELETED, Broker, closing_envelope
from notification_service.notifications import repository as notifications
from notification_service.relations import repository
from notification_service.relations.repository import Pair

log = logging.getLogger("notification.relations")
_EVENT: TypeAdapter[RelationEvent] = TypeAdapter(Annotated[RelationEvent, Field(discriminator="type")])
Erased = dict[uuid.UUID, str]  # user uuid -> Cognito sub


async def apply_events(
    sessions: async_sessionmaker[AsyncSession], broker: Broker, events: list[object]
) -> BatchResult:
    """Apply an outbox batch in order, as its net effect in one transaction; a refused event stays alone.

    Should the database refuse part of the batch (a self-block's check), it is applied again event by
    event, each in a savepoint, so only that event is refused (as ingest and activity's projection do).
    Once committed, the live streams of people who deleted their account are closed.
    """
    parsed = validate_each(events, model=_EVENT)
    try:
        async with sessions() as session:
            erased = await _apply_net(session, [e for e in parsed if not isinstance(e, EventResult)])
            await session.commit()
    except Exception as exc:
        if not refused_by_database(exc):
            raise  # the call fails and is retried: the database is away
        result, erased = await _apply_each(sessions, events)
    else:
        result = BatchResult(
            results=[e if isinstance(e, EventResult) else EventResult(ok=True) for e in parsed]
        )
    await _close_streams(broker, erased)
    return result


async def _close_streams(broker: Broker, erased: Erased) -> None:
    """End the live streams of erased people on every task (a reconnect is closed again at once)."""
    for sub in sorted(set(erased.values())):
        try:
            await broker.publish(sub, closing_envelope(ACCOUNT_DELETED))
        except Exception as exc:  # the erasure is committed; a stream left open gets nothing more
            log.warning("could not close the live streams of an erased account: %s", exc)


async def _apply_net(session: AsyncSession, events: list[RelationEvent]) -> Erased:
    """What applying `events` in order leaves behind: each block, mute and suspension written once.

    The last event about a pair (or a user) decides its state. Every `block` also deletes what the two
    sent each other before it, even when a later event of the batch lifts the block again. An `erasure`
    is final: it is applied after the rest, and deletes every notification to or by the person.
    """
    blocks: dict[Pair, bool] = {}
    mutes: dict[Pair, tuple[bool, datetime | None]] = {}
    suspended: dict[uuid.UUID, bool] = {}
    purged: set[Pair] = set()
    erased: Erased = {}
    for event in events:
        if isinstance(event, ErasureEvent):
            erased[event.user] = event.sub
        elif isinstance(event, BlockEvent):
            pair = (event.blocker, event.blocked)
            blocks[pair] = event.type == "block"
            if event.type == "block":
                purged.add(pair)
        elif isinstance(event, SuspensionEvent):
            suspended[event.user] = event.suspended
        else:
            until = event.until if isinstance(event, MuteEvent) else None
            mutes[(event.muter, event.muted)] = (isinstance(event, MuteEvent), until)
    await repository.add_blocks(session, [p for p, on in blocks.items() if on])
    await repository.remove_blocks(session, [p for p, on in blocks.items() if not on])
    await repository.set_mutes(session, {p: until for p, (on, until) in mutes.items() if on})
    await repository.remove_mutes(session, [p for p, (on, _) in mutes.items() if not on])
    await repository.suspend(session, [u for u, on in suspended.items() if on])
    await repository.unsuspend(session, [u for u, on in suspended.items() if not on])
    await notifications.delete_between(session, purged)
    await repository.erase(session, erased)
    await notifications.delete_of_users(session, erased)
    return erased


async def _apply_each(
    sessions: async_sessionmaker[AsyncSession], events: list[object]
) -> tuple[BatchResult, Erased]:
    """The batch event by event, each in a savepoint, so an event the database refuses rolls back alone."""
    erased: Erased = {}
    async with sessions() as session:

        async def apply(event: RelationEvent) -> None:
            async with session.begin_nested():
                erased.update(await _apply_net(session, [event]))

        result = await consume(events, model=_EVENT, apply=apply)
        await session.commit()
    return result, erased
