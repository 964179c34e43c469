"""The only code that touches the user service's tables; it never commits."""

from __future__ import annotations

import uuid

from sqlalchemy import func, or_, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from user_service.models import User
from user_service.profiles.schemas import NewUser


async def get_by_cognito_id(session: AsyncSession, cognito_user_id: str) -> User | None:
    """The user with this Cognito sub, deleted or not (callers check `deleted_at`)."""
    return await session.scalar(select(User).where(User.cognito_user_id == cognito_user_id))


async def get_by_handle(session: AsyncSession, handle: str, *, deleted: bool = False) -> User | None:
    """The user with this handle (case-insensitive); a deleted one only when asked for."""
    statement = select(User).where(func.lower(User.handle) == handle.lower())
    if not deleted:
        statement = statement.where(User.deleted_at.is_(None))
    return await session.scalar(statement)


async def get_by_email(session: AsyncSession, email: str) -> User | None:
    """The user with this email (case-insensitive)."""
    return await session.scalar(select(User).where(func.lower(User.email) == email.lower()))


async def insert_if_absent(session: AsyncSession, new: NewUser) -> User | None:
    """Insert the user unless one with the same Cognito sub exists; None when it did."""
    statement = (
        insert(User)
        .values(
            cognito_user_id=new.cognito_user_id,
            email=new.email,
            handle=new.handle,
            display_name=new.display_name,
        )
        .on_conflict_do_nothing(index_elements=[User.cognito_user_id])
        .returning(User)
    )
    return await session.scalar(statement)


async def find_many(
    session: AsyncSession, *, uuids: list[uuid.UUID], handles: list[str], subs: list[str]
) -> list[User]:
    """Users matching any of the uuids, handles (case-insensitive) or Cognito subs (deleted ones left out)."""
    if not (uuids or handles or subs):
        return []
    statement = select(User).where(
        or_(
            User.uuid.in_(uuids),
            func.lower(User.handle).in_([h.lower() for h in handles]),
            User.cognito_user_id.in_(subs),
        ),
        User.deleted_at.is_(None),
    )
    return list((await session.scalars(statement)).all())


async def update_profile(
    session: AsyncSession, user: User, *, display_name: str, bio: str, default_ttl: str | None
) -> User:
    """Change the profile fields; updated_at moves (the projection keeps the newest copy)."""
    user.display_name = display_name
    user.bio = bio
    user.default_ttl = default_ttl
    user.updated_at = await session.scalar(select(func.clock_timestamp()))  # type: ignore[assignment]
    await session.flush()
    return user
