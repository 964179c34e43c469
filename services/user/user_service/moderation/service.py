"""Use cases of moderation; each owns its transaction and writes its audit entry in it.

Resolving a report locks it, does what the action needs elsewhere first (the removal at the owner
service, the Cognito switch, the hold's release: each idempotent), then writes the decision, the
suspension and the audit entry in one commit. A failure on the way is a 503 with nothing written here,
and the moderator's retry finishes the job.
"""

from __future__ import annotations

import uuid
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from cruddur_common.pagination import (
    CursorPosition,
    InvalidCursor,
    PgBigint,
    UtcTime,
    decode_cursor,
    encode_cursor,
    keyset_page,
)
from cruddur_common.text import clean_text, over_limit
from user_service.errors import UserNotFound
from user_service.models import User
from user_service.moderation import clients, repository
from user_service.moderation.errors import (
    AlreadyResolved,
    CannotSuspendSelf,
    NoteTooLong,
    NothingToRemove,
    ReportNotFound,
)
from user_service.moderation.render import render_audit, render_report
from user_service.moderation.schemas import MAX_NOTE, Action, AuditPage, ReportPage, ReportView
from user_service.outbox import events
from user_service.profiles import service as profiles_service
from user_service.reports import clients as reports_clients
from user_service.reports.schemas import Status
from user_service.settings import Settings


class QueuePosition(CursorPosition):
    """Where a page of reports stopped: the list, the time it is ordered by and the report."""

    s: Status
    t: UtcTime
    i: uuid.UUID


class AuditPosition(CursorPosition):
    """Where a page of the audit log stopped."""

    a: PgBigint


def _note(raw: str | None) -> str:
    note = clean_text(raw or "", field="note")
    if over_limit(note, MAX_NOTE):
        raise NoteTooLong(f"At most {MAX_NOTE} characters.", details={"max": MAX_NOTE})
    return note


async def reports(
    session: AsyncSession, *, status: Status, cursor: str | None, limit: int, settings: Settings
) -> ReportPage:
    """Open reports oldest first (the queue) or resolved ones newest first, with their content."""
    after = None
    if cursor is not None:
        position = decode_cursor(cursor, secret=settings.cursor_secret, shape=QueuePosition)
        if position.s != status:
            raise InvalidCursor("The cursor belongs to the other list.")
        after = (position.t, position.i)
    rows = await repository.page(session, status=status, after=after, limit=limit + 1)

    def cursor_after(row: repository.ReportRow) -> str:
        report = row._tuple()[0]
        at = report.created_at if status == "open" else report.resolved_at
        assert at is not None
        return encode_cursor(
            {"s": status, "t": at.isoformat(), "i": str(report.id)}, secret=settings.cursor_secret
        )

    found = keyset_page(rows, limit=limit, cursor_after=cursor_after)
    items = [
        render_report(r, reporter=h, target=t, moderator=m)
        for r, h, t, m in (row._tuple() for row in found.items)
    ]
    return ReportPage(items=items, next_cursor=found.next_cursor)


async def report_view(session: AsyncSession, report: uuid.UUID) -> ReportView:
    """One report as moderators see it; 404 `report_not_found`."""
    row = await repository.view(session, report)
    if row is None:
        raise ReportNotFound("No such report.")
    found, reporter, target, moderator = row._tuple()
    return render_report(found, reporter=reporter, target=target, moderator=moderator)


async def _suspend(
    session: AsyncSession, user: User | None, *, moderator: User, cognito: Any, settings: Settings
) -> bool:
    """Disable the account in Cognito and mark it suspended; True when it was not suspended before."""
    if user is None or user.deleted_at is not None:  # deleted: nothing left to suspend
        raise UserNotFound("The reported user no longer exists.")
    if user.uuid == moderator.uuid:
        raise CannotSuspendSelf("You cannot suspend your own account.")
    await clients.disable_account(
        cognito, pool_id=settings.cognito_user_pool_id, username=user.cognito_user_id
    )
    changed = await repository.set_suspended(session, user.uuid, suspended=True)
    if changed is not None:
        await events.publish_suspension(session, changed, assets_base_url=settings.assets_base_url)
    return changed is not None


async def resolve(
    session: AsyncSession,
    http: httpx.AsyncClient,
    *,
    report_id: uuid.UUID,
    action: Action,
    note: str | None,
    moderator: User,
    cognito: Any,
    settings: Settings,
    notify: events.Notify,
) -> ReportView:
    """Dismiss, remove the content, or suspend its owner; 409 `already_resolved` the second time."""
    text = _note(note)
    report = await repository.lock(session, report_id)
    if report is None:
        raise ReportNotFound("No such report.")
    if report.status != "open":
        raise AlreadyResolved("This report is resolved already.")
    target_user = await repository.user_by_uuid(session, report.target_user_uuid)
    queued = False
    if action == "remove":
        if report.target_type == "user":
            raise NothingToRemove("A user report is dismissed or leads to a suspension; nothing to remove.")
        await clients.remove(http, settings=settings, target_type=report.target_type, target=report.target_id)
    elif action == "suspend":
        queued = await _suspend(session, target_user, moderator=moderator, cognito=cognito, settings=settings)
    await reports_clients.release_hold(
        http, settings=settings, target_type=report.target_type, report=report.id
    )
    await repository.resolve(session, report, action=action, note=text, moderator=moderator.uuid)
    await repository.add_audit(
        session, report=report.id, moderator=moderator, action=action, user=target_user, note=text
    )
    await session.commit()
    if queued:
        notify()
    return await report_view(session, report.id)


async def unsuspend(
    session: AsyncSession,
    *,
    handle: str,
    note: str | None,
    moderator: User,
    cognito: Any,
    settings: Settings,
    notify: events.Notify,
) -> None:
    """Let a suspended user back in (Cognito enables the account; their content shows again)."""
    text = _note(note)
    user = await profiles_service.by_handle(session, handle)
    await clients.enable_account(
        cognito, pool_id=settings.cognito_user_pool_id, username=user.cognito_user_id
    )
    changed = await repository.set_suspended(session, user.uuid, suspended=False)
    if changed is None:  # not suspended: nothing happened, nothing to audit
        await session.commit()
        return
    await events.publish_suspension(session, changed, assets_base_url=settings.assets_base_url)
    await repository.add_audit(
        session, report=None, moderator=moderator, action="unsuspend", user=changed, note=text
    )
    await session.commit()
    notify()


async def audit(session: AsyncSession, *, cursor: str | None, limit: int, settings: Settings) -> AuditPage:
    """The audit log, newest first."""
    before = None
    if cursor is not None:
        before = decode_cursor(cursor, secret=settings.cursor_secret, shape=AuditPosition).a
    entries = await repository.audit_page(session, before=before, limit=limit + 1)
    found = keyset_page(
        entries, limit=limit, cursor_after=lambda e: encode_cursor({"a": e.id}, secret=settings.cursor_secret)
    )
    return AuditPage(items=[render_audit(e) for e in found.items], next_cursor=found.next_cursor)
