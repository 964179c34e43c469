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

from pydantic import TypeAdapter
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from cruddur_common.contracts import BatchResult, EventResult, HomeEvent, validate_each
from notification_service.live.broker import (
    ACCOUNT_DELETED,
    CLOSED,
    Broker,
    Envelope,
    Frame,
    Subscription,
    frame,
)
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


@dataclass(kw_only=True)
class OpenStream:
    """A stream subscribed and placed: where its person is, and what they missed (None: account deleted)."""

    inbox: Subscription
    last: int | None
    replay: list[Envelope]


async def _after(ctx: StreamContext, sub: str, after_seq: int, up_to: int | None = None) -> list[Envelope]:
    async with ctx.sessions() as session:
        return await _rows_after(session, sub, after_seq, up_to)


async def _rows_after(session: AsyncSession, sub: str, after_seq: int, up_to: int | None) -> list[Envelope]:
    out: list[Envelope] = []
    while True:
        rows = await notifications.after(
            session, sub, after_seq=after_seq, limit=REPLAY_BATCH, now=datetime.now(UTC)
        )
        out.extend(render_envelope(r) for r in rows if up_to is None or r.seq <= up_to)
        if len(rows) < REPLAY_BATCH or (up_to is not None and rows[-1].seq >= up_to):
            return out
        after_seq = rows[-1].seq


async def open_stream(ctx: StreamContext, *, sub: str, last_event_id: int | None) -> OpenStream:
    """Subscribe first, then read where the person is and what they missed, in one short session.

    Done before the response starts: a stream that cannot get its state (the pool is exhausted, Postgres is
    away) is refused with 503 and Retry-After like any request, instead of failing after its 200 (issue 19,
    100 streams opened at once). The connection goes back to the pool before anything is streamed.
    """
    inbox = ctx.broker.hub.join(sub, limit=ctx.max_streams_per_user)
    try:
        async with ctx.sessions() as session:
            if await relations.is_erased_sub(session, sub):  # their access token is valid a while yet
                return OpenStream(inbox=inbox, last=None, replay=[])
            current = await notifications.last_seq(session, sub)
            last = current if last_event_id is None else min(last_event_id, current)
            # Nothing to replay from the newest: what commits from now on is in the inbox already.
            replay = [] if last == current else await _rows_after(session, sub, last, None)
    except BaseException:
        ctx.broker.hub.leave(inbox)
        raise
    return OpenStream(inbox=inbox, last=last, replay=replay)


async def events(ctx: StreamContext, opened: OpenStream, *, expires_at: float | None) -> AsyncIterator[bytes]:
    """The stream of an `open_stream`: what the client missed, then live events and keep-alives.

    Every write carries all the events queued for the stream by then (one send for a batch's
    `notification` and `unread`). It ends when the access token expires (the client reconnects with a
    fresh one and Last-Event-ID), when the person opens more than `max_streams_per_user` streams on this
    task (the oldest ends), or when they deleted their account (at once). The caller `leave`s the hub.
    """
    inbox = opened.inbox
    if opened.last is None:
        yield f"retry: {RETRY_MS}\n: connected\n\n".encode() + goodbye(ACCOUNT_DELETED)
        return
    last = opened.last
    out = [f"retry: {RETRY_MS}\n: connected\n\n".encode()]
    for envelope in opened.replay:
        out.append(frame(envelope))
        last = envelope["id"]
    yield b"".join(out)
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
        chunk, last = await _written(ctx, inbox, [got, *inbox.drain()], last=last)
        if chunk:
            yield chunk


async def _written(
    ctx: StreamContext, inbox: Subscription, items: list[Frame], *, last: int
) -> tuple[bytes, int]:
    """What a stream writes for the events it found queued (in order, each once), and its last id then."""
    out: list[bytes] = []
    for item in items:
        seq = item.id
        if item is CLOSED:
            continue
        if seq is None:  # the unread count, home news: not in the sequence, never replayed
            out.append(item.data)
        elif inbox.lagged or seq > last + 1:
            # dropped events (inbox overflow) are newer than queued ones: catch up on everything then
            up_to = None if inbox.lagged else seq
            inbox.lagged = False
            for missed in await _after(ctx, inbox.sub, last, up_to=up_to):
                out.append(frame(missed))
                last = missed["id"]
            last = max(last, seq)
        elif seq > last:
            out.append(item.data)
            last = seq
    return b"".join(out), last


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
