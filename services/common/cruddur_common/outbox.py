"""The transactional outbox, one implementation for every service that has one.

A service queues events in the transaction of its action (`enqueue`); the `Deliverer` sends each
destination's due head as ONE call to the destination's batch endpoint, in order, at least once, with
backoff while the peer is down. The consumer answers one result per event (`BatchResult`): accepted
events are deleted (the retention policy: delivered rows are not kept), refused ones are parked in
`outbox_parked` with their error. Tables: `outbox` and `outbox_parked` in the service's schema.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import asyncpg
import httpx
import orjson
from fastapi import FastAPI
from pydantic import ValidationError
from sqlalchemy import BigInteger, DateTime, Index, Integer, String, Text, func, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from cruddur_common.contracts import BatchResult, EventResult
from cruddur_common.supervisor import BackgroundTask

log = logging.getLogger("cruddur.outbox")

# A peer that is missing, busy or not yet configured may answer these; the event itself is fine.
_TRANSIENT_4XX = frozenset({401, 403, 404, 408, 409, 425, 429})
_TRANSIENT_5XX = frozenset({502, 503, 504})


# --- producer side: the tables ---------------------------------------------------------------------------


class OutboxColumns:
    """The `outbox` table's columns; a service's model is `class OutboxEvent(OutboxColumns, Base)`."""

    __tablename__ = "outbox"

    @declared_attr.directive
    @classmethod
    def __table_args__(cls) -> tuple[Index]:
        return (Index("ix_outbox_destination", "destination", "id"),)

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    destination: Mapped[str] = mapped_column(String(32))
    body: Mapped[Any] = mapped_column(JSONB)
    attempts: Mapped[int] = mapped_column(Integer, server_default="0")
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class OutboxParkedColumns:
    """The `outbox_parked` table's columns: an event its consumer refused for good, with the error."""

    __tablename__ = "outbox_parked"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    destination: Mapped[str] = mapped_column(String(32))
    body: Mapped[Any] = mapped_column(JSONB)
    attempts: Mapped[int] = mapped_column(Integer)
    error: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    parked_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


_INSERT = "INSERT INTO outbox (destination, body) VALUES ($1, $2::jsonb)"


async def enqueue(
    db: asyncpg.Connection | AsyncSession | AsyncConnection, *, destination: str, bodies: Sequence[Any]
) -> None:
    """Queue events in the caller's transaction (an asyncpg connection or a SQLAlchemy session)."""
    if not bodies:
        return
    encoded = [orjson.dumps(body).decode() for body in bodies]
    if isinstance(db, asyncpg.Connection):
        await db.executemany(_INSERT, [(destination, body) for body in encoded])
        return
    await db.execute(
        text("INSERT INTO outbox (destination, body) VALUES (:d, CAST(:b AS jsonb))"),
        [{"d": destination, "b": body} for body in encoded],
    )


@dataclass(frozen=True, slots=True)
class Pending:
    """One queued event."""

    id: int
    body: Any
    attempts: int


@dataclass(frozen=True, slots=True)
class Lag:
    """What ops alarm on: how much waits, for how long, and how much was parked."""

    pending: int
    oldest_pending_seconds: float
    parked: int

    def as_dict(self) -> dict[str, float | int]:
        """The readiness detail and log fields."""
        return {
            "pending": self.pending,
            "oldest_pending_seconds": round(self.oldest_pending_seconds, 3),
            "parked": self.parked,
        }


