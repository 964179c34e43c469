"""The user service's tables (schema `users`)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import (
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    String,
    Text,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from cruddur_common import outbox
from cruddur_common.db import service_metadata

SCHEMA = "users"


class Base(DeclarativeBase):
    """Declarative base bound to the `users` schema."""

    metadata = service_metadata(SCHEMA)


class User(Base):
    """A person on Cruddur, created when their Cognito sign-up is confirmed."""

    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("handle ~ '^[A-Za-z0-9_]{3,30}$'", name="handle_format"),
        CheckConstraint("char_length(display_name) BETWEEN 1 AND 50", name="display_name_length"),
        CheckConstraint("char_length(bio) <= 160", name="bio_length"),
        Index("uq_users_handle_lower", func.lower(text("handle")), unique=True),
        Index("uq_users_email_lower", func.lower(text("email")), unique=True),
    )

    uuid: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), primary_key=True, server_default=text("gen_random_uuid()")
    )
    cognito_user_id: Mapped[str] = mapped_column(String(128), unique=True)
    handle: Mapped[str] = mapped_column(String(30))
    email: Mapped[str] = mapped_column(String(320))
    display_name: Mapped[str] = mapped_column(String(50))
    bio: Mapped[str] = mapped_column(Text, server_default="")
    avatar_key: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class Follow(Base):
    """`follower_uuid` follows `followee_uuid` (the source of truth of the follow graph)."""

    __tablename__ = "follows"
    __table_args__ = (
        CheckConstraint("follower_uuid <> followee_uuid", name="not_self"),
        Index("ix_follows_followee_created", "followee_uuid", "created_at", "follower_uuid"),
        Index("ix_follows_follower_created", "follower_uuid", "created_at", "followee_uuid"),
    )

    follower_uuid: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.uuid", ondelete="CASCADE"), primary_key=True
    )
    followee_uuid: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.uuid", ondelete="CASCADE"), primary_key=True
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class OutboxEvent(outbox.OutboxColumns, Base):
    """An event for another service, queued in the action's transaction (cruddur_common.outbox)."""


class OutboxParked(outbox.OutboxParkedColumns, Base):
    """An outbox event its consumer refused for good, kept with the error (cruddur_common.outbox)."""


class Block(Base):
    """`blocker_uuid` blocks `blocked_uuid`: hidden from each other both ways, in every service."""

    __tablename__ = "blocks"
    __table_args__ = (
        CheckConstraint("blocker_uuid <> blocked_uuid", name="not_self"),
        Index("ix_blocks_blocker_created", "blocker_uuid", "created_at", "blocked_uuid"),
        Index("ix_blocks_blocked", "blocked_uuid", "blocker_uuid"),
    )

    blocker_uuid: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.uuid", ondelete="CASCADE"), primary_key=True
    )
    blocked_uuid: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.uuid", ondelete="CASCADE"), primary_key=True
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class Mute(Base):
    """`muter_uuid` mutes `muted_uuid` until `until` (null: until unmuted); a lapsed mute is absent."""

    __tablename__ = "mutes"
    __table_args__ = (
        CheckConstraint("muter_uuid <> muted_uuid", name="not_self"),
        Index("ix_mutes_muter_created", "muter_uuid", "created_at", "muted_uuid"),
    )

    muter_uuid: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.uuid", ondelete="CASCADE"), primary_key=True
    )
    muted_uuid: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.uuid", ondelete="CASCADE"), primary_key=True
    )
    until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
