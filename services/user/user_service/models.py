"""The user service's tables (schema `users`)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    String,
    Text,
    false,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from cruddur_common import jobs, outbox
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
        # Code-point ceilings of 50 and 160 user-perceived characters (cruddur_common.text.over_limit)
        CheckConstraint("char_length(display_name) BETWEEN 1 AND 400", name="display_name_length"),
        CheckConstraint("char_length(bio) <= 1280", name="bio_length"),
        Index("uq_users_handle_lower", func.lower(text("handle")), unique=True),
        Index("uq_users_email_lower", func.lower(text("email")), unique=True),
    )

    uuid: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), primary_key=True, server_default=text("gen_random_uuid()")
    )
    cognito_user_id: Mapped[str] = mapped_column(String(128), unique=True)
    handle: Mapped[str] = mapped_column(String(30))
    email: Mapped[str] = mapped_column(String(320))
    display_name: Mapped[str] = mapped_column(String(400))
    bio: Mapped[str] = mapped_column(Text, server_default="")
    avatar_key: Mapped[str | None] = mapped_column(Text)
    # A moderator's suspension: Cognito refuses the sign-in, every service hides the user's content.
    suspended: Mapped[bool] = mapped_column(Boolean, server_default=false())
    # The crud preset the composer starts from (cruddur_common.expiry.TTLS); null: the SPA's own default.
    default_ttl: Mapped[str | None] = mapped_column(String(16))
    # The owner asked to delete the account (issue 16): gone for everyone until the erase_account job
    # removes the row. Every lookup other services or people see filters on it.
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class HandleReservation(Base):
    """A handle held until `reserved_until`: a deleted account's (nobody can pass for the leaver), or an
    unconfirmed sign-up's (two sign-ups cannot claim one handle; `email` says whose, the sub is not known
    before Cognito accepts the sign-up)."""

    __tablename__ = "handle_reservations"
    __table_args__ = (
        CheckConstraint("handle = lower(handle)", name="lower"),
        CheckConstraint(
            "(user_uuid IS NOT NULL AND cognito_user_id IS NOT NULL) OR email IS NOT NULL", name="holder"
        ),
        Index("ix_handle_reservations_sub", "cognito_user_id"),
    )

    handle: Mapped[str] = mapped_column(String(30), primary_key=True)  # lower(handle)
    reserved_until: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    user_uuid: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    cognito_user_id: Mapped[str | None] = mapped_column(String(128))
    # lower(email) of a sign-up waiting for its confirmation; null for a deleted account's reservation
    email: Mapped[str | None] = mapped_column(String(320))
    requested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


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


class Job(jobs.JobColumns, Base):
    """Durable work that outlives its request: account deletion, data export (cruddur_common.jobs)."""


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


class Report(Base):
    """A person's report of a crud, message or user; open until a moderator resolves it."""

    __tablename__ = "reports"
    __table_args__ = (
        CheckConstraint("target_type IN ('crud', 'message', 'user')", name="target_type"),
        CheckConstraint("category IN ('spam', 'harassment', 'illegal', 'other')", name="category"),
        CheckConstraint("status IN ('open', 'resolved')", name="status"),
        CheckConstraint("char_length(comment) <= 8000", name="comment_length"),  # 1000 characters
        CheckConstraint("action IS NULL OR action IN ('dismiss', 'remove', 'suspend')", name="action"),
        CheckConstraint("char_length(note) <= 1000", name="note_length"),
        CheckConstraint("(status = 'open') = (resolved_at IS NULL)", name="resolved_when_closed"),
        # One open report per reporter and target: the second POST finds the first (ON CONFLICT).
        Index(
            "uq_reports_open_target",
            "reporter_uuid",
            "target_type",
            "target_id",
            unique=True,
            postgresql_where=text("status = 'open'"),
        ),
        Index("ix_reports_open_queue", "created_at", "id", postgresql_where=text("status = 'open'")),
        Index("ix_reports_resolved", "resolved_at", "id", postgresql_where=text("status = 'resolved'")),
    )

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    # No foreign key: a report outlives its reporter's account (kept for moderators, uuid only).
    reporter_uuid: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    target_type: Mapped[str] = mapped_column(String(16))
    target_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    # The crud's author, the message's sender or the reported user: whom `suspend` suspends.
    target_user_uuid: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    category: Mapped[str] = mapped_column(String(16))
    comment: Mapped[str] = mapped_column(Text, server_default="")
    # What the reporter saw, as its owner service answered when the hold was placed (or the profile).
    content: Mapped[Any] = mapped_column(JSONB)
    context: Mapped[Any] = mapped_column(JSONB, server_default=text("'[]'::jsonb"))
    status: Mapped[str] = mapped_column(String(16), server_default="open")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    hold_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    action: Mapped[str | None] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(Text, server_default="")
    moderator_uuid: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class AuditEntry(Base):
    """One moderator action (a report resolved, an unsuspension), written in the action's transaction."""

    __tablename__ = "moderation_audit"
    __table_args__ = (
        CheckConstraint("action IN ('dismiss', 'remove', 'suspend', 'unsuspend')", name="action"),
        CheckConstraint("char_length(note) <= 1000", name="note_length"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    report_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("reports.id", ondelete="SET NULL"))
    moderator_uuid: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    moderator_handle: Mapped[str] = mapped_column(String(30))
    action: Mapped[str] = mapped_column(String(16))
    # The user the action was about (the report's target user; the unsuspended user).
    user_uuid: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    user_handle: Mapped[str | None] = mapped_column(String(30))
    note: Mapped[str] = mapped_column(Text, server_default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