_HEAD = """
SELECT id, body::text AS body, attempts, next_attempt_at <= now() AS due
FROM outbox WHERE destination = :d ORDER BY id LIMIT :n FOR UPDATE SKIP LOCKED
"""
_PARK = """
WITH moved AS (DELETE FROM outbox WHERE id = ANY(CAST(:ids AS bigint[])) RETURNING *)
INSERT INTO outbox_parked (id, destination, body, attempts, error, created_at)
SELECT id, destination, body, attempts + 1, :error, created_at FROM moved
"""
_DELETE = "DELETE FROM outbox WHERE id = ANY(CAST(:ids AS bigint[]))"
_POSTPONE = """
UPDATE outbox SET attempts = attempts + 1, last_error = :error,
    next_attempt_at = now() + make_interval(secs => :delay) WHERE id = :id
"""
_LAG = """
SELECT (SELECT count(*) FROM outbox) AS pending,
       COALESCE(EXTRACT(EPOCH FROM now() - (SELECT min(created_at) FROM outbox)), 0) AS oldest,
       (SELECT count(*) FROM outbox_parked) AS parked
"""


class Store:
    """The outbox tables of one schema, reached through the service's SQLAlchemy engine."""

    def __init__(self, engine: AsyncEngine, *, lock_namespace: str) -> None:
        self.engine = engine
        self.lock_namespace = lock_namespace

    async def lock(self, conn: AsyncConnection, destination: str) -> bool:
        """Take a destination's transaction-scoped delivery lock (one deliverer at a time keeps order)."""
        key = f"{self.lock_namespace}.outbox.{destination}"
        locked = await conn.scalar(text("SELECT pg_try_advisory_xact_lock(hashtext(:k))"), {"k": key})
        return bool(locked)

    async def head(self, conn: AsyncConnection, destination: str, *, limit: int) -> list[Pending]:
        """The oldest events of a destination that are due, stopping at the first one still backing off."""
        rows = (await conn.execute(text(_HEAD), {"d": destination, "n": limit})).all()
        events: list[Pending] = []
        for row in rows:
            if not row.due:
                break
            events.append(Pending(row.id, orjson.loads(row.body), row.attempts))
        return events

    async def delete(self, conn: AsyncConnection, ids: Sequence[int]) -> None:
        """Forget delivered events (nothing is kept once the consumer has it)."""
        if ids:
            await conn.execute(text(_DELETE), {"ids": list(ids)})

    async def park(self, conn: AsyncConnection, ids: Sequence[int], *, error: str) -> None:
        """Move events the consumer refused for good to the dead-letter table."""
        if ids:
            await conn.execute(text(_PARK), {"ids": list(ids), "error": error[:1000]})

    async def postpone(self, conn: AsyncConnection, event_id: int, *, delay: float, error: str) -> None:
        """Record a failed attempt of the head event and when to try again (it holds back the rest)."""
        await conn.execute(text(_POSTPONE), {"id": event_id, "delay": delay, "error": error[:500]})

    async def lag(self) -> Lag:
        """Pending count, age of the oldest pending event and parked count, over all destinations."""
        async with self.engine.connect() as conn:
            row = (await conn.execute(text(_LAG))).one()
        return Lag(int(row.pending), float(row.oldest), int(row.parked))


# --- the deliverer ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Destination:
    """Where a destination's batches go."""

    base_url: str
    path: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Policy:
    """Batching, retry and reporting knobs (the services' settings fill them)."""

    poll_seconds: float = 1.0
    batch_size: int = 100
    max_backoff_seconds: float = 60.0
    # a failed round (the database away) is retried within 5 s of its return, without a storm while it is away
    round_backoff_seconds: float = 5.0
    # a batch is many events' work: a call cut short is redelivered whole, so give it longer than a request
    call_timeout_seconds: float = 30.0
    max_attempts: int = 20  # for an event the consumer fails on with a 500, alone: then it is parked
    concurrency: int = 4  # destinations delivered at the same time
    busy_retry_seconds: float = 0.05  # how soon to look again while another worker holds a destination
    lag_log_seconds: float = 30.0


class _Retry(Exception):
    """The call failed in a way that may pass: try the head again later."""

    def __init__(self, message: str, *, server_error: bool) -> None:
        super().__init__(message)
        self.server_error = server_error


class _Refused(Exception):
    """The consumer refused the whole call for good (a permanent 4xx)."""


