"""Payloads of the live stream's server-sent events."""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from uuid import UUID

from pydantic import BaseModel

MessageKind = Literal["message", "timer"]


class LiveMessage(BaseModel):
    """A direct message in the `message` SSE event."""

    uuid: UUID
    handle: str
    display_name: str
    avatar_url: str | None
    message: str
    created_at: datetime
    expires_at: datetime | None = None  # a disappearing message's end
    kind: MessageKind = "message"  # timer: the conversation's timer changed (never stored)
    message_ttl: str | None = None  # timer lines: the timer set (null: off)


class MessageEvent(BaseModel):
    """Payload of the `message` SSE event: a new direct message for the signed-in person."""

    message_group_uuid: UUID
    message: LiveMessage


class UnreadEvent(BaseModel):
    """Payload of the `unread` SSE event: the unread count now (every tab of the person shows it)."""

    unread_count: int


class HomeEntryEvent(BaseModel):
    """Payload of the `home` SSE event (issue 18): a crud entered the person's home timeline (never stored).

    `reposter_uuid` is set when it came as a repost by someone they follow; the SPA counts crud uuids
    not already on screen ("N new cruds")."""

    activity_uuid: UUID
    author_uuid: UUID
    reposter_uuid: UUID | None = None
    created_at: datetime
