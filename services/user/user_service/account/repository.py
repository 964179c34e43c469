"""The only code that touches a deletion's rows: the user's mark, their relations, the handle reservation."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from user_service.models import Block, Follow, HandleReservation, Mute, User


async def mark_deleted(session: AsyncSession, user: uuid.UUID) -> datetime | None:
    """Set `deleted_at` (the row stays locked until commit); None when it was already set."""
    statement = (
        update(User)
        .where(User.uuid == user, User.deleted_at.is_(None))
        .values(deleted_at=func.now())
        .returning(User.deleted_at)
    )
    found: datetime | None = await session.scalar(statement)
    return found


async def drop_relations(session: AsyncSession, user: uuid.UUID) -> None:
    """Delete the user's follows, blocks and mutes, both ways (counts drop with them)."""
    await session.execute(
        delete(Follow).where(or_(Follow.follower_uuid == user, Follow.followee_uuid == user))
    )
    await session.execute(delete(Block).where(or_(Block.blocker_uuid == user, Block.blocked_uuid == user)))
    await session.execute(delete(Mute).where(or_(Mute.muter_uuid == user, Mute.muted_uuid == user)))


async def reserve_handle(session: AsyncSession, user: User, *, requested_at: datetime, days: int) -> None:
    """Hold the user's handle for `days` from the request (replacing a lapsed reservation of it)."""
    values = {
        "handle": user.handle.lower(),
        "reserved_until": requested_at + timedelta(days=days),
        "user_uuid": user.uuid,
        "cognito_user_id": user.cognito_user_id,
        "requested_at": requested_at,
    }
    statement = insert(HandleReservation).values(**values)
    statement = statement.on_conflict_do_update(
        index_elements=[HandleReservation.handle],
        set_={**{k: statement.excluded[k] for k in values if k != "handle"}, "email": None},
        # a lapsed reservation, or a sign-up's (a leftover of this user's own, say): the leaver's wins
        where=or_(HandleReservation.reserved_until <= func.now(), HandleReservation.user_uuid.is_(None)),
    )
    await session.execute(statement)


async def requested_at(session: AsyncSession, sub: str) -> datetime | None:
    """When the account with this Cognito sub asked to be deleted (row marked, or already gone), if it did."""
    marked = await session.scalar(
        select(User.deleted_at).where(User.cognito_user_id == sub, User.deleted_at.is_not(None))
    )
    if marked is not None:
        return marked
    found: datetime | None = await session.scalar(
        select(func.max(HandleReservation.requested_at)).where(
            HandleReservation.cognito_user_id == sub, HandleReservation.reserved_until > func.now()
        )
    )
    return found


async def erased(session: AsyncSession, sub: str) -> bool:
    """True when the account with this Cognito sub was deleted (its reservation remembers the sub)."""
    found = await session.scalar(
        select(HandleReservation.handle).where(HandleReservation.cognito_user_id == sub).limit(1)
    )
    return found is not None


async def handle_reserved(session: AsyncSession, handle: str, *, email: str | None = None) -> bool:
    """True while a reservation of this handle (case-insensitive) runs that is not `email`'s own sign-up.

    A deleted account's reservation holds the handle against everyone. A lapsed reservation is removed on
    the way (lazily: nothing else sweeps the table).
    """
    await session.execute(
        delete(HandleReservation).where(
            HandleReservation.handle == handle.lower(), HandleReservation.reserved_until <= func.now()
        )
    )
    holder = select(HandleReservation.handle).where(HandleReservation.handle == handle.lower())
    if email is not None:
        holder = holder.where(
            or_(HandleReservation.email.is_(None), HandleReservation.email != email.strip().lower())
        )
    return await session.scalar(holder) is not None


async def reserve_for_sign_up(session: AsyncSession, handle: str, *, email: str, hours: int) -> bool:
    """Hold the handle for this email's unconfirmed sign-up for `hours`; False when someone else holds it.

    The same email signing up again renews its reservation (and gives up any other handle it held); a
    lapsed reservation is replaced. The primary key decides a race between two sign-ups.
    """
    owner = email.strip().lower()
    await session.execute(
        delete(HandleReservation).where(
            HandleReservation.email == owner,
            HandleReservation.user_uuid.is_(None),
            HandleReservation.handle != handle.lower(),
        )
    )
    values = {
        "handle": handle.lower(),
        "reserved_until": func.now() + timedelta(hours=hours),
        "email": owner,
        "requested_at": func.now(),
    }
    statement = insert(HandleReservation).values(**values)
    statement = statement.on_conflict_do_update(
        index_elements=[HandleReservation.handle],
        set_={k: statement.excluded[k] for k in values if k != "handle"},
        where=or_(
            HandleReservation.reserved_until <= func.now(),
            (HandleReservation.email == owner) & HandleReservation.user_uuid.is_(None),
        ),
    )
    held = await session.scalar(statement.returning(HandleReservation.handle))
    return held is not None


async def consume_sign_up_reservation(session: AsyncSession, handle: str, *, email: str) -> None:
    """Drop the sign-up's reservation once its user row holds the handle."""
    await session.execute(
        delete(HandleReservation).where(
            HandleReservation.handle == handle.lower(),
            HandleReservation.email == email.strip().lower(),
            HandleReservation.user_uuid.is_(None),
        )
    )


async def deletion_of(session: AsyncSession, user: uuid.UUID) -> User | None:
    """The user row of a requested deletion (None once it is gone)."""
    return await session.scalar(select(User).where(User.uuid == user, User.deleted_at.is_not(None)))


async def delete_user(session: AsyncSession, user: uuid.UUID) -> None:
    """Delete the marked row (avatar uploads cascade; reports, the audit log and jobs keep the uuid)."""
    await session.execute(delete(User).where(User.uuid == user, User.deleted_at.is_not(None)))
