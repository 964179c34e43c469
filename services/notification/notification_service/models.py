"""The notification service's tables (schema `notifications`)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, DateTime, Identity, Index, String, Text, func, text
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from cruddur_common.db import service_metadata

SCHEMA = "notifications"
KINDS = ("reply", "mention", "like", "repost", "follow", "message")


class Base(DeclarativeBase):
    """Declarative base bound to the `notifications` schema."""

    metadata = service_metadata(SCHEMA)


class Notification(Base):
    """One notification for one recipient; `seq` counts per recipient (the SSE event id)."""

    __tablename__ = "notifications"
    # "Between these two people" when a block deletes what they sent each other (relations/service.py);
    # "by this person" when an erasure deletes what they sent (the recipient's side has the first index).
    __table_args__ = (
        Index("ix_notifications_recipient_uuid_actor_uuid", "recipient_uuid", "actor_uuid"),
        Index("ix_notifications_actor_uuid", "actor_uuid"),
        Index(
            "ix_notifications_group",
            "recipient_sub",
            "kind",
            "activity_uuid",
            "seq",
            postgresql_where=text("kind IN ('like', 'repost')"),
        ),
    )

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    event_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), unique=True)
    recipient_sub: Mapped[str] = mapped_column(String(128))
    recipient_uuid: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    seq: Mapped[int] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(16))
    actor_uuid: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    actor_handle: Mapped[str] = mapped_column(String(64))
    actor_display_name: Mapped[str] = mapped_column(String(400))  # 50 characters (migration 0006)
    actor_avatar_url: Mapped[str | None] = mapped_column(Text)
    activity_uuid: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    activity_handle: Mapped[str | None] = mapped_column(String(64))
    message_group_uuid: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    preview: Mapped[str | None] = mapped_column(String(140))
    body: Mapped[str | None] = mapped_column(Text)
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    read_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    inserted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class Recipient(Base):
    """Per-recipient counter: the last `seq` handed out (its row lock orders a recipient's inserts)."""

    __tablename__ = "recipients"

    sub: Mapped[str] = mapped_column(String(128), primary_key=True)
    last_seq: Mapped[int] = mapped_column(BigInteger)


class RetractedActivity(Base):
    """A deleted crud: late events about it are dropped instead of resurrecting its notifications."""

    __tablename__ = "retracted_activities"

    activity_uuid: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    retracted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


# A projection of the user service's relations (its outbox's `relations` destination, contract §1 of
# issue 14): what ingest needs to drop events between people who blocked or muted each other.


class Block(Base):
    """`blocker` blocked `blocked`: nothing is delivered between the two, either way."""

    __tablename__ = "blocks"
    __table_args__ = (CheckConstraint("blocker <> blocked", name="not_self"),)

    blocker: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    blocked: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)


class Mute(Base):
    """`muter` muted `muted` until `until` (NULL: until unmuted); a lapsed row is as good as absent."""

    __tablename__ = "mutes"
    __table_args__ = (CheckConstraint("muter <> muted", name="not_self"),)

    muter: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    muted: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class SuspendedUser(Base):
    """A suspended account: its events are dropped and its notifications hidden until unsuspended."""

    __tablename__ = "suspended_users"

    user_uuid: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)


class ErasedUser(Base):
    """A deleted account (issue 16): its notifications are gone and later events for or by it dropped.

    Kept for good, so that an older event delivered after the erasure cannot bring the person back; the
    `sub` refuses their live stream while their last access token is still valid.
    """

    __tablename__ = "erased_users"
    __table_args__ = (Index("ix_erased_users_sub", "sub"),)

    user_uuid: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    sub: Mapped[str] = mapped_column(String(128))
    erased_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
