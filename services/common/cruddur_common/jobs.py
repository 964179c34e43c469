"""Durable jobs: work that outlives its request (account deletion, data export) and survives a restart.

A request queues a job in its own transaction (`enqueue`), so an acknowledged request is never lost.
A `Runner` (a supervised task in every process of the service) claims one due job at a time with a lease
(`FOR UPDATE SKIP LOCKED`), runs its kind's handler, and records the outcome. A process that dies mid-job
leaves the lease to run out; the next claim runs the job again, so handlers must be idempotent, and may
`checkpoint` their progress so a rerun skips what is done. A handler that raises is retried with backoff;
after `max_attempts` the job is `failed` (parked, with its last error) and stops being retried.

Table: `jobs` in the service's schema (`class Job(JobColumns, Base)`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import orjson
from fastapi import FastAPI
from sqlalchemy import BigInteger, DateTime, Index, Integer, String, Text, func, text
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from cruddur_common.supervisor import BackgroundTask

log = logging.getLogger("cruddur.jobs")

PENDING = "pending"
DONE = "done"
FAILED = "failed"


class JobColumns:
    """The `jobs` table's columns; a service's model is `class Job(JobColumns, Base)`."""

    __tablename__ = "jobs"

    @declared_attr.directive
    @classmethod
    def __table_args__(cls) -> tuple[Index, ...]:
        return (
            Index("ix_jobs_due", "next_attempt_at", postgresql_where=text("state = 'pending'")),
            Index("ix_jobs_subject", "subject", "kind", "id"),
        )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(32))
    subject: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))  # whom it is for (a user)
    state: Mapped[str] = mapped_column(String(16), server_default=PENDING)  # pending | done | failed
    payload: Mapped[Any] = mapped_column(JSONB, server_default=text("'{}'::jsonb"))  # inputs + checkpoints
    result: Mapped[Any] = mapped_column(JSONB, nullable=True)
    attempts: Mapped[int] = mapped_column(Integer, server_default="0")
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    leased_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


async def enqueue(
    session: AsyncSession, *, kind: str, subject: uuid.UUID, payload: Mapping[str, Any] | None = None
) -> int:
    """Queue a job in the caller's transaction; returns its id. Wake the runner after the commit."""
    row = await session.execute(
        text(
            "INSERT INTO jobs (kind, subject, payload) VALUES (:kind, :subject, CAST(:payload AS jsonb))"
            " RETURNING id"
        ),
        {"kind": kind, "subject": subject, "payload": orjson.dumps(dict(payload or {})).decode()},
    )
    return int(row.scalar_one())


@dataclass
class Job:
    """A claimed job as its handler sees it."""

    id: int
    kind: str
    subject: uuid.UUID
    payload: dict[str, Any]
    attempts: int  # including this one
    engine: AsyncEngine = field(repr=False)

    async def checkpoint(self, **progress: Any) -> None:
        """Merge `progress` into the payload durably, so a rerun after a crash can skip what is done."""
        self.payload.update(progress)
        async with self.engine.begin() as conn:
            await conn.execute(
                text("UPDATE jobs SET payload = payload || CAST(:p AS jsonb) WHERE id = :id"),
                {"p": orjson.dumps(progress).decode(), "id": self.id},
            )


Handler = Callable[[FastAPI, Job], Awaitable[Any]]  # returns the job's result (JSON-able); raises to retry


@dataclass(frozen=True, kw_only=True)
class Policy:
    """How the runner polls, leases and retries."""

    poll_seconds: float = 1.0
    lease_seconds: float = 60.0  # a job whose process died is run again after this
    max_attempts: int = 8
    max_backoff_seconds: float = 60.0


def backoff(attempts: int, *, cap: float) -> float:
    """Seconds before the next try after `attempts` failures: 1 s doubling, capped."""
    return float(min(cap, 2 ** min(max(attempts - 1, 0), 16)))


