"""Payloads of the live stream's server-sent events."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import BaseModel


class LiveMessage(BaseModel):
    """A direct message in the `message` SSE event."""

    uuid: UUID
    handle: str
    display_name: str
    avatar_url: str | None
    message: str
    created_at: datetime


class MessageEvent(BaseModel):
    """Payload of the `message` SSE event: a new direct message for the signed-in person."""

    message_group_uuid: UUID
    message: LiveMessage
