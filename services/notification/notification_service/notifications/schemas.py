"""Request and response models of a person's notifications."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

from pydantic import BaseModel, BeforeValidator, Field, Strict

from cruddur_common.contracts import Kind, Person
from cruddur_common.pagination import PgBigint, UtcTime


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
    others: list[Person] = Field(
        default_factory=list,
        description="Likes and reposts of one crud are one notification: the next actors after `actor`.",
    )
    others_count: int = Field(
        default=0, description='How many more did it: "Bob and 3 others liked your crud".'
    )


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
