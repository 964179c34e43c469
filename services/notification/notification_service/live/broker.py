"""Live fan-out of stored notifications to the SSE connections of their recipient.

In-process when no Redis is configured (one task); Redis pub/sub when REDIS_URL is set, so an event
ingested by one notification task reaches streams held by any other task.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, NamedTuple, Protocol

import orjson

log = logging.getLogger("notification.broker")
Envelope = dict[str, Any]  # {"id": seq | None, "event": "notification" | "message" | ..., "data": {...}}
QUEUE_SIZE = 256
CHANNEL = "cruddur:notifications"  # RedisBroker's one channel
# A stream's objects live as long as it does (hours); streams that went live within this many seconds of
# each other are frozen out of the collector's view together (`Hub.settled`).
FREEZE_AFTER_SECONDS = 1.0
# A reference cycle that was alive when frozen is never collected while frozen: every this many seconds
# (at a freeze) everything is unfrozen and collected once before freezing again, so such garbage is held
# for at most this long, at the cost of one full collection per period.
SWEEP_EVERY_SECONDS = 600.0


def frame(envelope: Envelope) -> bytes:
    """One SSE event; one without an id (`unread`) leaves the client's Last-Event-ID as it was."""
    data = orjson.dumps(envelope["data"])
    event: bytes = envelope["event"].encode()
    if envelope["id"] is None:
        return b"event: " + event + b"\ndata: " + data + b"\n\n"
    return b"id: %d\nevent: %s\ndata: %s\n\n" % (envelope["id"], event, data)


class Frame(NamedTuple):
    """An envelope and its SSE bytes, framed once for every stream it is handed to (issue 19)."""

    envelope: Envelope
    data: bytes

    @property
    def id(self) -> int | None:
        """The event id (the recipient's sequence number), None for events outside the sequence."""
        seq: int | None = self.envelope["id"]
        return seq


def framed(envelope: Envelope) -> Frame:
    """`envelope` with its bytes."""
    return Frame(envelope, frame(envelope))


# Put in an inbox to wake its stream when the stream is closed (for a newer one, or its account is gone).
CLOSED = Frame({"id": -1, "event": "closed", "data": {}}, b"")
# Why a stream was closed: the SSE `closed` event's `reason`.
STREAM_LIMIT = "stream_limit"
ACCOUNT_DELETED = "account_deleted"


def closing_envelope(reason: str) -> Envelope:
    """Published to a person: every task closes that person's streams (`reason` says why)."""
    return {"id": -1, "event": "closed", "data": {"reason": reason}}


class Subscription:
    """One SSE connection's inbox; when it overflows it is flagged `lagged` (the stream catches up from
    Postgres instead of losing events).

    Its objects live as long as the stream, so there are few of them (issue 19: 5,000 streams per
    process, every full garbage collection walks them all): a deque and, only while the stream waits, one
    future, instead of an `asyncio.Queue` (a queue, three deques and an event of its own).
    """

    __slots__ = ("_waiter", "closed", "lagged", "pending", "reason", "sub")

    def __init__(self, sub: str) -> None:
        self.sub = sub
        self.pending: deque[Frame] = deque()  # at most QUEUE_SIZE
        self.lagged = False
        self.closed = False
        self.reason = STREAM_LIMIT
        self._waiter: asyncio.Future[None] | None = None

    def offer(self, item: Frame) -> None:
        """Enqueue without blocking the publisher."""
        if len(self.pending) >= QUEUE_SIZE:
            self.lagged = True
            return
        self.pending.append(item)
        self._wake()

    def close(self, reason: str = STREAM_LIMIT) -> None:
        """Ask its stream to end (it checks `closed` every turn); CLOSED is queued when there is room."""
        self.closed = True
        self.reason = reason
        if len(self.pending) < QUEUE_SIZE:
            self.pending.append(CLOSED)
        self._wake()

    async def next(self, seconds: float) -> Frame | None:
        """The next event; None when none came within `seconds` (time for a keep-alive)."""
        if not self.pending:
            loop = asyncio.get_running_loop()
            self._waiter = waiter = loop.create_future()
            timer = loop.call_later(seconds, _wake, waiter)
            try:
                await waiter
            finally:
                timer.cancel()
                self._waiter = None
            if not self.pending:
                return None
        return self.pending.popleft()

    def drain(self) -> list[Frame]:
        """Every event queued now (a stream sends them in one write)."""
        items = list(self.pending)
        self.pending.clear()
        return items

    def _wake(self) -> None:
        if self._waiter is not None:
            _wake(self._waiter)


def _wake(waiter: asyncio.Future[None]) -> None:
    if not waiter.done():
        waiter.set_result(None)


