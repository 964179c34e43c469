"""Delivers outbox events at least once, in order per destination, with backoff while a peer is down."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Mapping

import httpx
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from user_service.outbox import clients, repository

log = logging.getLogger("user.outbox")


class Deliverer:
    """A background task per process; an advisory lock lets one process deliver a destination at a time."""

    def __init__(
        self,
        *,
        sessions: async_sessionmaker[AsyncSession],
        http: httpx.AsyncClient,
        destinations: Mapping[str, str],
        poll_seconds: float,
        batch_size: int,
        max_backoff_seconds: float,
    ) -> None:
        self.sessions = sessions
        self.http = http
        self.destinations = dict(destinations)
        self.poll_seconds = poll_seconds
        self.batch_size = batch_size
        self.max_backoff = max_backoff_seconds
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
        while True:
            busy = False
            for destination, base_url in self.destinations.items():
                try:
                    busy |= await self.deliver_once(destination, base_url) >= self.batch_size
                except (OSError, SQLAlchemyError) as exc:
                    log.warning("outbox delivery round failed: %s", exc)
            if busy:
                continue
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.wakeup.wait(), timeout=self.poll_seconds)
            self.wakeup.clear()

    async def deliver_once(self, destination: str, base_url: str) -> int:
        """Deliver the due head of one destination's queue; returns how many events were handled."""
        async with self.sessions() as session, session.begin():
            if not await repository.lock_destination(session, destination):
                return 0
            events = await repository.head(session, destination=destination, limit=self.batch_size)
            done: list[int] = []
            for event in events:
                try:
                    await clients.send(
                        self.http, base_url=base_url, method=event.method, path=event.path, body=event.body
                    )
                except clients.Rejected as exc:
                    log.error("outbox event %s rejected, dropped: %s", event.id, exc)
                except clients.DeliveryFailed as exc:
                    delay = min(self.max_backoff, 0.5 * 2 ** min(event.attempts, 16))
                    await repository.postpone(session, event.id, delay_seconds=delay, error=str(exc))
                    log.warning("outbox event %s failed (retry in %.1fs): %s", event.id, delay, exc)
                    break
                done.append(event.id)
            await repository.delete_events(session, done)
            return len(done)
