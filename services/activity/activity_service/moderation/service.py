"""Use cases of the moderation tools (the user service): read a crud in any state, hold it, remove it."""

from __future__ import annotations

import uuid

import asyncpg

from activity_service.db import transaction
from activity_service.moderation import repository
from activity_service.moderation.render import render_crud
from activity_service.moderation.schemas import Crud, HoldIn
from cruddur_common.errors import Conflict, NotFound


def _not_found() -> NotFound:
    return NotFound("No crud with this uuid.")


async def crud(pool: asyncpg.Pool, activity: uuid.UUID) -> Crud:
    """A crud whatever its state (live, expired but held); 404 `not_found` once it is gone."""
    row = await repository.crud(pool, activity)
    if row is None:
        raise _not_found()
    return render_crud(row)


async def hold(pool: asyncpg.Pool, *, activity: uuid.UUID, report_id: uuid.UUID, body: HoldIn) -> Crud:
    """Keep a reported crud past its expiry until `until` or the release; idempotent per report.

    404 `not_found` when the crud is gone, expired and not held already, or its author blocked the
    reporter (the reporter could not have seen it); 409 `hold_conflict` when the report holds another crud.
    """
    async with transaction(pool) as conn:
        await repository.lock_holds(conn)
        row = await repository.crud(conn, activity, reporter=body.reporter)
        if row is None or row["blocks_reporter"] or (row["expired"] and not row["held"]):
            raise _not_found()
        placed = await repository.hold(
            conn, report_id=report_id, activity=activity, reporter=body.reporter, until=body.until
        )
        if not placed:
            raise Conflict("This report already holds another crud.", code="hold_conflict")
        row = await repository.crud(conn, activity)
    assert row is not None  # locked by the hold's foreign key since
    return render_crud(row)


async def release(pool: asyncpg.Pool, report_id: uuid.UUID) -> None:
    """Release a report's hold (idempotent)."""
    await repository.release(pool, report_id)
