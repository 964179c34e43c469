"""The only code that touches reports, suspensions and the audit log for moderators; it never commits."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Row, Select, func, select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from user_service.models import AuditEntry, Report, User

Reporter = aliased(User, name="reporter")
Target = aliased(User, name="target_user")
Moderator = aliased(User, name="moderator")
# Every join is outer: a report outlives its reporter's and its target's accounts (issue 16): None.
ReportRow = Row[Report, str | None, User | None, str | None]


def _views() -> Select[Report, str | None, User | None, str | None]:
    """Reports with the reporter's handle, the target user and the moderator's handle (each if known)."""
    return (
        select(Report, Reporter.handle, Target, Moderator.handle)
        .outerjoin(Reporter, Reporter.uuid == Report.reporter_uuid)
        .outerjoin(Target, Target.uuid == Report.target_user_uuid)
        .outerjoin(Moderator, Moderator.uuid == Report.moderator_uuid)
    )


async def view(session: AsyncSession, report: uuid.UUID) -> ReportRow | None:
    """One report for moderators."""
    statement = _views().where(Report.id == report)
    row: ReportRow | None = (await session.execute(statement)).first()
    return row


async def page(
    session: AsyncSession, *, status: str, after: tuple[datetime, uuid.UUID] | None, limit: int
) -> list[ReportRow]:
    """Open reports oldest first (the queue), or resolved ones newest first."""
    statement = _views().where(Report.status == status)
    if status == "open":
        key = tuple_(Report.created_at, Report.id)
        statement = statement.order_by(Report.created_at, Report.id)
        if after is not None:
            statement = statement.where(key > tuple_(*after))
    else:
        key = tuple_(Report.resolved_at, Report.id)
        statement = statement.order_by(Report.resolved_at.desc(), Report.id.desc())
        if after is not None:
            statement = statement.where(key < tuple_(*after))
    return list((await session.execute(statement.limit(limit))).all())


async def lock(session: AsyncSession, report: uuid.UUID) -> Report | None:
    """The report, locked until the transaction ends (one moderator acts on it at a time)."""
    return await session.scalar(
        select(Report).where(Report.id == report).with_for_update().execution_options(populate_existing=True)
    )


async def user_by_uuid(session: AsyncSession, user: uuid.UUID) -> User | None:
    """The user with this uuid."""
    return await session.get(User, user)


async def resolve(
    session: AsyncSession, report: Report, *, action: str, note: str, moderator: uuid.UUID
) -> Report:
    """Close a report with the moderator's decision."""
    report.status = "resolved"
    report.action = action
    report.note = note
    report.moderator_uuid = moderator
    report.resolved_at = await session.scalar(select(func.clock_timestamp()))
    await session.flush()
    return report


async def set_suspended(session: AsyncSession, user: uuid.UUID, *, suspended: bool) -> User | None:
    """Suspend or reinstate; the changed user (updated_at moves: the projection keeps the newest copy).

    None when the user was already in that state.
    """
    statement = (
        update(User)
        .where(User.uuid == user, User.suspended.is_not(suspended))
        .values(suspended=suspended, updated_at=func.clock_timestamp())
        .returning(User)
        .execution_options(populate_existing=True)
    )
    return await session.scalar(statement)


async def add_audit(
    session: AsyncSession,
    *,
    report: uuid.UUID | None,
    moderator: User,
    action: str,
    user: User | None,
    note: str,
) -> None:
    """Write one audit entry (in the transaction of the action it records)."""
    session.add(
        AuditEntry(
            report_id=report,
            moderator_uuid=moderator.uuid,
            moderator_handle=moderator.handle,
            action=action,
            user_uuid=user.uuid if user else None,
            user_handle=user.handle if user else None,
            note=note,
        )
    )
    await session.flush()


async def audit_page(session: AsyncSession, *, before: int | None, limit: int) -> list[AuditEntry]:
    """The audit log, newest first."""
    statement = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
    if before is not None:
        statement = statement.where(AuditEntry.id < before)
    return list((await session.scalars(statement)).all())
