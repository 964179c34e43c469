"""The use case of live: the server-sent event stream of one person, replayed from Postgres, then live.

Event ids are the recipient's sequence numbers, handed out in commit order (a row lock per recipient),
so "everything after Last-Event-ID" is a plain range query. A live event that skips numbers (a lost
Redis message, an overflowing inbox) triggers the same range query, so the client never sees a gap.
"""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime

import orjson
from pydantic import TypeAdapter
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from cruddur_common.contracts import BatchResult, EventResult, HomeEvent, validate_each
from notification_service.live.broker import ACCOUNT_DELETED, CLOSED, Broker, Envelope
from notification_service.live.render import render_envelope, render_home
from notification_service.notifications import repository as notifications
from notification_service.relations import repository as relations

log = logging.getLogger("notification.live")
REPLAY_BATCH = 200
RETRY_MS = 3000
# A stream closed for a newer one of the same person asks its EventSource to come back slowly, so a
# person with more tabs than the limit rotates through them instead of reconnecting in a tight loop (a
# stream of a deleted account is closed again at once, until its access token expires).
CLOSED_RETRY_MS = 30_000


def goodbye(reason: str) -> bytes:
    """The last frame of a stream closed by the service: `event: closed` with its reason."""
    return f'retry: {CLOSED_RETRY_MS}\nevent: closed\ndata: {{"reason": "{reason}"}}\n\n'.encode()


@dataclass(frozen=True, kw_only=True)
class StreamContext:
    """What a stream needs: short-lived sessions (a stream must not hold a connection), the broker."""

    sessions: async_sessionmaker[AsyncSession]
    broker: Broker
    keepalive_seconds: float
    max_streams_per_user: int = 5


def frame(envelope: Envelope) -> bytes:
    """One SSE event; one without an id (`unread`) leaves the client's Last-Event-ID as it was."""
    data = orjson.dumps(envelope["data"]).decode()
    event_id = "" if envelope["id"] is None else f"id: {envelope['id']}\n"
    return f"{event_id}event: {envelope['event']}\ndata: {data}\n\n".encode()


async def _after(ctx: StreamContext, sub: str, after_seq: int, up_to: int | None = None) -> list[Envelope]:
    out: list[Envelope] = []
    async with ctx.sessions() as session:
        while True:
            rows = await notifications.after(
                session, sub, after_seq=after_seq, limit=REPLAY_BATCH, now=datetime.now(UTC)
            )
            out.extend(render_envelope(r) for r in rows if up_to is None or r.seq <= up_to)
            if len(rows) < REPLAY_BATCH or (up_to is not None and rows[-1].seq >= up_to):
                return out
            after_seq = rows[-1].seq


async def _baseline(ctx: StreamContext, sub: str) -> int | None:
    """The person's last sequence number; None when they deleted their account (one session)."""
    async with ctx.sessions() as session:
        if await relations.is_erased_sub(session, sub):
            return None
        return await notifications.last_seq(session, sub)


async def events(
    ctx: StreamContext, *, sub: str, last_event_id: int | None, expires_at: float | None
) -> AsyncIterator[bytes]:
    """The stream: subscribe first, then replay what the client missed, then live events and keep-alives.

    It ends when the access token expires (the client reconnects with a fresh one and Last-Event-ID),
    when the person opens more than `max_streams_per_user` streams on this task (the oldest ends), or
    when they deleted their account (at once; checked after the headers, in the baseline's session, so
    that opening many streams never waits on the pool before answering).
    """
    with ctx.broker.hub.subscribe(sub, limit=ctx.max_streams_per_user) as inbox:
        yield f"retry: {RETRY_MS}\n: connected\n\n".encode()
        current = await _baseline(ctx, sub)
        if current is None:  # their access token is valid a while yet: the stream ends at once
            yield goodbye(ACCOUNT_DELETED)
            return
        last = current if last_event_id is None else min(last_event_id, current)
        for envelope in await _after(ctx, sub, last):
            yield frame(envelope)
            last = envelope["id"]
        ctx.broker.hub.settled()  # live from here on, maybe for hours
        while True:
            if inbox.closed:  # a newer stream of this person took its place, or the account is gone
                yield goodbye(inbox.reason)
                return
            timeout = ctx.keepalive_seconds
            if expires_at is not None:
                remaining = expires_at - time.time()
                if remaining <= 0:
                    return
                timeout = min(timeout, remaining)
            got = await inbox.next(timeout)
            if got is None:
                yield b": keep-alive\n\n"
                continue
            envelope = got
            if envelope is CLOSED:
                continue
            if envelope["id"] is None:  # the unread count: not in the sequence, never replayed
                yield frame(envelope)
                continue
            if inbox.lagged or envelope["id"] > last + 1:
                # dropped events (inbox overflow) are newer than queued ones: catch up on everything then
                up_to = None if inbox.lagged else envelope["id"]
                inbox.lagged = False
                for missed in await _after(ctx, sub, last, up_to=up_to):
                    yield frame(missed)
                    last = missed["id"]
                last = max(last, envelope["id"])
            elif envelope["id"] > last:
                yield frame(envelope)
                last = envelope["id"]


_HOME = TypeAdapter(HomeEvent)


async def push_home(broker: Broker, events: list[object]) -> BatchResult:
    """Push each `home` event to its recipients' streams: live only, so nothing is stored or counted.

    Best effort like every live push: a failed publish is logged and the event still counts as
    delivered (the home feed itself has the crud; a redelivery would only repeat the news late).
    An event that does not fit the contract is refused alone.
    """
    parsed = validate_each(events, model=_HOME)
    for event in parsed:
        if isinstance(event, EventResult):
            continue
        try:
            await broker.publish_many(event.recipients, render_home(event))
        except Exception as exc:
            log.warning("live home push failed: %s", exc, extra={"activity_uuid": str(event.activity_uuid)})
    return BatchResult(results=[e if isinstance(e, EventResult) else EventResult(ok=True) for e in parsed])
