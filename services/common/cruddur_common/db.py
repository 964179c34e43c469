"""Async SQLAlchemy plumbing: one engine per process, one session per request."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import MetaData, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.pool import NullPool

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def service_metadata(schema: str) -> MetaData:
    """Metadata for a service's own schema with an explicit constraint naming convention."""
    return MetaData(schema=schema, naming_convention=NAMING_CONVENTION)


# A dead or blackholed server must fail a request within seconds (503), not hang it for asyncpg's 60 s.
CONNECT_TIMEOUT_SECONDS = 5.0
POOL_TIMEOUT_SECONDS = 5.0


def _connect_args(schema: str) -> dict[str, object]:
    # JIT off, as on the activity service's own pool: short statements never win back a compile, and one
    # that crosses `jit_above_cost` as its tables grow pays it on every run (issue 19: the batch's unread
    # count, ~21,000 unread rows of 100 people, spent 190 ms of 430 compiling, seconds on a loaded machine).
    return {
        "server_settings": {"search_path": f"{schema},public", "timezone": "UTC", "jit": "off"},
        "timeout": CONNECT_TIMEOUT_SECONDS,
    }


def create_engine(url: str, *, schema: str, pool_size: int = 10) -> AsyncEngine:
    """An asyncpg engine whose connections look in the service's schema first.

    `pool_pre_ping` checks each pooled connection on checkout (one `;` round trip), so connections that
    died with a Postgres restart are replaced instead of failing the first requests after it.
    `hide_parameters` keeps bound values (a DM's text, an email) out of error messages and logs.
    """
    return create_async_engine(
        url,
        pool_size=pool_size,
        max_overflow=pool_size,
        pool_pre_ping=True,
        pool_recycle=1800,
        pool_timeout=POOL_TIMEOUT_SECONDS,
        hide_parameters=True,
        connect_args=_connect_args(schema),
    )


def create_one_shot_engine(url: str, *, schema: str) -> AsyncEngine:
    """The same engine for a Lambda invocation: no pool (each `asyncio.run` has its own event loop)."""
    return create_async_engine(
        url, poolclass=NullPool, hide_parameters=True, connect_args=_connect_args(schema)
    )


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions that keep loaded objects usable after commit."""
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)


async def ping(engine: AsyncEngine) -> None:
    """Touch the database (readiness)."""
    async with engine.connect() as conn:
        await conn.execute(text("SELECT 1"))


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    """A session per request; the service layer owns commit, this closes (and rolls back) it."""
    factory: async_sessionmaker[AsyncSession] = request.app.state.sessions
    async with factory() as session:
        yield session


SessionDep = Annotated[AsyncSession, Depends(get_session)]
