"""Request and response models of the notification service, and the ingest contract."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

from pydantic import AwareDatetime, BaseModel, BeforeValidator, Field, Strict, model_validator

from cruddur_common.pagination import PgBigint, UtcTime

Kind = Literal["reply", "mention", "like", "repost", "follow", "message"]
ACTIVITY_KINDS = ("reply", "mention", "like", "repost")


class EventRecipient(BaseModel):
    """Who gets the notification."""

    uuid: UUID
    sub: str = Field(min_length=1, max_length=128, description="Cognito sub")


class Person(BaseModel):
    """Who did it, as the producing service saw them."""

    uuid: UUID
    handle: str = Field(min_length=1, max_length=64)
    display_name: str = Field(min_length=1, max_length=128)
    avatar_url: str | None = Field(default=None, max_length=2048)


class EventTarget(BaseModel):
    """What it is about: a crud (`activity_*`) or a conversation (`message_group_uuid`)."""

    activity_uuid: UUID | None = None
    activity_handle: str | None = Field(default=None, max_length=64, description="The crud author's handle")
    message_group_uuid: UUID | None = None
    preview: str | None = Field(default=None, max_length=140)
    message: str | None = Field(
        default=None, max_length=1024, description="Kind `message` only: the full text for the live stream."
    )


class IngestEvent(BaseModel):
    """An event from another service (delivered at least once; `event_id` is the idempotency key)."""

    event_id: UUID
    kind: Kind | Literal["retract"]
    recipient: EventRecipient | None = None
    actor: Person | None = None
    target: EventTarget = Field(default_factory=EventTarget)
    expires_at: AwareDatetime | None = Field(default=None, description="The target crud's expiry")
    created_at: AwareDatetime

    @model_validator(mode="after")
    def _complete(self) -> IngestEvent:
        if self.kind == "retract":
            if self.target.activity_uuid is None:
                raise ValueError("a retract event needs target.activity_uuid")
            return self
        if self.recipient is None or self.actor is None:
            raise ValueError(f"a {self.kind} event needs a recipient and an actor")
        if self.kind in ACTIVITY_KINDS and self.target.activity_uuid is None:
            raise ValueError(f"a {self.kind} event needs target.activity_uuid")
        if self.kind == "message" and self.target.message_group_uuid is None:
            raise ValueError("a message event needs target.message_group_uuid")
        return self


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
