"""The only code that touches the follow graph."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Row, and_, delete, exists, func, literal, select, tuple_
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from user_service.models import Follow, User
from user_service.relations import repository as relations_repository


async def add(session: AsyncSession, *, follower: uuid.UUID, followee: uuid.UUID) -> bool:
    """Add an edge; True when it was new."""
    statement = (
        insert(Follow)
        .values(follower_uuid=follower, followee_uuid=followee)
        .on_conflict_do_nothing()
        .returning(Follow.follower_uuid)
    )
    return (await session.scalar(statement)) is not None


async def remove(session: AsyncSession, *, follower: uuid.UUID, followee: uuid.UUID) -> bool:
    """Remove an edge; True when it existed."""
    statement = (
        delete(Follow)
        .where(Follow.follower_uuid == follower, Follow.followee_uuid == followee)
        .returning(Follow.follower_uuid)
    )
    return (await session.scalar(statement)) is not None


async def followers_count(session: AsyncSession, user: uuid.UUID) -> int:
    """How many people follow the user."""
    count = await session.scalar(select(func.count()).where(Follow.followee_uuid == user))
    return int(count or 0)


def _followed_by(reader: uuid.UUID | None) -> object:
    if reader is None:
        return literal(None).label("followed")
    return (
        exists()
        .where(Follow.follower_uuid == reader, Follow.followee_uuid == User.uuid)
        .correlate(User)
        .label("followed")
    )


async def page(
    session: AsyncSession,
    *,
    user: uuid.UUID,
    direction: str,
    reader: uuid.UUID | None,
    before: tuple[datetime, uuid.UUID] | None,
    limit: int,
) -> list[Row[User, bool | None, datetime]]:
    """Followers (direction="followers") or followed people ("following") of a user, newest edge first."""
    if direction == "followers":
        anchor, other = Follow.followee_uuid, Follow.follower_uuid
    else:
        anchor, other = Follow.follower_uuid, Follow.followee_uuid
    statement = (
        select(User, _followed_by(reader), Follow.created_at)  # type: ignore[call-overload]
        .join(Follow, other == User.uuid)
        .where(anchor == user)
        .order_by(Follow.created_at.desc(), other.desc())
        .limit(limit)
    )
    if before is not None:
        statement = statement.where(tuple_(Follow.created_at, other) < tuple_(*before))
    return list((await session.execute(statement)).all())


async def suggestions(session: AsyncSession, *, reader: uuid.UUID, limit: int) -> list[User]:
    """People the reader neither follows nor hides: most followed by the people they follow, then by all."""
    mine = select(Follow.followee_uuid).where(Follow.follower_uuid == reader).scalar_subquery()
    via = Follow.__table__.alias("via")
    anyone = Follow.__table__.alias("anyone")
    mutuals = (
        select(func.count())
        .select_from(via)
        .where(and_(via.c.followee_uuid == User.uuid, via.c.follower_uuid.in_(mine)))
        .correlate(User)
        .scalar_subquery()
    )
    popularity = (
        select(func.count()).select_from(anyone).where(anyone.c.followee_uuid == User.uuid).correlate(User)
    ).scalar_subquery()
    statement = (
        select(User)
        .where(
            User.uuid != reader,
            User.suspended.is_(False),
            User.deleted_at.is_(None),
            User.uuid.not_in(mine),
            User.uuid.not_in(relations_repository.hidden_from(reader)),
        )
        .order_by(mutuals.desc(), popularity.desc(), User.created_at.desc())
        .limit(limit)
    )
    return list((await session.scalars(statement)).all())
