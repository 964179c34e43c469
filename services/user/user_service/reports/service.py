"""Use cases of reports; each owns its transaction.

The evidence is held first (the owner service keeps the crud or message past its expiry and answers its
snapshot), then the report is written with that snapshot in one transaction. A hold placed for a report
that is then not written (a lost race, a failed commit) is released on that path; should the release
fail too, the hold's own bound (`until`, 90 days) ends it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from cruddur_common.text import clean_text, over_limit
from user_service.avatars.urls import avatar_url
from user_service.errors import UserNotFound
from user_service.models import Report, User
from user_service.relations import repository as relations
from user_service.reports import clients, repository
from user_service.reports.errors import CannotReportSelf, CommentTooLong
from user_service.reports.schemas import MAX_COMMENT, ReportedCrud, ReportedProfile, ReportIn, ReportTarget
from user_service.settings import Settings

HOLD = timedelta(days=90)  # the longest a report keeps content past its expiry


@dataclass
class Evidence:
    """What a report keeps of its target: the snapshot, its context and whose content it is."""

    user: uuid.UUID
    content: dict[str, Any]
    context: list[dict[str, Any]] = field(default_factory=list)
    held: bool = False


def _comment(raw: str | None) -> str:
    comment = clean_text(raw or "", field="comment")
    if over_limit(comment, MAX_COMMENT):
        raise CommentTooLong(f"At most {MAX_COMMENT} characters.", details={"max": MAX_COMMENT})
    return comment


async def _profile_evidence(
    session: AsyncSession, *, reporter: User, target: uuid.UUID, settings: Settings
) -> Evidence:
    user = await repository.user_by_uuid(session, target)
    # Someone who blocked the reporter is not there for them (as their pages are not); the reporter's
    # own block does not stop a report: people block first and report after.
    if user is None or user.deleted_at is not None:
        raise UserNotFound("No such user.")
    if (await relations.relation(session, reader=reporter.uuid, other=user.uuid)).blocked_by:
        raise UserNotFound("No such user.")
    if user.uuid == reporter.uuid:
        raise CannotReportSelf("You cannot report yourself.")
    profile = ReportedProfile(
        uuid=user.uuid,
        handle=user.handle,
        display_name=user.display_name,
        bio=user.bio or "",
        avatar_url=avatar_url(user, assets_base_url=settings.assets_base_url),
    )
    return Evidence(user=user.uuid, content=profile.model_dump(mode="json"))


async def _evidence(
    session: AsyncSession,
    http: httpx.AsyncClient,
    *,
    reporter: User,
    target: ReportTarget,
    report: uuid.UUID,
    until: datetime,
    settings: Settings,
) -> Evidence:
    """The target's snapshot; for cruds and messages its owner holds it for this report first."""
    if target.type == "user":
        return await _profile_evidence(session, reporter=reporter, target=target.id, settings=settings)
    held = await clients.hold(
        http,
        settings=settings,
        target_type=target.type,
        target=target.id,
        report=report,
        reporter=reporter.uuid,
        until=until,
    )
    if isinstance(held, ReportedCrud):
        return Evidence(user=held.author.uuid, content=held.model_dump(mode="json"), held=True)
    return Evidence(
        user=held.message.sender.uuid,
        content=held.message.model_dump(mode="json"),
        context=[m.model_dump(mode="json") for m in held.context],
        held=True,
    )


async def _write(
    session: AsyncSession,
    *,
    report: uuid.UUID,
    reporter: User,
    body: ReportIn,
    comment: str,
    evidence: Evidence,
    created_at: datetime,
) -> tuple[Report, bool]:
    """Insert and commit the open report; (the reporter's open one, False) when a concurrent one won."""
    target = body.target
    created = await repository.insert_open(
        session,
        report=report,
        reporter=reporter.uuid,
        target_type=target.type,
        target_id=target.id,
        target_user=evidence.user,
        category=body.category,
        comment=comment,
        content=evidence.content,
        context=evidence.context,
        created_at=created_at,
        hold_until=created_at + HOLD if evidence.held else None,
    )
    found = created or await repository.find_open(
        session, reporter=reporter.uuid, target_type=target.type, target_id=target.id
    )
    assert found is not None, "the conflicting open report is visible once its insert is done"
    await session.commit()
    return found, created is not None


async def report(
    session: AsyncSession, http: httpx.AsyncClient, *, reporter: User, body: ReportIn, settings: Settings
) -> tuple[Report, bool]:
    """Report a target; (the report, True) when new, (the reporter's open one, False) otherwise."""
    comment = _comment(body.comment)
    target = body.target
    found = await repository.find_open(
        session, reporter=reporter.uuid, target_type=target.type, target_id=target.id
    )
    if found is not None:
        return found, False
    report_id, created_at = uuid.uuid4(), datetime.now(UTC)
    evidence = await _evidence(
        session,
        http,
        reporter=reporter,
        target=target,
        report=report_id,
        until=created_at + HOLD,
        settings=settings,
    )
    written: tuple[Report, bool] | None = None
    try:
        written = await _write(
            session,
            report=report_id,
            reporter=reporter,
            body=body,
            comment=comment,
            evidence=evidence,
            created_at=created_at,
        )
        return written
    finally:
        if written is None or not written[1]:  # not written, or a concurrent report won: our hold goes
            await clients.release_quietly(http, settings=settings, target_type=target.type, report=report_id)
