"""Request and response models of the notification service, and the ingest contract."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

from pydantic import BaseModel, BeforeValidator, Field, Strict

# The ingest contract is shared with the producers (activity, user): one definition in cruddur_common.
from cruddur_common.contracts import (
    ACTIVITY_KINDS,
    EventRecipient,
    EventTarget,
    IngestEvent,
    Kind,
    Person,
)
from cruddur_common.pagination import PgBigint, UtcTime

__all__ = ["ACTIVITY_KINDS", "EventRecipient", "EventTarget", "IngestEvent", "Kind", "Person"]


class IngestResult(BaseModel):
    """What happened to an event: stored, a duplicate, dropped (expired or retracted) or retracted."""

    status: Literal["stored", "duplicate", "dropped", "retracted"]


class Notification(BaseModel):
    """A notification as the recipient sees it."""

    id: int = Field(description="Per-recipient sequence number; also the SSE event id.")
    uuid: UUID = Field(description="The event id.")
    kind: Kind
    actor: Person
    activity_uuid: UUID | None = None
    activity_handle: str | None = None
    message_group_uuid: UUID | None = None
    preview: str | None = None
    read: bool
    created_at: datetime
    expires_at: datetime | None = None


class NotificationList(BaseModel):
    """A page of notifications, newest first, and how many are unread in total."""

    items: list[Notification]
    unread_count: int
    next_cursor: str | None


def _text(value: object) -> object:
    if not isinstance(value, str):
        raise ValueError("a time is an ISO 8601 string")  # not a number of seconds since 1970
    return value


class MarkRead(BaseModel):
    """Mark as read everything up to a notification (`id` or `uuid`) or a time; all when omitted."""

    # Strict: `true` or `1.5` is not an id, nor a number of seconds since 1970. Bounded: an id past a
    # bigint, or a time past year 9999 once in UTC, would reach Postgres and fail there (a 500).
    up_to: Annotated[PgBigint, Strict()] | UUID | Annotated[UtcTime, BeforeValidator(_text)] | None = Field(
        default=None, description="A notification `id`, its `uuid`, or a `created_at` time."
    )


class ReadResult(BaseModel):
    """How many were marked, and what is still unread."""

    marked: int
    unread_count: int


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


class PurgeResult(BaseModel):
    """How many expired notifications were deleted."""

    deleted: int
