"""Use cases of the user service; each owns its transaction."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from cruddur_common.text import clean_text, is_blank
from user_service import repository
from user_service.errors import (
    BioTooLong,
    DisplayNameBlank,
    DisplayNameTooLong,
    EmailTaken,
    HandleTaken,
)
from user_service.models import User
from user_service.outbox import events
from user_service.schemas import NewUser

MAX_DISPLAY_NAME = 50
MAX_BIO = 160


async def register(session: AsyncSession, new: NewUser) -> User:
    """Create the user for a confirmed Cognito sign-up; retried events return the same user."""
    existing = await repository.get_by_cognito_id(session, new.cognito_user_id)
    if existing is not None:
        return existing
    try:
        created = await repository.insert_if_absent(session, new)
        if created is not None:
            await events.publish_author(session, created)
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


async def update_profile(session: AsyncSession, user: User, *, display_name: str, bio: str | None) -> User:
    """Change display name (1-50) and bio (0-160); the activity service's copy follows via the outbox."""
    name = clean_text(display_name, field="display name", multiline=False)
    text = clean_text(bio or "", field="bio")
    if is_blank(name):
        raise DisplayNameBlank("The display name is blank.")
    if len(name) > MAX_DISPLAY_NAME:
        raise DisplayNameTooLong(f"At most {MAX_DISPLAY_NAME} characters.", details={"max": MAX_DISPLAY_NAME})
    if len(text) > MAX_BIO:
        raise BioTooLong(f"At most {MAX_BIO} characters.", details={"max": MAX_BIO})
    updated = await repository.update_profile(session, user, display_name=name, bio=text)
    await events.publish_author(session, updated)
    await session.commit()
    return updated
