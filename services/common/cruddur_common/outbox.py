"""Transactional outbox delivery: at least once, in order per destination, with backoff while a peer is down.

A service writes outbox rows in the transaction of its action and plugs its own storage in through
`Store.batch()`; this module owns the loop, the HTTP call and the retry policy.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from typing import Any, Protocol

import httpx

log = logging.getLogger("cruddur.outbox")


class DeliveryFailed(Exception):
    """The peer did not accept the call (retry later)."""


class Rejected(Exception):
    """The peer refused the call for good (a 4xx other than 404/408/409/425/429): retrying cannot help."""


class Event(Protocol):
    """One undelivered call."""

    @property
    def id(self) -> int: ...
    @property
    def method(self) -> str: ...
    @property
    def path(self) -> str: ...
    @property
    def body(self) -> Any: ...
    @property
    def attempts(self) -> int: ...


class Batch(Protocol):
    """The due head of one destination's queue, inside the transaction that holds its delivery lock."""

    @property
    def events(self) -> Sequence[Event]:
        """The events, oldest first."""

    async def postpone(self, event_id: int, *, delay_seconds: float, error: str) -> None:
        """Try this event again later (it blocks the events behind it, keeping order)."""

    async def done(self, ids: list[int]) -> None:
        """These events were delivered (or rejected for good)."""


class Store(Protocol):
    """A service's outbox table."""

    def batch(self, destination: str, *, limit: int) -> AbstractAsyncContextManager[Batch | None]:
        """Lock the destination and read its due head; None when another process holds the lock."""


async def send(http: httpx.AsyncClient, *, base_url: str, method: str, path: str, body: Any) -> None:
    """Perform one call; raise DeliveryFailed (retry) or Rejected (drop)."""
    try:
        response = await http.request(method, base_url.rstrip("/") + path, json=body)
    except httpx.HTTPError as exc:
        raise DeliveryFailed(f"{type(exc).__name__}: {exc}") from exc
    if response.status_code < 300:
        return
    message = f"{response.status_code}: {response.text[:200]}"
    if 400 <= response.status_code < 500 and response.status_code not in (404, 408, 409, 425, 429):
        raise Rejected(message)
    raise DeliveryFailed(message)


class Deliverer:
    """A background task per process; the store's lock lets one process deliver a destination at a time."""

    def __init__(
        self,
        *,
        store: Store,
        http: httpx.AsyncClient,
        destinations: Mapping[str, str],
        poll_seconds: float,
        batch_size: int,
        max_backoff_seconds: float,
        store_errors: tuple[type[Exception], ...],
    ) -> None:
        self.store = store
        self.http = http
        self.destinations = dict(destinations)
        self.poll_seconds = poll_seconds
        self.batch_size = batch_size
        self.max_backoff = max_backoff_seconds
        self.store_errors = store_errors
        self.wakeup = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Run the loop in the background."""
        self._task = asyncio.create_task(self._run(), name="outbox-deliverer")

    async def stop(self) -> None:
        """Stop the loop (undelivered events stay in the table)."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    def notify(self) -> None:
        """Something was just enqueued by this process: deliver without waiting for the next poll."""
        self.wakeup.set()

    async def _run(self) -> None:
        recoverable: tuple[type[Exception], ...] = (OSError, *self.store_errors)
        while True:
            busy = False
            for destination, base_url in self.destinations.items():
                try:
                    busy |= await self.deliver_once(destination, base_url) >= self.batch_size
                except recoverable as exc:
                    log.warning("outbox delivery round failed: %s", exc)
            if busy:
                continue
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.wakeup.wait(), timeout=self.poll_seconds)
            self.wakeup.clear()

    async def deliver_once(self, destination: str, base_url: str) -> int:
        """Deliver the due head of one destination's queue; returns how many events were handled."""
        async with self.store.batch(destination, limit=self.batch_size) as batch:
            if batch is None:
                return 0
            done: list[int] = []
            for event in batch.events:
                try:
                    await send(
                        self.http, base_url=base_url, method=event.method, path=event.path, body=event.body
                    )
                except Rejected as exc:
                    log.error("outbox event %s rejected, dropped: %s", event.id, exc)
                except DeliveryFailed as exc:
                    delay = min(self.max_backoff, 0.5 * 2 ** min(event.attempts, 16))
                    await batch.postpone(event.id, delay_seconds=delay, error=str(exc))
                    log.warning("outbox event %s failed (retry in %.1fs): %s", event.id, delay, exc)
                    break
                done.append(event.id)
            await batch.done(done)
            return len(done)
