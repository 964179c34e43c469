"""The only code that touches the reports table for reporters; it never commits."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from user_service.models import Report, User


async def user_by_uuid(session: AsyncSession, user: uuid.UUID) -> User | None:
    """The user with this uuid."""
    return await session.get(User, user)


async def find_open(
    session: AsyncSession, *, reporter: uuid.UUID, target_type: str, target_id: uuid.UUID
) -> Report | None:
    """The reporter's open report of this target, if any."""
    return await session.scalar(
        select(Report).where(
            Report.reporter_uuid == reporter,
            Report.target_type == target_type,
            Report.target_id == target_id,
            Report.status == "open",
        )
    )


async def insert_open(
    session: AsyncSession,
    *,
    report: uuid.UUID,
    reporter: uuid.UUID,
    target_type: str,
    target_id: uuid.UUID,
    target_user: uuid.UUID,
    category: str,
    comment: str,
    content: Any,
    context: list[Any],
    created_at: datetime,
    hold_until: datetime | None,
) -> Report | None:
    """Insert an open report; None when the reporter already has one of this target (a race lost)."""
    statement = (
        insert(Report)
        .values(
            id=report,
            reporter_uuid=reporter,
            target_type=target_type,
            target_id=target_id,
            target_user_uuid=target_user,
            category=category,
            comment=comment,
            content=content,
            context=context,
            created_at=created_at,
            hold_until=hold_until,
        )
        .on_conflict_do_nothing(
            index_elements=[Report.reporter_uuid, Report.target_type, Report.target_id],
            index_where=text("status = 'open'"),
        )
        .returning(Report)
    )
    return await session.scalar(statement)
