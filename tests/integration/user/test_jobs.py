"""cruddur_common.jobs on the user service's real `jobs` table: retry with backoff, failed after the last
attempt, a crashed run's lease runs out and the job is claimed again, checkpoints survive the crash.

The runners here are in the test process, with job kinds of their own: the stack's user service only
claims the kinds it has handlers for, so it never takes these.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import text
from sqlalchemy.engine import Row
from sqlalchemy.ext.asyncio import AsyncEngine

from cruddur_common import jobs
from cruddur_common.db import create_engine, session_factory
from devstack.stack import LocalStack
from user_service.models import SCHEMA

pytestmark = pytest.mark.integration

POLICY = jobs.Policy(poll_seconds=0.05, lease_seconds=1.0, max_attempts=3, max_backoff_seconds=0.3)


@pytest.fixture
async def engine(stack: LocalStack) -> AsyncIterator[AsyncEngine]:
    """An engine on the stack's database, in the users schema."""
    url = stack.cfg.db_url.replace("postgresql://", "postgresql+asyncpg://", 1)
    found = create_engine(url, schema=SCHEMA, pool_size=2)
    try:
        yield found
    finally:
        await found.dispose()


@pytest.fixture
def kind() -> str:
    """A job kind no other test (and not the stack) runs."""
    return f"test_{uuid.uuid4().hex[:12]}"


async def _enqueue(engine: AsyncEngine, kind: str, **payload: Any) -> int:
    async with session_factory(engine)() as session:
        job_id = await jobs.enqueue(session, kind=kind, subject=uuid.uuid4(), payload=payload)
        await session.commit()
    return job_id


async def _row(engine: AsyncEngine, job_id: int) -> Row[Any]:
    async with engine.connect() as conn:
        found = (
            await conn.execute(
                text(
                    "SELECT state, attempts, payload, result, last_error, finished_at, leased_until,"
                    " next_attempt_at > now() AS waiting, leased_until > now() AS leased"
                    " FROM jobs WHERE id = :id"
                ),
                {"id": job_id},
            )
        ).one()
    return found


def _runner(engine: AsyncEngine, kind: str, handler: jobs.Handler) -> jobs.Runner:
    return jobs.Runner(FastAPI(), engine=engine, handlers={kind: handler}, policy=POLICY)


async def test_a_failing_job_is_retried_with_backoff_until_done(engine: AsyncEngine, kind: str) -> None:
    async def flaky(app: FastAPI, job: jobs.Job) -> dict[str, Any]:
        if job.attempts < 3:
            raise RuntimeError(f"refused on attempt {job.attempts}")
        return {"ok": True, "attempts": job.attempts}

    job_id = await _enqueue(engine, kind)
    runner = _runner(engine, kind, flaky)
    assert await runner.run_once()
    row = await _row(engine, job_id)
    assert (row.state, row.attempts, row.leased_until) == ("pending", 1, None)
    assert row.last_error == "RuntimeError: refused on attempt 1"
    assert row.waiting, "the next try waits its backoff"
    assert not await runner.run_once(), "not due before its backoff"
    for _ in range(2):
        await asyncio.sleep(POLICY.max_backoff_seconds + 0.2)
        assert await runner.run_once()
    row = await _row(engine, job_id)
    assert (row.state, row.attempts, row.last_error) == ("done", 3, None)
    assert row.result == {"ok": True, "attempts": 3} and row.finished_at is not None
    await asyncio.sleep(POLICY.max_backoff_seconds + 0.2)
    assert not await runner.run_once(), "a done job is never run again"


async def test_a_job_that_keeps_failing_is_failed_after_max_attempts(engine: AsyncEngine, kind: str) -> None:
    async def broken(app: FastAPI, job: jobs.Job) -> None:
        raise ValueError("never works")

    job_id = await _enqueue(engine, kind)
    runner = _runner(engine, kind, broken)
    for _ in range(POLICY.max_attempts):
        assert await runner.run_once()
        await asyncio.sleep(POLICY.max_backoff_seconds + 0.2)
    row = await _row(engine, job_id)
    assert (row.state, row.attempts, row.last_error) == ("failed", 3, "ValueError: never works")
    assert row.finished_at is not None and row.leased_until is None
    assert not await runner.run_once(), "a failed job is parked, not retried"


async def _crash_mid_run(runner: jobs.Runner, started: asyncio.Event) -> None:
    """Run one job until its handler says it started, then kill the run as a dying process would."""
    run = asyncio.create_task(runner.run_once())
    await asyncio.wait_for(started.wait(), timeout=10)
    run.cancel()  # nothing is recorded: the lease is all that is left of the run
    with pytest.raises(asyncio.CancelledError):
        await run


async def test_a_crashed_run_s_lease_runs_out_and_the_job_runs_again(engine: AsyncEngine, kind: str) -> None:
    started = asyncio.Event()

    async def hangs(app: FastAPI, job: jobs.Job) -> None:
        started.set()
        await asyncio.Event().wait()

    async def works(app: FastAPI, job: jobs.Job) -> str:
        return "finished"

    job_id = await _enqueue(engine, kind)
    await _crash_mid_run(_runner(engine, kind, hangs), started)
    row = await _row(engine, job_id)
    assert (row.state, row.attempts, row.leased) == ("pending", 1, True)
    second = _runner(engine, kind, works)
    assert not await second.run_once(), "leased: another process may still be running it"
    await asyncio.sleep(POLICY.lease_seconds + 0.3)
    assert await second.run_once()
    row = await _row(engine, job_id)
    assert (row.state, row.attempts, row.result) == ("done", 2, "finished")


async def test_a_lease_is_kept_while_a_long_job_runs(engine: AsyncEngine, kind: str) -> None:
    async def slow(app: FastAPI, job: jobs.Job) -> str:
        await asyncio.sleep(POLICY.lease_seconds * 2.5)
        return "slow"

    job_id = await _enqueue(engine, kind)
    first = asyncio.create_task(_runner(engine, kind, slow).run_once())
    await asyncio.sleep(POLICY.lease_seconds * 1.5)
    assert not await _runner(engine, kind, slow).run_once(), "the heartbeat keeps the lease"
    assert await first
    assert (await _row(engine, job_id)).attempts == 1


async def test_a_checkpoint_survives_the_crash_and_the_rerun_skips_the_step(
    engine: AsyncEngine, kind: str
) -> None:
    started = asyncio.Event()
    steps: list[str] = []

    async def two_steps(app: FastAPI, job: jobs.Job) -> dict[str, Any]:
        if "first" not in job.payload:
            steps.append("first")
            await job.checkpoint(first="done")
        if job.attempts == 1:  # the process dies between the steps
            started.set()
            await asyncio.Event().wait()
        steps.append("second")
        return dict(job.payload)

    job_id = await _enqueue(engine, kind, input="x")
    await _crash_mid_run(_runner(engine, kind, two_steps), started)
    assert (await _row(engine, job_id)).payload == {"input": "x", "first": "done"}
    await asyncio.sleep(POLICY.lease_seconds + 0.3)
    assert await _runner(engine, kind, two_steps).run_once()
    row = await _row(engine, job_id)
    assert steps == ["first", "second"], "the rerun skipped the checkpointed step"
    assert (row.state, row.attempts, row.result) == ("done", 2, {"input": "x", "first": "done"})
