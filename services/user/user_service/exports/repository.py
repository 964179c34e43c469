"""The only code of exports that touches the tables: the `export` jobs of a user (users.jobs)."""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy import Interval, func, select, text, type_coerce
from sqlalchemy.ext.asyncio import AsyncSession

from cruddur_common import jobs
from user_service.models import Job

KIND = "export"


async def lock(session: AsyncSession, user: uuid.UUID) -> None:
    """Serialise the user's export requests until commit, so two at once cannot both pass the limit."""
    key = f"users.export:{user}"
    await session.execute(text("SELECT pg_advisory_xact_lock(hashtextextended(:k, 0))"), {"k": key})


async def live_since(session: AsyncSession, user: uuid.UUID, *, window: timedelta) -> timedelta | None:
    """How long until the latest non-failed export asked for within `window` leaves it (None: none)."""
    latest = (
        select(func.max(Job.created_at))
        .where(Job.subject == user, Job.kind == KIND, Job.state != jobs.FAILED)
        .scalar_subquery()
    )
    left = type_coerce(latest + window - func.now(), Interval)
    return await session.scalar(select(left).where(latest > func.now() - window))


async def add(session: AsyncSession, user: uuid.UUID) -> Job:
    """Queue an export job for the user (in the caller's transaction); the new row."""
    job_id = await jobs.enqueue(session, kind=KIND, subject=user)
    job = await session.get(Job, job_id)
    assert job is not None
    return job


async def latest(session: AsyncSession, user: uuid.UUID) -> Job | None:
    """The user's most recent export job (`ix_jobs_subject`)."""
    statement = select(Job).where(Job.subject == user, Job.kind == KIND).order_by(Job.id.desc()).limit(1)
    return await session.scalar(statement)
