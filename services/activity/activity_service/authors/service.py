"""Use cases of the author projection: identify callers, apply pushes (authors, follows, relations)."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import asyncpg
import httpx
from pydantic import TypeAdapter

from activity_service.account import service as account_service
from activity_service.authors import clients, repository
from activity_service.authors.repository import Executor
from activity_service.authors.schemas import AuthorEvent, AuthorIn, FollowEvent, FollowIn, ProjectionEvent
from activity_service.db import transaction
from activity_service.errors import AccountDeleted, Suspended
from activity_service.settings import Settings
from activity_service.timeline import repository as timeline
from cruddur_common.auth import Principal
from cruddur_common.contracts import (
    BatchResult,
    BlockEvent,
    ErasureEvent,
    EventResult,
    MuteEvent,
    RelationEvent,
    SuspensionEvent,
    UnmuteEvent,
    consume,
    refused_by_database,
    validate_each,
)

_cache: dict[str, uuid.UUID] = {}
OnErased = Callable[[uuid.UUID], None]  # told each user erased, once the batch is committed


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


async def check_writer(conn: asyncpg.Connection, user: uuid.UUID) -> None:
    """Refuse any write by a suspended (403 `suspended`) or erased (401 `account_deleted`) user.

    Their token outlives the account's disabling or deletion; the row lock (repository.writer) orders the
    write against an erasure in flight.
    """
    state = await repository.writer(conn, user)
    if state is not None and state["erased"]:
        raise AccountDeleted()
    if state is not None and state["suspended"]:
        raise Suspended("This account is suspended.")


async def apply_author(pool: asyncpg.Pool, author: AuthorIn) -> bool:
    """Store a pushed author unless a newer copy is already there."""
    return await repository.upsert_author(pool, author)


async def apply_follow(pool: asyncpg.Pool, edge: FollowIn, *, following: bool) -> bool:
    """Add or remove a pushed follow edge (authors refreshed first); fill or clear the timeline."""
    async with transaction(pool) as conn:
        await repository.upsert_author(conn, edge.follower)
        await repository.upsert_author(conn, edge.followee)
        return await _set_edge(
            conn, follower=edge.follower.uuid, followee=edge.followee.uuid, following=following
        )


_EVENT: TypeAdapter[ProjectionEvent] = TypeAdapter(ProjectionEvent)


def _ignore(_: uuid.UUID) -> None:
    pass


async def apply_events(
    pool: asyncpg.Pool, events: list[object], *, on_erased: OnErased = _ignore
) -> BatchResult:
    """Apply the user service's outbox events in order; one refused for good does not stop the rest.

    A batch is applied as its net effect in one transaction (`_apply_net`); should the database refuse
    any of it (a self-follow's check), it is applied again event by event so that only that event is
    refused. `on_erased` hears of each erased user after the commit (their pictures' S3 objects).
    """
    parsed = validate_each(events, model=_EVENT)
    try:
        async with transaction(pool) as conn:
            await _apply_net(conn, [e for e in parsed if not isinstance(e, EventResult)])
    except Exception as exc:
        if not refused_by_database(exc):
            raise  # the call fails and is retried: the database is away
        return await _apply_each(pool, events, on_erased=on_erased)
    for event in parsed:
        if isinstance(event, ErasureEvent):
            on_erased(event.user)
    return BatchResult(results=[e if isinstance(e, EventResult) else EventResult(ok=True) for e in parsed])


async def _apply_net(conn: asyncpg.Connection, events: list[ProjectionEvent]) -> None:
    """What applying `events` in order leaves behind, with one write per author, follow edge and relation.

    Issue 12's soak: a follow event carries both its authors, so a batch of 50 follows and unfollows
    between two people wrote the same two authors 100 times and toggled one edge 50 times, in 50
    transactions: the user outbox's lag (p99 4-7 s while activity's own stayed under 1 s). An author
    write keeps the newest copy anyway (`updated_at`), and an edge's last event decides whether it exists.
    Blocks, mutes and suspensions are independent of authors and follows, so their last event decides too.
    An erasure is final wherever it stands in the batch: it is applied first, and its tombstone makes every
    write about that user (before or after it in the batch, or delivered later) a no-op.
    """
    newest: dict[uuid.UUID, AuthorIn] = {}
    edges: dict[tuple[uuid.UUID, uuid.UUID], bool] = {}
    relations = _NetRelations()
    for event in events:
        if isinstance(event, ErasureEvent):
            await account_service.erase(conn, user=event.user, sub=event.sub)
        elif isinstance(event, AuthorEvent | FollowEvent):
            authors = [event.author] if isinstance(event, AuthorEvent) else [event.follower, event.followee]
            for author in authors:
                kept = newest.get(author.uuid)
                if kept is None or kept.updated_at <= author.updated_at:
                    newest[author.uuid] = author
            if isinstance(event, FollowEvent):
                edges[(event.follower.uuid, event.followee.uuid)] = event.type == "follow"
        else:
            relations.add(event)
    for author in newest.values():
        await repository.upsert_author(conn, author)
    for (follower, followee), following in sorted(edges.items(), key=lambda e: (e[0][1], e[0][0])):
        await _set_edge(conn, follower=follower, followee=followee, following=following)
    for event in relations.last():
        await _apply_relation(conn, event)


class _NetRelations:
    """The last relation event per pair (block, mute) and per user (suspension), in first-seen order."""

    def __init__(self) -> None:
        self._last: dict[tuple[str, uuid.UUID, uuid.UUID], RelationEvent] = {}

    def add(self, event: RelationEvent) -> None:
        if isinstance(event, BlockEvent):
            key = ("block", event.blocker, event.blocked)
        elif isinstance(event, MuteEvent | UnmuteEvent):
            key = ("mute", event.muter, event.muted)
        else:
            key = (event.type, event.user, event.user)
        self._last[key] = event

    def last(self) -> list[RelationEvent]:
        return list(self._last.values())


async def _apply_relation(db: Executor, event: RelationEvent) -> None:
    """Apply one block, unblock, mute, unmute or suspension event (each is idempotent; erasures: `erase`)."""
    if isinstance(event, BlockEvent):
        await repository.set_block(db, blocker=event.blocker, blocked=event.blocked, on=event.type == "block")
    elif isinstance(event, MuteEvent):
        await repository.set_mute(db, muter=event.muter, muted=event.muted, until=event.until)
    elif isinstance(event, UnmuteEvent):
        await repository.unmute(db, muter=event.muter, muted=event.muted)
    elif isinstance(event, SuspensionEvent):
        await repository.set_suspended(db, user=event.user, suspended=event.suspended)


async def _set_edge(
    conn: asyncpg.Connection, *, follower: uuid.UUID, followee: uuid.UUID, following: bool
) -> bool:
    """Add or remove one follow edge and fill or clear the follower's timeline; True when it changed."""
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


async def _apply_each(pool: asyncpg.Pool, events: list[object], *, on_erased: OnErased) -> BatchResult:
    """The batch event by event, each in its own transaction."""

    async def apply(event: ProjectionEvent) -> None:
        if isinstance(event, ErasureEvent):
            async with transaction(pool) as conn:
                await account_service.erase(conn, user=event.user, sub=event.sub)
            on_erased(event.user)
        elif isinstance(event, AuthorEvent):
            await apply_author(pool, event.author)
        elif isinstance(event, FollowEvent):
            await apply_follow(pool, event, following=event.type == "follow")
        else:
            await _apply_relation(pool, event)

    return await consume(events, model=_EVENT, apply=apply)
