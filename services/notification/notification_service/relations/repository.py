"""The only code that touches the relation tables (blocks, mutes, suspended users); it never commits."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, column, delete, exists, or_, select, tuple_, values
from sqlalchemy.dialects.postgresql import UUID, insert
from sqlalchemy.ext.asyncio import AsyncSession

from notification_service.models import Block, ErasedUser, Mute, SuspendedUser

Pair = tuple[uuid.UUID, uuid.UUID]


async def add_blocks(session: AsyncSession, pairs: Collection[Pair]) -> None:
    """Record `(blocker, blocked)` blocks (a block already there stays)."""
    if pairs:
        rows = [{"blocker": a, "blocked": b} for a, b in sorted(pairs)]
        await session.execute(insert(Block).values(rows).on_conflict_do_nothing())


async def remove_blocks(session: AsyncSession, pairs: Collection[Pair]) -> None:
    """Forget `(blocker, blocked)` blocks."""
    if pairs:
        await session.execute(delete(Block).where(tuple_(Block.blocker, Block.blocked).in_(sorted(pairs))))


async def set_mutes(session: AsyncSession, mutes: Mapping[Pair, datetime | None]) -> None:
    """Record `(muter, muted)` mutes with their end (None: until unmuted); a new mute replaces the old."""
    if mutes:
        rows = [{"muter": a, "muted": b, "until": until} for (a, b), until in sorted(mutes.items())]
        statement = insert(Mute).values(rows)
        await session.execute(
            statement.on_conflict_do_update(
                index_elements=[Mute.muter, Mute.muted], set_={"until": statement.excluded.until}
            )
        )


async def remove_mutes(session: AsyncSession, pairs: Collection[Pair]) -> None:
    """Forget `(muter, muted)` mutes."""
    if pairs:
        await session.execute(delete(Mute).where(tuple_(Mute.muter, Mute.muted).in_(sorted(pairs))))


async def suspend(session: AsyncSession, users: Collection[uuid.UUID]) -> None:
    """Record suspensions."""
    if users:
        rows = [{"user_uuid": u} for u in sorted(users)]
        await session.execute(insert(SuspendedUser).values(rows).on_conflict_do_nothing())


async def unsuspend(session: AsyncSession, users: Collection[uuid.UUID]) -> None:
    """Lift suspensions."""
    if users:
        await session.execute(delete(SuspendedUser).where(SuspendedUser.user_uuid.in_(sorted(users))))


async def erase(session: AsyncSession, users: Mapping[uuid.UUID, str]) -> None:
    """Remember erased users (uuid -> sub; idempotent) and forget their blocks, mutes and suspension."""
    if not users:
        return
    rows = [{"user_uuid": u, "sub": sub} for u, sub in sorted(users.items())]
    await session.execute(insert(ErasedUser).values(rows).on_conflict_do_nothing())
    gone = sorted(users)
    await session.execute(delete(Block).where(or_(Block.blocker.in_(gone), Block.blocked.in_(gone))))
    await session.execute(delete(Mute).where(or_(Mute.muter.in_(gone), Mute.muted.in_(gone))))
    await session.execute(delete(SuspendedUser).where(SuspendedUser.user_uuid.in_(gone)))


async def is_erased_sub(session: AsyncSession, sub: str) -> bool:
    """Whether the person with this Cognito sub deleted their account."""
    return await session.scalar(select(exists().where(ErasedUser.sub == sub))) is True


@dataclass(frozen=True)
class Hidden:
    """Of some (actor, recipient) pairs: which nothing may pass between, and which the recipient mutes."""

    # blocked either way, the actor suspended, or either of the two erased (deleted their account)
    blocked: set[Pair] = field(default_factory=set)
    muted: set[Pair] = field(default_factory=set)  # the recipient mutes the actor (until > now, or ever)

    def add(self, actor: uuid.UUID, recipient: uuid.UUID, *, blocked: bool, muted: bool) -> None:
        """Record one pair's flags as the query returned them."""
        if blocked:
            self.blocked.add((actor, recipient))
        if muted:
            self.muted.add((actor, recipient))


def hidden_flags(
    actor: ColumnElement[uuid.UUID], recipient: ColumnElement[uuid.UUID], *, now: Any
) -> tuple[ColumnElement[bool], ColumnElement[bool]]:
    """Of an (actor, recipient) pair: (blocked, muted) as SQL, for `hidden_among` and the ingest pre-checks.

    Blocked is five primary-key probes (a block either way, the actor's suspension, either one's
    erasure), muted one more; `now` a datetime or a bind parameter.
    """
    blocked = or_(
        exists().where(SuspendedUser.user_uuid == actor),
        exists().where(Block.blocker == actor, Block.blocked == recipient),
        exists().where(Block.blocker == recipient, Block.blocked == actor),
        exists().where(ErasedUser.user_uuid == actor),
        exists().where(ErasedUser.user_uuid == recipient),
    )
    muted = exists().where(
        Mute.muter == recipient, Mute.muted == actor, or_(Mute.until.is_(None), Mute.until > now)
    )
    return blocked, muted


async def hidden_among(session: AsyncSession, pairs: Collection[Pair], *, now: datetime) -> Hidden:
    """Which (actor, recipient) pairs are blocked or muted: ONE query for any number of pairs.

    A batch costs one round trip whatever its size (docs/performance.md, issue 12's ingest); the batch
    path asks this inside its one pre-check statement (`notifications.repository.prechecks`).
    """
    if not pairs:
        return Hidden()
    given = values(column("actor", UUID(as_uuid=True)), column("recipient", UUID(as_uuid=True)), name="given")
    given = given.data(sorted(pairs))
    actor, recipient = given.c.actor, given.c.recipient
    blocked, muted = hidden_flags(actor, recipient, now=now)
    query = select(actor, recipient, blocked.label("blocked"), muted.label("muted")).where(
        or_(blocked, muted)
    )
    found = Hidden()
    for a, r, is_blocked, is_muted in (await session.execute(query)).all():
        found.add(a, r, blocked=is_blocked, muted=is_muted)
    return found
