"""Use cases of the user service; each owns its transaction."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from user_service import repository
from user_service.errors import EmailTaken, HandleTaken
from user_service.models import User
from user_service.schemas import NewUser


async def register(session: AsyncSession, new: NewUser) -> User:
    """Create the user for a confirmed Cognito sign-up; retried events return the same user."""
    existing = await repository.get_by_cognito_id(session, new.cognito_user_id)
    if existing is not None:
        return existing
    try:
        created = await repository.insert_if_absent(session, new)
        await session.commit()
    except IntegrityError as exc:
        await session.rollback()
        if await repository.get_by_handle(session, new.handle):
            raise HandleTaken(f"The handle @{new.handle} is taken.") from exc
        if await repository.get_by_email(session, new.email):
            raise EmailTaken("An account already uses this email.") from exc
        raise
    if created is None:  # a concurrent retry of the same event won the race
        found = await repository.get_by_cognito_id(session, new.cognito_user_id)
        assert found is not None
        return found
    return created
