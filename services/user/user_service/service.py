"""Use cases of the user service; each owns its transaction."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from user_service import repository
from user_service.errors import (
    BioTooLong,
    DisplayNameBlank,
    DisplayNameTooLong,
    EmailTaken,
    HandleTaken,
    TextInvalid,
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


def _storable(value: str, field: str) -> str:
    if "\x00" in value:
        raise TextInvalid(f"The {field} contains a NUL character.")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise TextInvalid(f"The {field} contains characters that are not valid Unicode.") from exc
    return value


async def update_profile(session: AsyncSession, user: User, *, display_name: str, bio: str | None) -> User:
    """Change display name (1-50) and bio (0-160); the activity service's copy follows via the outbox."""
    name = _storable(display_name.strip(), "display name")
    text = _storable((bio or "").strip(), "bio")
    if not name:
        raise DisplayNameBlank("The display name is blank.")
    if len(name) > MAX_DISPLAY_NAME:
        raise DisplayNameTooLong(f"At most {MAX_DISPLAY_NAME} characters.", details={"max": MAX_DISPLAY_NAME})
    if len(text) > MAX_BIO:
        raise BioTooLong(f"At most {MAX_BIO} characters.", details={"max": MAX_BIO})
    updated = await repository.update_profile(session, user, display_name=name, bio=text)
    await events.publish_author(session, updated)
    await session.commit()
    return updated
