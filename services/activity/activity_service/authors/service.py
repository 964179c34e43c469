"""Use cases of the author projection: identify callers, apply pushes from the user service."""

from __future__ import annotations

import uuid

import asyncpg
import httpx
from pydantic import TypeAdapter

from activity_service.authors import clients, repository
from activity_service.authors.schemas import AuthorEvent, AuthorIn, FollowIn, ProjectionEvent
from activity_service.db import transaction
from activity_service.settings import Settings
from activity_service.timeline import repository as timeline
from cruddur_common.auth import Principal
from cruddur_common.contracts import BatchResult, consume

_cache: dict[str, uuid.UUID] = {}


async def uuid_for(
    pool: asyncpg.Pool, *, http: httpx.AsyncClient, principal: Principal, settings: Settings
) -> uuid.UUID:
    """The caller's user uuid: process cache (a sub never changes owner), projection, user service."""
    found = _cache.get(principal.sub)
    if found is None:
        found = await repository.uuid_by_sub(pool, principal.sub)
        if found is None:
            author = await clients.fetch_me(http, base_url=settings.user_url, token=principal.token)
            await repository.upsert_author(pool, author)
            found = author.uuid
        if len(_cache) >= settings.author_cache_size:
            _cache.clear()
        _cache[principal.sub] = found
    return found


async def apply_author(pool: asyncpg.Pool, author: AuthorIn) -> bool:
    """Store a pushed author unless a newer copy is already there."""
    return await repository.upsert_author(pool, author)


async def apply_follow(pool: asyncpg.Pool, edge: FollowIn, *, following: bool) -> bool:
    """Add or remove a pushed follow edge (authors refreshed first); fill or clear the timeline."""
    follower, followee = edge.follower.uuid, edge.followee.uuid
    async with transaction(pool) as conn:
        await repository.upsert_author(conn, edge.follower)
        await repository.upsert_author(conn, edge.followee)
        await timeline.lock_author(conn, followee, exclusive=True)
        if following:
            changed = await repository.follow(conn, follower=follower, followee=followee)
            if changed:
                await timeline.backfill(conn, owner=follower, followee=followee)
        else:
            changed = await repository.unfollow(conn, follower=follower, followee=followee)
            if changed:
                await timeline.remove_followee(conn, owner=follower, followee=followee)
        return changed


_EVENT: TypeAdapter[ProjectionEvent] = TypeAdapter(ProjectionEvent)


async def apply_events(pool: asyncpg.Pool, events: list[object]) -> BatchResult:
    """Apply the user service's outbox events in order; one refused for good does not stop the rest."""

    async def apply(event: ProjectionEvent) -> None:
        if isinstance(event, AuthorEvent):
            await apply_author(pool, event.author)
        else:
            await apply_follow(pool, event, following=event.type == "follow")

    return await consume(events, model=_EVENT, apply=apply)
