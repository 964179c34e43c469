"""Use cases of profiles; each owns its transaction."""

from __future__ import annotations

import logging
import uuid
from typing import Any

from pydantic import ValidationError
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from cruddur_common.auth import Principal
from cruddur_common.expiry import preset
from cruddur_common.text import clean_text, is_blank, over_limit
from user_service.account import repository as account_repository
from user_service.errors import (
    AccountDeleted,
    BioTooLong,
    DisplayNameBlank,
    DisplayNameTooLong,
    EmailTaken,
    HandleTaken,
    ProfileIncomplete,
    Suspended,
    UserNotFound,
)
from user_service.models import User
from user_service.outbox import events
from user_service.profiles import clients, repository
from user_service.profiles.schemas import MAX_DISPLAY_NAME, NewUser
from user_service.relations import repository as relations_repository
from user_service.settings import Settings

log = logging.getLogger(__name__)

MAX_BIO = 160


def handle_taken(handle: str) -> HandleTaken:
    """The one refusal of a handle someone has, or a deleted account holds (the same words for both)."""
    return HandleTaken(f"The handle @{handle} is taken.")


async def handle_available(session: AsyncSession, handle: str, *, email: str) -> bool:
    """False when someone else has the handle or holds it (a deleted account, another unconfirmed sign-up).

    The same person signing up again (same email) is Cognito's to answer (UsernameExistsException).
    """
    owner = await repository.get_by_handle(session, handle)
    if owner is not None and owner.email.lower() != email.strip().lower():
        return False
    return not await account_repository.handle_reserved(session, handle, email=email)


async def reserve_for_sign_up(session: AsyncSession, handle: str, *, email: str, settings: Settings) -> None:
    """Hold the handle for this email's sign-up until it is confirmed; 409 `handle_taken` when it cannot."""
    owner = await repository.get_by_handle(session, handle)
    if owner is not None and owner.email.lower() == email.strip().lower():
        return  # their own account signing up again: Cognito answers UsernameExistsException
    if not await handle_available(session, handle, email=email):
        raise handle_taken(handle)
    hours = settings.sign_up_reservation_hours
    if not await account_repository.reserve_for_sign_up(session, handle, email=email, hours=hours):
        await session.rollback()
        raise handle_taken(handle)  # another sign-up reserved it between the check and now
    await session.commit()


async def register(session: AsyncSession, new: NewUser, *, settings: Settings) -> User:
    """Create the user of a confirmed sign-up (consuming its reservation); retries return the same user."""
    existing = await repository.get_by_cognito_id(session, new.cognito_user_id)
    if existing is not None:
        if existing.deleted_at is not None:
            raise AccountDeleted()
        return existing
    if await account_repository.erased(session, new.cognito_user_id):
        raise AccountDeleted()  # a late or repeated event of a deleted account must not bring it back
    if await account_repository.handle_reserved(session, new.handle, email=new.email):
        raise handle_taken(new.handle)
    try:
        created = await repository.insert_if_absent(session, new)
        if created is not None:
            await account_repository.consume_sign_up_reservation(session, new.handle, email=new.email)
            await events.publish_author(session, created, assets_base_url=settings.assets_base_url)
        await session.commit()
    except IntegrityError as exc:
        await session.rollback()
        if await repository.get_by_handle(session, new.handle, deleted=True):
            raise handle_taken(new.handle) from exc
        if await repository.get_by_email(session, new.email):
            raise EmailTaken("An account already uses this email.") from exc
        raise
    if created is None:  # a concurrent retry of the same event won the race
        found = await repository.get_by_cognito_id(session, new.cognito_user_id)
        assert found is not None
        return found
    return created


async def update_profile(
    session: AsyncSession,
    user: User,
    *,
    display_name: str,
    bio: str | None,
    default_ttl: str | None,
    keep_default_ttl: bool,
    settings: Settings,
    notify: events.Notify,
) -> User:
    """Change display name (1-50), bio (0-160) and, unless kept, the default crud preset (null clears it).

    The activity service's copy of the name follows via the outbox.
    """
    if not keep_default_ttl and default_ttl is not None:
        preset(default_ttl)  # 422 `ttl_invalid`, as a crud's ttl
    name = _display_name(display_name)
    text = clean_text(bio or "", field="bio")
    if over_limit(text, MAX_BIO):
        raise BioTooLong(f"At most {MAX_BIO} characters.", details={"max": MAX_BIO})
    ttl = user.default_ttl if keep_default_ttl else default_ttl
    updated = await repository.update_profile(session, user, display_name=name, bio=text, default_ttl=ttl)
    await events.publish_author(session, updated, assets_base_url=settings.assets_base_url)
    await session.commit()
    notify()
    return updated