def backoff(attempts: int, *, cap: float) -> float:
    """Seconds before the next try after `attempts` failures: 0.5 s doubling, capped."""
    return float(min(cap, 0.5 * 2 ** min(attempts, 16)))


class Deliverer:
    """Delivers every destination's queue, in order, one batch call at a time per destination."""

    def __init__(
        self,
        *,
        store: Store,
        http: httpx.AsyncClient,
        destinations: Mapping[str, Destination],
        policy: Policy,
    ) -> None:
        self.store = store
        self.http = http
        self.destinations = dict(destinations)
        self.policy = policy
        self._wakeups = {name: asyncio.Event() for name in self.destinations}
        self._slots = asyncio.Semaphore(policy.concurrency)

    def notify(self) -> None:
        """Something was just enqueued by this process: deliver without waiting for the next poll."""
        for wakeup in self._wakeups.values():
            wakeup.set()

    async def run(self) -> None:
        """Deliver forever (a supervised task); each destination has its own loop that survives anything."""
        loops = [self._loop(name) for name in self.destinations]
        await asyncio.gather(*loops, self._report_lag())

    async def _loop(self, destination: str) -> None:
        failures = 0
        # This process queued events since this destination's last round (`notify` wakes every destination,
        # so: events for any of them); at start it cannot know, so it assumes so.
        queued_here = True
        while True:
            try:
                async with self._slots:
                    handled = await self._deliver(destination)
                failures = 0
            except Exception:  # any error: the database or the network is away; back off and reconnect
                failures += 1
                delay = backoff(failures, cap=self.policy.round_backoff_seconds)
                log.exception("outbox round for %s failed, next in %.1fs", destination, delay)
                queued_here = await self._idle(destination, delay) or queued_here  # a new event cuts it short
                continue
            if handled is None and queued_here:
                # Another worker process holds the destination. It may finish its round before the events
                # this process just queued were committed, and our wakeup is spent: look again soon rather
                # than after a whole poll (the 1 s poll was most of the user outbox's lag in the soak).
                await self._idle(destination, min(self.policy.busy_retry_seconds, self.policy.poll_seconds))
            elif handled is None or handled == 0:
                # Nothing of ours waits (another worker's round covers what it queued): the next poll, or
                # our next event. Issue 19: retrying every 50 ms whenever another worker's round was under
                # way, idle or not, was 7 % of the activity workers' CPU under a read-only load.
                queued_here = await self._idle(destination, self.policy.poll_seconds)
            else:  # a batch left the queue; more may have been queued meanwhile, by any worker: look at once
                queued_here = False

    async def _idle(self, destination: str, seconds: float) -> bool:
        """Wait `seconds` or until this process queues an event for `destination`; True for the latter."""
        wakeup = self._wakeups[destination]
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(wakeup.wait(), timeout=seconds)
        woken = wakeup.is_set()
        wakeup.clear()
        return woken

    async def _report_lag(self) -> None:
        while True:
            await asyncio.sleep(self.policy.lag_log_seconds)
            try:
                lag = await self.store.lag()
            except Exception as exc:  # reporting is best effort; the delivery loops log the real failure
                log.warning("outbox lag unavailable: %s", exc)
                continue
            if lag.pending or lag.parked:
                log.info("outbox lag", extra={"outbox": lag.as_dict()})

    async def deliver_once(self, destination: str) -> int:
        """Deliver the due head of one destination's queue; returns how many events left the queue."""
        return await self._deliver(destination) or 0

    async def _deliver(self, destination: str) -> int | None:
        """`deliver_once`, or None when another deliverer holds the destination."""
        target = self.destinations[destination]
        async with self.store.engine.begin() as conn:
            if not await self.store.lock(conn, destination):
                return None
            events = await self.store.head(conn, destination, limit=self.policy.batch_size)
            if not events:
                return 0
            if events[0].attempts:  # the head failed before: send it alone, so one bad event is found
                events = events[:1]
            try:
                results = await self._call(target, [e.body for e in events])
            except _Refused as exc:
                return await self._refused(conn, destination, events, str(exc))
            except _Retry as exc:
                await self._failed(conn, destination, events, exc)
                return 0
            accepted = [e.id for e, r in zip(events, results, strict=True) if r.ok]
            await self.store.delete(conn, accepted)
            for event, result in zip(events, results, strict=True):
                if not result.ok:
                    await self._park(conn, destination, event, result.error or "refused")
            return len(events)

    async def _call(self, target: Destination, bodies: list[Any]) -> list[EventResult]:
        url = target.base_url.rstrip("/") + target.path
        try:
            response = await self.http.post(
                url, json={"events": bodies}, timeout=self.policy.call_timeout_seconds
            )
        except httpx.HTTPError as exc:
            raise _Retry(f"{type(exc).__name__}: {exc}", server_error=False) from exc
        message = f"{response.status_code}: {response.text[:300]}"
        if response.status_code in _TRANSIENT_4XX or response.status_code in _TRANSIENT_5XX:
            raise _Retry(message, server_error=False)
        if 400 <= response.status_code < 500:
            raise _Refused(message)
        if response.status_code >= 300:
            raise _Retry(message, server_error=True)
        try:
            results = BatchResult.model_validate_json(response.content).results
        except ValidationError as exc:
            raise _Retry(f"unreadable batch result: {exc.error_count()} errors", server_error=True) from exc
        if len(results) != len(bodies):
            raise _Retry(f"{len(results)} results for {len(bodies)} events", server_error=True)
        return results

    async def _refused(
        self, conn: AsyncConnection, destination: str, events: list[Pending], error: str
    ) -> int:
        if len(events) > 1:  # which one? try again one by one, at once
            await self.store.postpone(conn, events[0].id, delay=0, error=error)
            return 0
        await self._park(conn, destination, events[0], error)
        return 1

    async def _failed(
        self, conn: AsyncConnection, destination: str, events: list[Pending], exc: _Retry
    ) -> None:
        head = events[0]
        if exc.server_error and len(events) == 1 and head.attempts + 1 >= self.policy.max_attempts:
            await self._park(conn, destination, head, f"gave up after {head.attempts + 1} attempts: {exc}")
            return
        delay = backoff(head.attempts, cap=self.policy.max_backoff_seconds)
        await self.store.postpone(conn, head.id, delay=delay, error=str(exc))
        log.warning("outbox %s: event %s failed, retry in %.1fs: %s", destination, head.id, delay, exc)

    async def _park(self, conn: AsyncConnection, destination: str, event: Pending, error: str) -> None:
        await self.store.park(conn, [event.id], error=error)
        log.error(
            "outbox %s: event %s parked: %s",
            destination,
            event.id,
            error,
            extra={"outbox_parked": {"destination": destination, "id": event.id}},
        )


def wire(
    *,
    engine: AsyncEngine,
    lock_namespace: str,
    http: httpx.AsyncClient,
    destinations: Mapping[str, Destination],
    policy: Policy,
) -> Deliverer:
    """A deliverer over a service's outbox tables."""
    store = Store(engine, lock_namespace=lock_namespace)
    return Deliverer(store=store, http=http, destinations=destinations, policy=policy)


def supervised(build: Callable[[FastAPI], Deliverer]) -> BackgroundTask:
    """The outbox as a supervised task (`app.state.outbox` while it runs); its lag goes to /ready."""

    async def run(app: FastAPI) -> None:
        deliverer = build(app)
        app.state.outbox = deliverer
        await deliverer.run()

    async def detail(app: FastAPI) -> dict[str, Any]:
        deliverer: Deliverer | None = getattr(app.state, "outbox", None)
        return {} if deliverer is None else (await deliverer.store.lag()).as_dict()

    def enabled(app: FastAPI) -> bool:
        return bool(app.state.settings.outbox_enabled)

    return BackgroundTask(name="outbox", run=run, detail=detail, enabled=enabled)
