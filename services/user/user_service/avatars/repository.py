"""The only code that touches the avatar uploads table; it never commits."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from user_service.avatars.models import AvatarUpload
from user_service.models import User


async def add_grant(
    session: AsyncSession, *, key: str, user_uuid: uuid.UUID, content_type: str, expires_at: datetime
) -> AvatarUpload:
    """Record a new upload grant."""
    upload = AvatarUpload(key=key, user_uuid=user_uuid, content_type=content_type, expires_at=expires_at)
    session.add(upload)
    await session.flush()
    return upload


async def get(session: AsyncSession, key: str, *, for_update: bool = False) -> AvatarUpload | None:
    """The upload with this key."""
    statement = select(AvatarUpload).where(AvatarUpload.key == key)
    if for_update:
        statement = statement.with_for_update()
    return await session.scalar(statement)


async def latest(session: AsyncSession, user_uuid: uuid.UUID, *, now: datetime) -> AvatarUpload | None:
    """The user's newest upload that was uploaded or may still be (unused expired grants don't count)."""
    statement = (
        select(AvatarUpload)
        .where(AvatarUpload.user_uuid == user_uuid)
        .where((AvatarUpload.status != "granted") | (AvatarUpload.expires_at > now))
        .order_by(AvatarUpload.created_at.desc())
        .limit(1)
    )
    return await session.scalar(statement)


async def newer_ready_exists(session: AsyncSession, upload: AvatarUpload) -> bool:
    """Whether a later upload of the same user already became the avatar."""
    statement = select(func.count()).where(
        AvatarUpload.user_uuid == upload.user_uuid,
        AvatarUpload.status == "ready",
        AvatarUpload.created_at > upload.created_at,
    )
    return bool(await session.scalar(statement))


async def set_status(
    session: AsyncSession,
    key: str,
    *,
    status: str,
    reason: str | None = None,
    message: str | None = None,
    avatar_key: str | None = None,
) -> None:
    """Move an upload to a new status."""
    await session.execute(
        update(AvatarUpload)
        .where(AvatarUpload.key == key)
        .values(status=status, reason=reason, message=message, avatar_key=avatar_key, updated_at=func.now())
    )


async def prune(session: AsyncSession, user_uuid: uuid.UUID, *, before: datetime) -> None:
    """Forget the user's unused grants and settled uploads older than `before`."""
    await session.execute(
        delete(AvatarUpload).where(
            AvatarUpload.user_uuid == user_uuid,
            AvatarUpload.created_at < before,
            AvatarUpload.status.in_(("granted", "ready", "failed")),
        )
    )


async def get_user(session: AsyncSession, user_uuid: uuid.UUID, *, for_update: bool = False) -> User | None:
    """The user row (locked when switching the avatar); None once they asked to delete the account."""
    statement = select(User).where(User.uuid == user_uuid, User.deleted_at.is_(None))
    if for_update:
        statement = statement.with_for_update()
    return await session.scalar(statement)


async def set_avatar_key(session: AsyncSession, user: User, avatar_key: str | None) -> None:
    """Point the user at a processed avatar (None: the default)."""
    user.avatar_key = avatar_key
    user.updated_at = func.now()
    await session.flush()
    await session.refresh(user, ["updated_at"])
