"""Reports and audit entries as moderators see them."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from user_service.models import AuditEntry, Report, User
from user_service.moderation.schemas import AuditView, ReportView, Resolution, TargetView, UserRef
from user_service.reports.schemas import Party, ReportedCrud, ReportedMessage, ReportedProfile

_CONTENT: dict[str, type[ReportedCrud | ReportedMessage | ReportedProfile]] = {
    "crud": ReportedCrud,
    "message": ReportedMessage,
    "user": ReportedProfile,
}


def _owner(content: BaseModel | None) -> Party | None:
    """Whose the snapshot is, as the snapshot names them."""
    if isinstance(content, ReportedCrud):
        return content.author
    if isinstance(content, ReportedMessage):
        return content.sender
    if isinstance(content, ReportedProfile):
        return Party(uuid=content.uuid, handle=content.handle, display_name=content.display_name)
    return None


def _target_user(report: Report, user: User | None, content: BaseModel | None) -> Party:
    if user is not None:
        return Party(uuid=user.uuid, handle=user.handle, display_name=user.display_name)
    named = _owner(content)  # a user the service does not know (any more): the snapshot's copy
    return named or Party(uuid=report.target_user_uuid, handle="", display_name="")


def render_report(
    report: Report, *, reporter: str | None, target: User | None, moderator: str | None
) -> ReportView:
    """A report with its held content, its context and its resolution."""
    raw: Any = report.content
    content = _CONTENT[report.target_type].model_validate(raw) if raw is not None else None
    resolution = None
    if report.resolved_at is not None and report.moderator_uuid is not None:
        resolution = Resolution(
            action=report.action,  # type: ignore[arg-type]
            note=report.note,
            moderator=UserRef(uuid=report.moderator_uuid, handle=moderator or ""),
            resolved_at=report.resolved_at,
        )
    return ReportView(
        id=report.id,
        status=report.status,  # type: ignore[arg-type]
        category=report.category,  # type: ignore[arg-type]
        comment=report.comment,
        created_at=report.created_at,
        reporter=UserRef(uuid=report.reporter_uuid, handle=reporter or ""),  # "": a deleted account
        target=TargetView(
            type=report.target_type,  # type: ignore[arg-type]
            id=report.target_id,
            user=_target_user(report, target, content),
        ),
        content=content,
        context=[ReportedMessage.model_validate(m) for m in report.context or []],
        resolution=resolution,
    )


def render_audit(entry: AuditEntry) -> AuditView:
    """One audit entry."""
    user = None
    if entry.user_uuid is not None:
        user = UserRef(uuid=entry.user_uuid, handle=entry.user_handle or "")
    return AuditView(
        id=entry.id,
        report_id=entry.report_id,
        moderator=UserRef(uuid=entry.moderator_uuid, handle=entry.moderator_handle),
        action=entry.action,  # type: ignore[arg-type]
        user=user,
        note=entry.note,
        created_at=entry.created_at,
    )
