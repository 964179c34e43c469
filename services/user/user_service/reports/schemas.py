"""Request and response models of reports, and the evidence shapes the owner services answer with."""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, Field

TargetType = Literal["crud", "message", "user"]
Category = Literal["spam", "harassment", "illegal", "other"]
Status = Literal["open", "resolved"]
MAX_COMMENT = 1000


class ReportTarget(BaseModel):
    """What is reported: a crud (or reply), a direct message, or a user, by uuid."""

    type: TargetType
    id: UUID


class ReportIn(BaseModel):
    """`POST /api/reports`."""

    target: ReportTarget
    category: Category
    # maxLength in the docs only: a longer comment is 422 `comment_too_long`, counted after trimming
    comment: str | None = Field(default=None, max_length=10_000, json_schema_extra={"maxLength": MAX_COMMENT})


class ReportCreated(BaseModel):
    """The report as its reporter sees it."""

    id: UUID
    status: Status
    created_at: datetime


class Party(BaseModel):
    """A crud's author or a message's sender, as the owner service names them."""

    uuid: UUID
    handle: str
    display_name: str


class ReportedCrud(BaseModel):
    """A crud or reply as the activity service holds it (`GET|PUT /internal/cruds/...`)."""

    uuid: UUID
    author: Party
    message: str
    created_at: datetime
    expires_at: datetime
    reply_to_activity_uuid: UUID | None = None
    expired: bool
    held: bool


class ReportedMessage(BaseModel):
    """A direct message as the messaging service holds it."""

    uuid: UUID
    message_group_uuid: UUID
    sender: Party
    message: str
    created_at: datetime


class HeldMessage(BaseModel):
    """The messaging service's answer to a hold: the message and up to 10 before it, oldest first."""

    message: ReportedMessage
    context: list[ReportedMessage] = Field(default_factory=list, max_length=10)


class ReportedProfile(BaseModel):
    """A reported user's profile as it was when reported."""

    uuid: UUID
    handle: str
    display_name: str
    bio: str
    avatar_url: str
