"""Request and response models of moderation."""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, Field

from user_service.reports.schemas import (
    Category,
    Party,
    ReportedCrud,
    ReportedMessage,
    ReportedProfile,
    Status,
    TargetType,
)

Action = Literal["dismiss", "remove", "suspend"]
MAX_NOTE = 1000


class UserRef(BaseModel):
    """A user by uuid and handle."""

    uuid: UUID
    handle: str


class TargetView(BaseModel):
    """What was reported, and whose it is (the crud's author, the message's sender, the user)."""

    type: TargetType
    id: UUID
    user: Party


class Resolution(BaseModel):
    """How a moderator resolved a report."""

    action: Action
    note: str
    moderator: UserRef
    resolved_at: datetime


class ReportView(BaseModel):
    """A report as moderators see it, with the content as it was held (even past its expiry)."""

    id: UUID
    status: Status
    category: Category
    comment: str
    created_at: datetime
    reporter: UserRef
    target: TargetView
    content: ReportedCrud | ReportedMessage | ReportedProfile | None
    context: list[ReportedMessage]
    resolution: Resolution | None


class ReportPage(BaseModel):
    """A page of reports."""

    items: list[ReportView]
    next_cursor: str | None


class ResolveIn(BaseModel):
    """`POST /api/moderation/reports/{id}/resolve`."""

    action: Action
    # maxLength in the docs only: a longer note is 422 `note_too_long`, counted after trimming
    note: str | None = Field(default=None, max_length=10_000, json_schema_extra={"maxLength": MAX_NOTE})


class UnsuspendIn(BaseModel):
    """`POST /api/moderation/users/@{handle}/unsuspend` (the body is optional)."""

    note: str | None = Field(default=None, max_length=10_000, json_schema_extra={"maxLength": MAX_NOTE})


class AuditView(BaseModel):
    """One moderator action: the report (null for an unsuspension), who, what, about whom, why and when."""

    id: int
    report_id: UUID | None
    moderator: UserRef
    action: Literal["dismiss", "remove", "suspend", "unsuspend"]
    user: UserRef | None
    note: str
    created_at: datetime


class AuditPage(BaseModel):
    """A page of the audit log."""

    items: list[AuditView]
    next_cursor: str | None
