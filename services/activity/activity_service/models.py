"""The activity service's tables (schema `activity`); the DDL itself lives in the Alembic migrations."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID as PyUUID

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB, TSVECTOR, UUID
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from cruddur_common import outbox
from cruddur_common.db import service_metadata

SCHEMA = "activity"


def _key_part(target: str) -> Mapped[PyUUID]:
    """A primary-key column that references another row and goes with it (ON DELETE CASCADE)."""
    return mapped_column(ForeignKey(target, ondelete="CASCADE"), primary_key=True)


class Base(DeclarativeBase):
    """Declarative base bound to the `activity` schema."""

    metadata = service_metadata(SCHEMA)


class Author(Base):
    """Projection of a user (owned by the user service), kept current by its outbox and lazy fill."""

    __tablename__ = "authors"

    uuid: Mapped[PyUUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    cognito_user_id: Mapped[str] = mapped_column(String(128), unique=True)
    handle: Mapped[str] = mapped_column(String(30))
    display_name: Mapped[str] = mapped_column(String(400))  # 50 characters (migration 0011)
    bio: Mapped[str] = mapped_column(Text, server_default="")
    avatar_url: Mapped[str] = mapped_column(Text, server_default="")
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    suspended: Mapped[bool] = mapped_column(Boolean, server_default="false")
    # Set by an `erasure` event: the row is a tombstone that no later event about the user changes.
    erased_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Follow(Base):
    """Projection of the follow graph (owned by the user service) for the home feed and profile counts."""

    __tablename__ = "follows"
    __table_args__ = (CheckConstraint("follower_uuid <> followee_uuid", name="not_self"),)

    follower_uuid: Mapped[PyUUID] = _key_part("authors.uuid")
    followee_uuid: Mapped[PyUUID] = _key_part("authors.uuid")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class Activity(Base):
    """A crud or a reply (reply_to_activity_uuid set); replies share their parent's expires_at."""

    __tablename__ = "activities"

    uuid: Mapped[PyUUID] = mapped_column(
        UUID(as_uuid=True), primary_key=True, server_default=text("gen_random_uuid()")
    )
    user_uuid: Mapped[PyUUID] = mapped_column(ForeignKey("authors.uuid", ondelete="CASCADE"))
    message: Mapped[str] = mapped_column(Text)
    reply_to_activity_uuid: Mapped[PyUUID | None] = mapped_column(
        ForeignKey("activities.uuid", ondelete="CASCADE")
    )
    replies_count: Mapped[int] = mapped_column(Integer, server_default="0")
    reposts_count: Mapped[int] = mapped_column(Integer, server_default="0")
    likes_count: Mapped[int] = mapped_column(Integer, server_default="0")
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    search: Mapped[Any] = mapped_column(TSVECTOR)
    # The attached pictures as feeds render them (media/render.py), NULL when none: no 2nd table per page.
    media: Mapped[Any] = mapped_column(JSONB, nullable=True)


