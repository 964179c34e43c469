"""Use cases of the follow graph; each owns its transaction and queues the projection update in it."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Literal

from sqlalchemy.ext.asyncio import AsyncSession

from cruddur_common.pagination import (
    CursorPosition,
    InvalidCursor,
    UtcTime,
    decode_cursor,
    encode_cursor,
)
from user_service import repository as users
from user_service.avatars import avatar_url
from user_service.errors import CannotFollowSelf, UserNotFound
from user_service.follows import repository
from user_service.models import User
from user_service.outbox import events
from user_service.schemas import FollowState, Person, PersonPage

Notify = Callable[[], None]


async def _target(session: AsyncSession, handle: str) -> User:
    user = await users.get_by_handle(session, handle)
    if user is None:
        raise UserNotFound(f"No user @{handle[:30]}.")
    return user


async def set_following(
    session: AsyncSession, *, me: User, handle: str, following: bool, notify: Notify
) -> FollowState:
    """Follow or unfollow (idempotent); 422 `cannot_follow_self`, 404 `user_not_found`."""
    target = await _target(session, handle)
    if target.uuid == me.uuid:
        raise CannotFollowSelf("You cannot follow yourself.")
    if following:
        changed = await repository.add(session, follower=me.uuid, followee=target.uuid)
    else:
        changed = await repository.remove(session, follower=me.uuid, followee=target.uuid)
    if changed:
        await events.publish_follow(session, follower=me, followee=target, following=following)
    count = await repository.followers_count(session, target.uuid)
    await session.commit()
    if changed:
        notify()
    return FollowState(handle=target.handle, following=following, followers_count=count)


def person(user: User, followed: bool | None) -> Person:
    """A user in a list."""
    return Person(
        uuid=user.uuid,
        handle=user.handle,
        display_name=user.display_name,
        avatar_url=avatar_url(user),
        bio=user.bio or "",
        followed=followed,
    )


class PeoplePosition(CursorPosition):
    """Where a followers/following page stopped: the list, the edge's time and the person."""

    k: Literal["followers", "following"]
    t: UtcTime
    u: uuid.UUID


def _before(cursor: str | None, *, secret: str, kind: str) -> tuple[datetime, uuid.UUID] | None:
    if cursor is None:
        return None
    position = decode_cursor(cursor, secret=secret, shape=PeoplePosition)
    if position.k != kind:
        raise InvalidCursor("The cursor belongs to another list.")
    return position.t, position.u


async def people(
    session: AsyncSession,
    *,
    handle: str,
    direction: str,
    reader: User | None,
    cursor: str | None,
    limit: int,
    secret: str,
) -> PersonPage:
    """A page of a user's followers or followed people, newest edge first."""
    target = await _target(session, handle)
    before = _before(cursor, secret=secret, kind=direction)
    rows = await repository.page(
        session,
        user=target.uuid,
        direction=direction,
        reader=reader.uuid if reader else None,
        before=before,
        limit=limit + 1,
    )
    next_cursor = None
    if len(rows) > limit:
        user, _, at = rows[limit - 1]._tuple()
        next_cursor = encode_cursor({"k": direction, "t": at.isoformat(), "u": str(user.uuid)}, secret=secret)
    return PersonPage(
        items=[person(u, f) for u, f, _ in (row._tuple() for row in rows[:limit])], next_cursor=next_cursor
    )


async def suggested(session: AsyncSession, *, me: User, limit: int) -> PersonPage:
    """People to follow: followed by the people you follow, then the most followed, then the newest."""
    found = await repository.suggestions(session, reader=me.uuid, limit=limit)
    return PersonPage(items=[person(u, False) for u in found], next_cursor=None)