class Hub:
    """This process's subscriptions by recipient."""

    def __init__(self) -> None:
        self._subs: dict[str, list[Subscription]] = {}  # oldest first
        self._freeze: asyncio.TimerHandle | None = None
        self._swept = time.monotonic()

    def settled(self) -> None:
        """A stream went live: soon (FREEZE_AFTER_SECONDS, once for every stream settling meanwhile) move
        what the process holds into the collector's permanent generation, as startup does.

        Issue 19: a stream's objects live as long as it does; with 5,000 streams every full collection
        walked them all (seconds each on the loaded bench machine), a stall for every stream. Frozen, a full
        collection walks only what came after. Objects still die by reference count when their stream
        ends; a reference cycle frozen while alive is collected only at the next sweep (every
        SWEEP_EVERY_SECONDS: unfreeze, one full collection, freeze), and the young generations are
        collected before each freeze (docs/performance.md "Live delivery" has the figures).
        """
        if self._freeze is None:
            self._freeze = asyncio.get_running_loop().call_later(FREEZE_AFTER_SECONDS, self._frozen)

    def _frozen(self) -> None:
        self._freeze = None
        if time.monotonic() - self._swept >= SWEEP_EVERY_SECONDS:
            gc.unfreeze()  # the cycles frozen while alive that died since: one full collection finds them
            gc.collect()
            self._swept = time.monotonic()
        else:
            gc.collect(1)  # the young generations' garbage, so little of it is frozen (milliseconds)
        gc.freeze()

    def join(self, sub: str, *, limit: int | None = None) -> Subscription:
        """Register a stream's inbox (`leave` it when the stream ends); past `limit`, close the oldest."""
        subscription = Subscription(sub)
        members = self._subs.setdefault(sub, [])
        open_ones = [m for m in members if not m.closed]
        if limit is not None:
            for oldest in open_ones[: max(0, len(open_ones) - limit + 1)]:
                oldest.close()
        members.append(subscription)
        return subscription

    def leave(self, subscription: Subscription) -> None:
        """Unregister a subscription (again: nothing)."""
        members = self._subs.get(subscription.sub, [])
        if subscription in members:
            members.remove(subscription)
        if not members:
            self._subs.pop(subscription.sub, None)

    @contextlib.contextmanager
    def subscribe(self, sub: str, *, limit: int | None = None) -> Iterator[Subscription]:
        """`join` for the duration of a block."""
        subscription = self.join(sub, limit=limit)
        try:
            yield subscription
        finally:
            self.leave(subscription)

    def dispatch(self, sub: str, envelope: Envelope) -> None:
        """Hand an event to every local subscription of `sub` (a `closing_envelope` closes them instead)."""
        members = self._subs.get(sub)
        if not members:
            return
        if envelope["event"] == "closed":
            for subscription in list(members):
                subscription.close(str(envelope["data"].get("reason", STREAM_LIMIT)))
            return
        item = framed(envelope)
        for subscription in list(members):
            subscription.offer(item)

    def dispatch_many(self, subs: Iterable[str], envelope: Envelope) -> None:
        """One event to the local subscriptions of many people, framed once (only if one of them is here)."""
        item: Frame | None = None
        for sub in subs:
            for subscription in list(self._subs.get(sub, ())):
                item = item or framed(envelope)
                subscription.offer(item)

    @property
    def connections(self) -> int:
        """How many streams this process holds."""
        return sum(len(s) for s in self._subs.values())

    def open_streams(self, sub: str) -> int:
        """How many of `sub`'s streams are open (not asked to close)."""
        return sum(1 for m in self._subs.get(sub, ()) if not m.closed)


class Broker(Protocol):
    """Publish to a recipient; subscribe a stream of this process."""

    hub: Hub

    async def start(self) -> None: ...
    async def stop(self) -> None: ...
    async def publish(self, sub: str, envelope: Envelope) -> None: ...
    async def publish_many(self, subs: Sequence[str], envelope: Envelope) -> None: ...
    async def publish_each(self, items: Sequence[tuple[str, Envelope]]) -> None: ...
    async def ping(self) -> None: ...


class LocalBroker:
    """Single-process fan-out."""

    def __init__(self) -> None:
        self.hub = Hub()

    async def start(self) -> None:
        """Nothing to open."""

    async def stop(self) -> None:
        """Nothing to close."""

    async def publish(self, sub: str, envelope: Envelope) -> None:
        """Deliver to this process's streams."""
        self.hub.dispatch(sub, envelope)

    async def publish_many(self, subs: Sequence[str], envelope: Envelope) -> None:
        """One event to many people's streams on this process."""
        self.hub.dispatch_many(subs, envelope)

    async def publish_each(self, items: Sequence[tuple[str, Envelope]]) -> None:
        """Each (recipient, event) to that person's streams on this process (an ingested batch at once)."""
        for sub, envelope in items:
            self.hub.dispatch(sub, envelope)

    async def ping(self) -> None:
        """Always ready."""