class Like(Base):
    """One user's like of one crud (the primary key makes likes idempotent and counts exact)."""

    __tablename__ = "likes"

    activity_uuid: Mapped[PyUUID] = _key_part("activities.uuid")
    user_uuid: Mapped[PyUUID] = _key_part("authors.uuid")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class Repost(Base):
    """One user's repost of one crud; carries the crud's expiry so feeds filter without a join."""

    __tablename__ = "reposts"

    activity_uuid: Mapped[PyUUID] = _key_part("activities.uuid")
    user_uuid: Mapped[PyUUID] = _key_part("authors.uuid")
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class TimelineEntry(Base):
    """One home feed entry of one reader, fanned out on write; `reposter_uuid` is the zero uuid for a crud."""

    __tablename__ = "timeline"
    # the cascade, un-repost, and the home feed's fold probe (migration 0008)
    __table_args__ = (Index("ix_timeline_activity_owner", "activity_uuid", "owner_uuid"),)

    owner_uuid: Mapped[PyUUID] = _key_part("authors.uuid")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), primary_key=True)
    activity_uuid: Mapped[PyUUID] = mapped_column(
        ForeignKey("activities.uuid", ondelete="CASCADE"), primary_key=True
    )
    reposter_uuid: Mapped[PyUUID] = mapped_column(
        UUID(as_uuid=True), primary_key=True, server_default="00000000-0000-0000-0000-000000000000"
    )
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Hashtag(Base):
    """A hashtag used by a crud (lower case, without `#`), for trending."""

    __tablename__ = "hashtags"

    activity_uuid: Mapped[PyUUID] = _key_part("activities.uuid")
    tag: Mapped[str] = mapped_column(String(100), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Hidden(Base):
    """Projection of blocks and mutes (owned by the user service): whose content a viewer does not see.

    A block is two rows, `block` (the blocker's) and `blocked` (the blocked user's); a mute is one row,
    live while `until` is null or in the future.
    """

    __tablename__ = "hidden"
    __table_args__ = (
        CheckConstraint("kind IN ('block', 'blocked', 'mute')", name="kind"),
        CheckConstraint("kind = 'mute' OR until IS NULL", name="until"),
        CheckConstraint("viewer_uuid <> author_uuid", name="not_self"),
    )

    viewer_uuid: Mapped[PyUUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    author_uuid: Mapped[PyUUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    kind: Mapped[str] = mapped_column(String(8), primary_key=True)
    until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Hold(Base):
    """An evidence hold of an open report: the crud outlives its expiry until `until` (or the release)."""

    __tablename__ = "holds"

    report_id: Mapped[PyUUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    activity_uuid: Mapped[PyUUID] = mapped_column(
        ForeignKey("activities.uuid", ondelete="CASCADE"), index=True
    )
    reporter_uuid: Mapped[PyUUID] = mapped_column(UUID(as_uuid=True))
    until: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class Media(Base):
    """A picture: an upload grant, processed, then attached to one crud (docs/activity.md, "Pictures")."""

    __tablename__ = "media"
    __table_args__ = (
        CheckConstraint("status IN ('granted', 'processing', 'ready', 'failed')", name="status"),
        CheckConstraint(
            "activity_uuid IS NULL OR (status = 'ready' AND position IS NOT NULL)", name="attached"
        ),
    )

    id: Mapped[PyUUID] = mapped_column(
        UUID(as_uuid=True), primary_key=True, server_default=text("gen_random_uuid()")
    )
    user_uuid: Mapped[PyUUID] = mapped_column(ForeignKey("authors.uuid", ondelete="CASCADE"), index=True)
    upload_key: Mapped[str] = mapped_column(Text, unique=True)
    token: Mapped[str] = mapped_column(Text)
    content_type: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(10), server_default="granted")
    reason: Mapped[str | None] = mapped_column(String(64))
    message: Mapped[str | None] = mapped_column(Text)
    width: Mapped[int | None] = mapped_column(Integer)
    height: Mapped[int | None] = mapped_column(Integer)
    thumbnail_width: Mapped[int | None] = mapped_column(Integer)
    thumbnail_height: Mapped[int | None] = mapped_column(Integer)
    activity_uuid: Mapped[PyUUID | None] = mapped_column(ForeignKey("activities.uuid", ondelete="CASCADE"))
    position: Mapped[int | None] = mapped_column(SmallInteger)
    alt: Mapped[str | None] = mapped_column(Text)
    granted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    grant_expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class MediaDeletion(Base):
    """A picture folder (`media/<user>/<token>`) whose objects the purge still has to delete from S3."""

    __tablename__ = "media_deletions"

    prefix: Mapped[str] = mapped_column(Text, primary_key=True)
    queued_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class OutboxEvent(outbox.OutboxColumns, Base):
    """An event for another service, queued in the action's transaction (cruddur_common.outbox)."""


class OutboxParked(outbox.OutboxParkedColumns, Base):
    """An outbox event its consumer refused for good, kept with the error (cruddur_common.outbox)."""
