"""The only code that touches blocks and mutes; it never commits."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import (
    ColumnElement,
    CompoundSelect,
    Interval,
    Row,
    and_,
    delete,
    exists,
    func,
    literal,
    or_,
    select,
    text,
    tuple_,
    union_all,
)
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from user_service.models import Block, Mute, User


@dataclass(frozen=True, slots=True)
class Relation:
    """What stands between a reader and another user."""

    blocking: bool = False  # the reader blocked them
    blocked_by: bool = False  # they blocked the reader
    muted: bool = False  # the reader mutes them (a lapsed mute is absent)


NO_RELATION = Relation()


def _active_mute() -> ColumnElement[bool]:
    """A mute that has not lapsed (compared with the database's clock, as `until` was computed)."""
    return or_(Mute.until.is_(None), Mute.until > func.now())


def _block(blocker: uuid.UUID, blocked: uuid.UUID) -> ColumnElement[bool]:
    return exists().where(Block.blocker_uuid == blocker, Block.blocked_uuid == blocked)


async def lock_pair(session: AsyncSession, a: uuid.UUID, b: uuid.UUID) -> None:
    """Serialise follow and block of one pair until commit, so no follow slips in beside a new block."""
    key = "users.pair:" + ":".join(sorted((str(a), str(b))))
    await session.execute(text("SELECT pg_advisory_xact_lock(hashtextextended(:k, 0))"), {"k": key})


async def blocked_between(session: AsyncSession, a: uuid.UUID, b: uuid.UUID) -> bool:
    """True when either of the two blocked the other."""
    return bool(await session.scalar(select(or_(_block(a, b), _block(b, a)))))


async def relation(session: AsyncSession, *, reader: uuid.UUID, other: uuid.UUID) -> Relation:
    """The reader's block and mute of `other`, and whether `other` blocked the reader (one query)."""
    muted = exists().where(Mute.muter_uuid == reader, Mute.muted_uuid == other, _active_mute())
    row = (await session.execute(select(_block(reader, other), _block(other, reader), muted))).one()
    return Relation(blocking=row[0], blocked_by=row[1], muted=row[2])


def hidden_from(reader: uuid.UUID) -> CompoundSelect[tuple[uuid.UUID]]:
    """The uuids of people in a block with the reader (either way) or whom the reader mutes now."""
    return union_all(
        select(Block.blocked_uuid).where(Block.blocker_uuid == reader),
        select(Block.blocker_uuid).where(Block.blocked_uuid == reader),
        select(Mute.muted_uuid).where(Mute.muter_uuid == reader, _active_mute()),
    )


async def add_block(session: AsyncSession, *, blocker: uuid.UUID, blocked: uuid.UUID) -> bool:
    """Record a block; True when it was new."""
    statement = (
        insert(Block)
        .values(blocker_uuid=blocker, blocked_uuid=blocked)
        .on_conflict_do_nothing()
        .returning(Block.blocker_uuid)
    )
    return (await session.scalar(statement)) is not None


async def remove_block(session: AsyncSession, *, blocker: uuid.UUID, blocked: uuid.UUID) -> bool:
    """Lift a block; True when it existed."""
    statement = (
        delete(Block)
        .where(Block.blocker_uuid == blocker, Block.blocked_uuid == blocked)
        .returning(Block.blocker_uuid)
    )
    return (await session.scalar(statement)) is not None


@dataclass(frozen=True, slots=True)
class Muted:
    """A mute as written: whether it changed, and until when it lasts (None: until unmuted)."""

    changed: bool
    until: datetime | None


async def put_mute(
    session: AsyncSession, *, muter: uuid.UUID, muted: uuid.UUID, span: timedelta | None
) -> Muted:
    """Mute for `span` from now by the database's clock (None: until unmuted); a re-mute replaces it."""
    until = None if span is None else func.now() + literal(span, Interval())
    new = insert(Mute).values(muter_uuid=muter, muted_uuid=muted, until=until)
    statement = new.on_conflict_do_update(
        index_elements=[Mute.muter_uuid, Mute.muted_uuid],
        set_={"until": new.excluded.until, "created_at": new.excluded.created_at},
        where=Mute.until.is_distinct_from(new.excluded.until),
    ).returning(Mute.until)
    row = (await session.execute(statement)).one_or_none()
    return Muted(changed=True, until=row.until) if row is not None else Muted(changed=False, until=None)


async def remove_mute(session: AsyncSession, *, muter: uuid.UUID, muted: uuid.UUID) -> bool:
    """Lift a mute (lapsed or not); True when one was there."""
    statement = (
        delete(Mute).where(Mute.muter_uuid == muter, Mute.muted_uuid == muted).returning(Mute.muter_uuid)
    )
    return (await session.scalar(statement)) is not None


async def blocks_page(
    session: AsyncSession, *, blocker: uuid.UUID, before: tuple[datetime, uuid.UUID] | None, limit: int
) -> list[Row[User, datetime]]:
    """The people the blocker blocked, with when, newest first."""
    statement = (
        select(User, Block.created_at)
        .join(Block, Block.blocked_uuid == User.uuid)
        .where(Block.blocker_uuid == blocker)
        .order_by(Block.created_at.desc(), Block.blocked_uuid.desc())
        .limit(limit)
    )
    if before is not None:
        statement = statement.where(tuple_(Block.created_at, Block.blocked_uuid) < tuple_(*before))
    return list((await session.execute(statement)).all())


async def mutes_page(
    session: AsyncSession, *, muter: uuid.UUID, before: tuple[datetime, uuid.UUID] | None, limit: int
) -> list[Row[User, datetime, datetime | None]]:
    """The people the muter mutes now, with since and until when, newest first (lapsed mutes left out)."""
    statement = (
        select(User, Mute.created_at, Mute.until)
        .join(Mute, Mute.muted_uuid == User.uuid)
        .where(and_(Mute.muter_uuid == muter, _active_mute()))
        .order_by(Mute.created_at.desc(), Mute.muted_uuid.desc())
        .limit(limit)
    )
    if before is not None:
        statement = statement.where(tuple_(Mute.created_at, Mute.muted_uuid) < tuple_(*before))
    return list((await session.execute(statement)).all())