class RedisBroker:
    """Fan-out across tasks through ONE Redis channel: a publish is one message, whatever it carries.

    Every task's reader gets every message and hands each event to its own streams (`Hub.dispatch`, which
    skips recipients it holds no stream of). Issue 19: a message per recipient (`PUBLISH` to
    `cruddur:notifications:<sub>`, `PSUBSCRIBE` on the prefix) made an ingested batch of 100 events 200
    messages for every task to parse one by one; now it is one message, decoded once per task.

    A message is `{"each": [[sub, envelope], ...]}` (an ingested batch, or one event) or
    `{"many": [sub, ...], "envelope": envelope}` (one event for many people, framed once per task).
    """

    def __init__(self, url: str) -> None:
        import redis.asyncio as redis  # imported only when Redis is configured

        self.hub = Hub()
        self._redis = redis.from_url(url)
        self._reader: asyncio.Task[None] | None = None
        self._subscribed = asyncio.Event()

    async def start(self) -> None:
        """Start the reader; wait (briefly) until it listens so no event published after start is lost."""
        self._reader = asyncio.create_task(self._read(), name="redis-notifications")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._subscribed.wait(), timeout=5)

    async def stop(self) -> None:
        """Stop the reader and close the connections."""
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reader
        await self._redis.aclose()

    async def publish(self, sub: str, envelope: Envelope) -> None:
        """One event to a person's streams on every task."""
        await self._redis.publish(CHANNEL, orjson.dumps({"each": [(sub, envelope)]}))

    async def publish_many(self, subs: Sequence[str], envelope: Envelope) -> None:
        """One event to many people's streams on every task, in one message."""
        await self._redis.publish(CHANNEL, orjson.dumps({"many": subs, "envelope": envelope}))

    async def publish_each(self, items: Sequence[tuple[str, Envelope]]) -> None:
        """Each (recipient, event) to that person's streams on every task: an ingested batch, one message."""
        await self._redis.publish(CHANNEL, orjson.dumps({"each": items}))

    async def ping(self) -> None:
        """Readiness: Redis answers."""
        await self._redis.ping()

    def deliver(self, data: bytes | str) -> None:
        """Hand a message's events to this task's streams. A message is checked whole first: one that does
        not fit is logged and skipped entirely, never half delivered."""
        try:
            dispatch = _readable(orjson.loads(data))
        except Exception as exc:  # not the reader's end: streams catch up from Postgres on the next event
            log.warning("unreadable live message skipped: %s: %s", type(exc).__name__, exc)
            return
        dispatch(self.hub)

    async def _read(self) -> None:
        while True:
            try:
                async with self._redis.pubsub() as pubsub:
                    await pubsub.subscribe(CHANNEL)
                    self._subscribed.set()
                    async for message in pubsub.listen():
                        if message.get("type") == "message":
                            self.deliver(message["data"])
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # keep serving streams; they catch up from Postgres on the next event
                log.warning("redis subscription lost, reconnecting: %s", exc)
                await asyncio.sleep(1.0)


def _readable(message: Any) -> Callable[[Hub], None]:
    """What a RedisBroker message asks of a hub; ValueError (or the like) when any part does not fit."""
    if not isinstance(message, dict):
        raise ValueError("a message is an object")
    if "many" in message:
        subs, envelope = message["many"], message["envelope"]
        if not (isinstance(subs, list) and all(isinstance(sub, str) for sub in subs) and _envelope(envelope)):
            raise ValueError("`many` needs a list of subs and an envelope")
        return lambda hub: hub.dispatch_many(subs, envelope)
    pairs = message.get("each")
    if not (isinstance(pairs, list) and all(_pair(pair) for pair in pairs)):
        raise ValueError("`each` needs a list of [sub, envelope] pairs")

    def each(hub: Hub) -> None:
        for sub, envelope in pairs:
            hub.dispatch(sub, envelope)

    return each


def _pair(value: Any) -> bool:
    return isinstance(value, list) and len(value) == 2 and isinstance(value[0], str) and _envelope(value[1])


def _envelope(value: Any) -> bool:
    """What `frame` and `Hub.dispatch` rely on: an event name, an int id or none, data (a dict to close)."""
    if not (isinstance(value, dict) and isinstance(value.get("event"), str) and "data" in value):
        return False
    seq = value.get("id")
    data_fits = value["event"] != "closed" or isinstance(value["data"], dict)
    return (seq is None or (isinstance(seq, int) and not isinstance(seq, bool))) and data_fits


def create_broker(redis_url: str | None) -> Broker:
    """Redis pub/sub when configured, in-process otherwise."""
    return RedisBroker(redis_url) if redis_url else LocalBroker()
