"""The only code that touches the user service's tables; it never commits."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from user_service.models import User
from user_service.schemas import NewUser


async def get_by_cognito_id(session: AsyncSession, cognito_user_id: str) -> User | None:
    """The user with this Cognito sub."""
    return await session.scalar(select(User).where(User.cognito_user_id == cognito_user_id))


async def get_by_handle(session: AsyncSession, handle: str) -> User | None:
    """The user with this handle (case-insensitive)."""
    return await session.scalar(select(User).where(func.lower(User.handle) == handle.lower()))


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
