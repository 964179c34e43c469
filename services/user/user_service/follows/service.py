"""Use cases of the follow graph; each owns its transaction and queues the projection update in it."""

from __future__ import annotations

from typing import Literal

from sqlalchemy.ext.asyncio import AsyncSession

from user_service import people_pages
from user_service.errors import Blocked, CannotFollowSelf
from user_service.follows import repository
from user_service.follows.render import render_person
from user_service.follows.schemas import FollowState, PersonPage
from user_service.models import User
from user_service.outbox import events
from user_service.profiles import service as profiles_service
from user_service.relations import repository as relations_repository
from user_service.settings import Settings

Direction = Literal["followers", "following"]


async def set_following(
    session: AsyncSession,
    *,
    me: User,
    handle: str,
    following: bool,
    settings: Settings,
    notify: events.Notify,
) -> FollowState:
    """Follow or unfollow (idempotent); 422 `cannot_follow_self`, 404 `user_not_found`, 403 `blocked`."""
    target = await profiles_service.by_handle(session, handle)
    if target.uuid == me.uuid:
        raise CannotFollowSelf("You cannot follow yourself.")
    if following:
        # the pair's lock orders this follow and a block of the same two (relations.service.set_blocking)
        await relations_repository.lock_pair(session, me.uuid, target.uuid)
        if await relations_repository.blocked_between(session, me.uuid, target.uuid):
            raise Blocked("You cannot follow this account.")
    changed = await _set_edge(
        session, follower=me, followee=target, following=following, assets_base_url=settings.assets_base_url
    )
    count = await repository.followers_count(session, target.uuid)
    await session.commit()
    if changed:
        notify()
    return FollowState(handle=target.handle, following=following, followers_count=count)


async def _set_edge(
    session: AsyncSession, *, follower: User, followee: User, following: bool, assets_base_url: str
) -> bool:
    """Add or remove one edge and queue its event when it changed; True when it did."""
    if following:
        changed = await repository.add(session, follower=follower.uuid, followee=followee.uuid)
    else:
        changed = await repository.remove(session, follower=follower.uuid, followee=followee.uuid)
    if changed:
        await events.publish_follow(
            session,
            follower=follower,
            followee=followee,
            following=following,
            assets_base_url=assets_base_url,
        )
    return changed


async def unfollow_both_ways(session: AsyncSession, a: User, b: User, *, assets_base_url: str) -> None:
    """Remove the follows between two people, each with its `unfollow` event (a block's first step)."""
    for follower, followee in ((a, b), (b, a)):
        await _set_edge(
            session, follower=follower, followee=followee, following=False, assets_base_url=assets_base_url
        )


async def people(
    session: AsyncSession,
    *,
    handle: str,
    direction: Direction,
    reader: User | None,
    cursor: str | None,
    limit: int,
    settings: Settings,
) -> PersonPage:
    """A page of a user's followers or followed people, newest edge first; 404 for a blocked pair."""
    target = await profiles_service.seen_by(session, handle, reader=reader)
    secret = settings.cursor_secret
    rows = await repository.page(
        session,
        user=target.uuid,
        direction=direction,
        reader=reader.uuid if reader else None,
        before=people_pages.before(cursor, secret=secret, kind=direction),
        limit=limit + 1,
    )
    page = people_pages.people_page(
        [row._tuple() for row in rows],
        limit=limit,
        kind=direction,
        secret=secret,
        position=lambda row: (row[2], row[0].uuid),
    )
    base = settings.assets_base_url
    items = [render_person(u, followed=f, assets_base_url=base) for u, f, _ in page.items]
    return PersonPage(items=items, next_cursor=page.next_cursor)


async def suggested(session: AsyncSession, *, me: User, limit: int, settings: Settings) -> PersonPage:
    """People to follow: followed by the people you follow, then the most followed, then the newest.

    Nobody in a block with you, either way, and nobody you mute.
    """
    found = await repository.suggestions(session, reader=me.uuid, limit=limit)
    base = settings.assets_base_url
    return PersonPage(
        items=[render_person(u, followed=False, assets_base_url=base) for u in found], next_cursor=None
    )
