"""The activity service's outbox store (asyncpg) for the shared deliverer."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass

import asyncpg
import httpx

from activity_service.db import transaction
from activity_service.outbox import repository
from cruddur_common import outbox


@dataclass
class _Batch:
    conn: asyncpg.Connection
    events: list[repository.PendingEvent]

    async def postpone(self, event_id: int, *, delay_seconds: float, error: str) -> None:
        await repository.postpone(self.conn, event_id, delay_seconds=delay_seconds, error=error)

    async def done(self, ids: list[int]) -> None:
        await repository.mark_delivered(self.conn, ids)


@dataclass
class Store:
    """The `outbox` table in the activity schema."""

    pool: asyncpg.Pool

    @asynccontextmanager
    async def batch(self, destination: str, *, limit: int) -> AsyncIterator[_Batch | None]:
        """Lock the destination and read its due head, in one transaction."""
        async with transaction(self.pool) as conn:
            if not await repository.lock_destination(conn, destination):
                yield None
                return
            yield _Batch(conn, await repository.head(conn, destination=destination, limit=limit))


class Deliverer(outbox.Deliverer):
    """The shared deliverer over the activity service's outbox."""

    def __init__(
        self,
        *,
        pool: asyncpg.Pool,
        http: httpx.AsyncClient,
        destinations: Mapping[str, str],
        poll_seconds: float,
        batch_size: int,
        max_backoff_seconds: float,
    ) -> None:
        super().__init__(
            store=Store(pool),
            http=http,
            destinations=destinations,
            poll_seconds=poll_seconds,
            batch_size=batch_size,
            max_backoff_seconds=max_backoff_seconds,
            store_errors=(asyncpg.PostgresError,),
        )
