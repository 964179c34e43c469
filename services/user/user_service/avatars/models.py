"""The avatar uploads table (schema `users`): one row per upload grant and what became of it."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Index, Text, func
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import Mapped, mapped_column

from user_service.models import Base

STATUSES = ("granted", "processing", "ready", "failed")


class AvatarUpload(Base):
    """An upload grant: the key the caller may upload to, and the processor's verdict on it."""

    __tablename__ = "avatar_uploads"
    __table_args__ = (
        CheckConstraint(f"status IN {STATUSES}", name="status_known"),
        Index("ix_avatar_uploads_user_created", "user_uuid", "created_at"),
    )

    key: Mapped[str] = mapped_column(Text, primary_key=True)
    user_uuid: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("users.users.uuid", ondelete="CASCADE")
    )
    content_type: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(Text, server_default="granted")
    reason: Mapped[str | None] = mapped_column(Text)
    message: Mapped[str | None] = mapped_column(Text)
    avatar_key: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