class Runner:
    """Claims and runs due jobs of the kinds it has handlers for, one at a time per process."""

    def __init__(
        self, app: FastAPI, *, engine: AsyncEngine, handlers: Mapping[str, Handler], policy: Policy
    ) -> None:
        self.app = app
        self.engine = engine
        self.handlers = dict(handlers)
        self.policy = policy
        self._wakeup = asyncio.Event()

    def notify(self) -> None:
        """A job was just queued by this process: look now rather than at the next poll."""
        self._wakeup.set()

    async def run(self) -> None:
        """Run jobs forever (a supervised task); a failing database only delays them."""
        failures = 0
        while True:
            try:
                ran = await self.run_once()
                failures = 0
            except Exception:  # the database is away: back off; the jobs wait in their table
                failures += 1
                delay = backoff(failures, cap=self.policy.max_backoff_seconds)
                log.exception("job round failed, next in %.1fs", delay)
                await self._idle(delay)
                continue
            if not ran:
                await self._idle(self.policy.poll_seconds)

    async def _idle(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wakeup.wait(), timeout=seconds)
        self._wakeup.clear()

    async def run_once(self) -> bool:
        """Claim and run one due job; False when none was due."""
        job = await self._claim()
        if job is None:
            return False
        heartbeat = asyncio.create_task(self._keep_lease(job.id))
        try:
            result = await self.handlers[job.kind](self.app, job)
        except Exception as exc:
            heartbeat.cancel()
            await self._failed(job, exc)
        else:
            heartbeat.cancel()
            await self._done(job, result)
        finally:  # cancelled (shutdown): the lease runs out and the job is run again
            heartbeat.cancel()
        return True

    async def _keep_lease(self, job_id: int) -> None:
        """Extend the lease while the handler runs, so a long job is not claimed twice."""
        while True:
            await asyncio.sleep(self.policy.lease_seconds / 3)
            with contextlib.suppress(Exception):  # a missed renewal only risks a rerun (idempotent)
                async with self.engine.begin() as conn:
                    await conn.execute(
                        text(
                            "UPDATE jobs SET leased_until = now() + make_interval(secs => :lease)"
                            " WHERE id = :id AND state = 'pending'"
                        ),
                        {"lease": self.policy.lease_seconds, "id": job_id},
                    )

    async def _claim(self) -> Job | None:
        async with self.engine.begin() as conn:
            row = (
                await conn.execute(
                    text(
                        """
                        UPDATE jobs SET attempts = attempts + 1,
                               leased_until = now() + make_interval(secs => :lease)
                        WHERE id = (
                            SELECT id FROM jobs
                            WHERE state = 'pending' AND next_attempt_at <= now()
                              AND (leased_until IS NULL OR leased_until < now())
                              AND kind = ANY(:kinds)
                            ORDER BY next_attempt_at, id
                            FOR UPDATE SKIP LOCKED
                            LIMIT 1
                        )
                        RETURNING id, kind, subject, payload, attempts
                        """
                    ),
                    {"lease": self.policy.lease_seconds, "kinds": list(self.handlers)},
                )
            ).first()
        if row is None:
            return None
        return Job(row.id, row.kind, row.subject, dict(row.payload), row.attempts, self.engine)

    async def _done(self, job: Job, result: Any) -> None:
        async with self.engine.begin() as conn:
            await conn.execute(
                text(
                    "UPDATE jobs SET state = 'done', result = CAST(:result AS jsonb), finished_at = now(),"
                    " leased_until = NULL, last_error = NULL WHERE id = :id"
                ),
                {"result": orjson.dumps(result).decode(), "id": job.id},
            )
        log.info("job %s (%s) done after %d attempt(s)", job.id, job.kind, job.attempts)

    async def _failed(self, job: Job, exc: Exception) -> None:
        error = f"{type(exc).__name__}: {' '.join(str(exc).split())[:500]}"
        if job.attempts >= self.policy.max_attempts:
            sql = (
                "UPDATE jobs SET state = 'failed', finished_at = now(), leased_until = NULL,"
                " last_error = :error WHERE id = :id"
            )
            params: dict[str, Any] = {"error": error, "id": job.id}
            log.error("job %s (%s) failed for good: %s", job.id, job.kind, error, exc_info=exc)
        else:
            delay = backoff(job.attempts, cap=self.policy.max_backoff_seconds)
            sql = (
                "UPDATE jobs SET next_attempt_at = now() + make_interval(secs => :delay),"
                " leased_until = NULL, last_error = :error WHERE id = :id"
            )
            params = {"delay": delay, "error": error, "id": job.id}
            log.warning("job %s (%s) failed, retry in %.1fs: %s", job.id, job.kind, delay, error)
        async with self.engine.begin() as conn:
            await conn.execute(text(sql), params)


def supervised(build: Callable[[FastAPI], Runner]) -> BackgroundTask:
    """The runner as a supervised task (`app.state.jobs` while it runs)."""

    async def run(app: FastAPI) -> None:
        runner = build(app)
        app.state.jobs = runner
        await runner.run()

    return BackgroundTask(name="jobs", run=run)
