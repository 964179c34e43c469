"""Models of the internal moderation routes (issue 14 contract §3: the `Message` a report carries)."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import BaseModel, Field

from cruddur_common.pagination import UtcTime


class MessageSender(BaseModel):
    """Who sent a reported message, as they were when they sent it."""

    uuid: UUID
    handle: str
    display_name: str


class ReportedMessage(BaseModel):
    """A message as a moderator sees it: the contract's `Message`."""

    uuid: UUID
    message_group_uuid: UUID
    sender: MessageSender
    message: str
    created_at: datetime


class HoldIn(BaseModel):
    """Keep a message as evidence of a report (by a member of its conversation) until `until`."""

    reporter: UUID = Field(description="The reporting user; must be a member of the conversation.")
    until: UtcTime = Field(description="When the hold lapses unless released before.")


class HeldMessage(BaseModel):
    """The held message and up to 10 messages before it in its conversation, oldest first."""

    message: ReportedMessage
    context: list[ReportedMessage]
