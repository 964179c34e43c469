"""Use cases of block and mute; each owns its transaction and queues the relation events in it."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from user_service import people_pages
from user_service.errors import CannotBlockSelf, CannotMuteSelf
from user_service.follows import service as follows_service
from user_service.models import User
from user_service.outbox import events
from user_service.profiles import service as profiles_service
from user_service.relations import repository
from user_service.relations.render import render_blocked, render_muted
from user_service.relations.schemas import BlockedPage, Duration, MutedPage
from user_service.settings import Settings

DURATIONS: dict[Duration, timedelta] = {
    "1-hour": timedelta(hours=1),
    "1-day": timedelta(days=1),
    "7-days": timedelta(days=7),
    "30-days": timedelta(days=30),
}


async def set_blocking(
    session: AsyncSession,
    *,
    me: User,
    handle: str,
    blocking: bool,
    settings: Settings,
    notify: events.Notify,
) -> None:
    """Block (removing the follows both ways) or unblock (idempotent); 422 `cannot_block_self`, 404."""
    target = await profiles_service.by_handle(session, handle)
    if target.uuid == me.uuid:
        raise CannotBlockSelf("You cannot block yourself.")
    await repository.lock_pair(session, me.uuid, target.uuid)  # a concurrent follow waits, then sees it
    if blocking:
        changed = await repository.add_block(session, blocker=me.uuid, blocked=target.uuid)
        # Always, not only when new: the unfollow events go first, so activity clears the timelines with
        # the path it already has; a re-block finds no follows and queues nothing.
        await follows_service.unfollow_both_ways(
            session, me, target, assets_base_url=settings.assets_base_url
        )
    else:
        changed = await repository.remove_block(session, blocker=me.uuid, blocked=target.uuid)
    if changed:
        await events.publish_block(session, blocker=me.uuid, blocked=target.uuid, blocking=blocking)
    await session.commit()
    notify()


async def mute(
    session: AsyncSession, *, me: User, handle: str, duration: Duration | None, notify: events.Notify
) -> None:
    """Mute for a duration (None: until unmuted), replacing an earlier mute; 422 `cannot_mute_self`, 404."""
    target = await _muted_one(session, me=me, handle=handle)
    span = DURATIONS[duration] if duration is not None else None
    muted = await repository.put_mute(session, muter=me.uuid, muted=target.uuid, span=span)
    if muted.changed:
        await events.publish_mute(session, muter=me.uuid, muted=target.uuid, until=muted.until)
    await session.commit()
    if muted.changed:
        notify()


async def unmute(session: AsyncSession, *, me: User, handle: str, notify: events.Notify) -> None:
    """Lift a mute (idempotent); 422 `cannot_mute_self`, 404 `user_not_found`."""
    target = await _muted_one(session, me=me, handle=handle)
    changed = await repository.remove_mute(session, muter=me.uuid, muted=target.uuid)
    if changed:
        await events.publish_unmute(session, muter=me.uuid, muted=target.uuid)
    await session.commit()
    if changed:
        notify()


async def _muted_one(session: AsyncSession, *, me: User, handle: str) -> User:
    target = await profiles_service.by_handle(session, handle)
    if target.uuid == me.uuid:
        raise CannotMuteSelf("You cannot mute yourself.")
    return target


async def blocked_between(session: AsyncSession, a: uuid.UUID, b: uuid.UUID) -> bool:
    """Whether either of two users blocked the other (unknown uuids: False)."""
    return await repository.blocked_between(session, a, b)


async def blocks(
    session: AsyncSession, *, me: User, cursor: str | None, limit: int, settings: Settings
) -> BlockedPage:
    """A page of the people I blocked, newest first."""
    secret = settings.cursor_secret
    before = people_pages.before(cursor, secret=secret, kind="blocks")
    rows = await repository.blocks_page(session, blocker=me.uuid, before=before, limit=limit + 1)
    page = people_pages.people_page(
        [row._tuple() for row in rows], limit=limit, kind="blocks", secret=secret, position=_since
    )
    base = settings.assets_base_url
    items = [render_blocked(user, since=at, assets_base_url=base) for user, at in page.items]
    return BlockedPage(items=items, next_cursor=page.next_cursor)


async def mutes(
    session: AsyncSession, *, me: User, cursor: str | None, limit: int, settings: Settings
) -> MutedPage:
    """A page of the people I mute now, newest first (lapsed mutes are not listed)."""
    secret = settings.cursor_secret
    before = people_pages.before(cursor, secret=secret, kind="mutes")
    rows = await repository.mutes_page(session, muter=me.uuid, before=before, limit=limit + 1)
    page = people_pages.people_page(
        [row._tuple() for row in rows], limit=limit, kind="mutes", secret=secret, position=_since
    )
    base = settings.assets_base_url
    items = [
        render_muted(user, since=at, until=until, assets_base_url=base) for user, at, until in page.items
    ]
    return MutedPage(items=items, next_cursor=page.next_cursor)


def _since(row: tuple[User, datetime, *tuple[object, ...]]) -> tuple[datetime, uuid.UUID]:
    """A blocks or mutes row's keyset position: when, and who."""
    return row[1], row[0].uuid
