"""The user service's outbox store (SQLAlchemy) for the shared deliverer."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass

import httpx
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from cruddur_common import outbox
from user_service.outbox import repository


@dataclass
class _Batch:
    session: AsyncSession
    events: list[repository.PendingEvent]

    async def postpone(self, event_id: int, *, delay_seconds: float, error: str) -> None:
        await repository.postpone(self.session, event_id, delay_seconds=delay_seconds, error=error)

    async def done(self, ids: list[int]) -> None:
        await repository.delete_events(self.session, ids)


@dataclass
class Store:
    """The `outbox` table in the users schema."""

    sessions: async_sessionmaker[AsyncSession]

    @asynccontextmanager
    async def batch(self, destination: str, *, limit: int) -> AsyncIterator[_Batch | None]:
        """Lock the destination and read its due head, in one transaction."""
        async with self.sessions() as session, session.begin():
            if not await repository.lock_destination(session, destination):
                yield None
                return
            yield _Batch(session, await repository.head(session, destination=destination, limit=limit))


class Deliverer(outbox.Deliverer):
    """The shared deliverer over the user service's outbox."""

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
        super().__init__(
            store=Store(sessions),
            http=http,
            destinations=destinations,
            poll_seconds=poll_seconds,
            batch_size=batch_size,
            max_backoff_seconds=max_backoff_seconds,
            store_errors=(SQLAlchemyError,),
        )