async def signed_in(session: AsyncSession, *, principal: Principal, cognito: Any, settings: Settings) -> User:
    """The caller's user row, repaired from Cognito when missing.

    409 `profile_incomplete` when it cannot be (the sign-up's handle is taken): the caller chooses
    another with `complete_profile`.
    401 `account_deleted` once they asked to delete the account (their token may still be valid), and
    never recreated after the row is gone; 403 `suspended` for a suspended account.
    """
    user = await repository.get_by_cognito_id(session, principal.sub)
    if user is not None:
        if user.deleted_at is not None:
            raise AccountDeleted()
        if user.suspended:
            raise Suspended("This account is suspended.")
        return user
    if await account_repository.erased(session, principal.sub):
        raise AccountDeleted()
    attributes = await clients.cognito_attributes(cognito, principal.token)
    log.warning("repairing missing user row", extra={"user_sub": principal.sub})
    try:
        return await register(session, NewUser.from_cognito(principal.sub, attributes), settings=settings)
    except (HandleTaken, ValidationError) as exc:  # its sign-up's handle went to someone else first
        raise ProfileIncomplete("Choose a handle to finish your profile.") from exc


def _display_name(value: str) -> str:
    """A display name as a profile keeps it: one clean line of 1-50 characters (422 otherwise)."""
    name = clean_text(value, field="display name", multiline=False)
    if is_blank(name):
        raise DisplayNameBlank("The display name is blank.")
    if over_limit(name, MAX_DISPLAY_NAME):
        raise DisplayNameTooLong(f"At most {MAX_DISPLAY_NAME} characters.", details={"max": MAX_DISPLAY_NAME})
    return name


async def complete_profile(
    session: AsyncSession,
    *,
    principal: Principal,
    cognito: Any,
    handle: str,
    display_name: str | None,
    settings: Settings,
) -> tuple[User, bool]:
    """Create the caller's missing profile with the handle they chose; (user, created).

    A caller who has a profile gets it unchanged; 409 `handle_taken` when someone has or holds the handle.
    """
    existing = await repository.get_by_cognito_id(session, principal.sub)
    if existing is not None:
        if existing.deleted_at is not None:
            raise AccountDeleted()
        return existing, False
    if await account_repository.erased(session, principal.sub):
        raise AccountDeleted()
    attributes = await clients.cognito_attributes(cognito, principal.token)
    name = _display_name(display_name or attributes.get("name") or handle)
    new = NewUser.from_cognito(principal.sub, {**attributes, "preferred_username": handle, "name": name})
    if not await handle_available(session, handle, email=new.email):
        raise handle_taken(handle)
    log.info("completing a missing profile", extra={"user_sub": principal.sub, "handle": handle})
    return await register(session, new, settings=settings), True


def _no_user(handle: str) -> UserNotFound:
    return UserNotFound(f"No user @{handle[:30]}.")


async def by_handle(session: AsyncSession, handle: str) -> User:
    """The user @handle (case-insensitive); 404 `user_not_found` naming the handle."""
    user = await repository.get_by_handle(session, handle)
    if user is None:
        raise _no_user(handle)
    return user


async def seen_by(session: AsyncSession, handle: str, *, reader: User | None) -> User:
    """@handle as the reader may see them: 404 `user_not_found`, as if absent, in a block either way."""
    user = await by_handle(session, handle)
    if reader is not None and await relations_repository.blocked_between(session, reader.uuid, user.uuid):
        raise _no_user(handle)
    return user


async def short(
    session: AsyncSession, handle: str, *, reader: User | None
) -> tuple[User, relations_repository.Relation | None]:
    """@handle and the reader's relation to them (None: signed out); 404 when they blocked the reader.

    The blocker still finds the person they blocked (`blocking: true`), so that they can unblock them.
    """
    user = await by_handle(session, handle)
    if reader is None:
        return user, None
    if reader.uuid == user.uuid:
        return user, relations_repository.NO_RELATION
    relation = await relations_repository.relation(session, reader=reader.uuid, other=user.uuid)
    if relation.blocked_by:
        raise _no_user(handle)
    return user, relation


async def internal_user(session: AsyncSession, *, sub: str | None = None, handle: str | None = None) -> User:
    """The user with this Cognito sub, or else this handle, for another service; 404 `user_not_found`."""
    if sub is not None:
        user = await repository.get_by_cognito_id(session, sub)
    else:
        user = await repository.get_by_handle(session, handle or "")
    if user is None or user.deleted_at is not None:
        raise UserNotFound("No such user.")
    return user


async def find_many(
    session: AsyncSession, *, uuids: list[uuid.UUID], handles: list[str], subs: list[str]
) -> list[User]:
    """Every known user among the uuids, handles and subs (one query; unknown ones are left out)."""
    return await repository.find_many(session, uuids=uuids, handles=handles, subs=subs)
