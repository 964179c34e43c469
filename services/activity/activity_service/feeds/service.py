"""Use cases that read: feeds, user page, crud page, search and trending (keyset pages, signed cursors)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any, Literal

import asyncpg
from pydantic import FiniteFloat

from activity_service.errors import ActivityNotFound, SearchTermBlank, UserNotFound
from activity_service.feeds import repository
from activity_service.feeds.render import render_item, render_items
from activity_service.feeds.repository import TOP
from activity_service.feeds.schemas import Trend
from cruddur_common.pagination import (
    CursorPosition,
    InvalidCursor,
    UtcTime,
    decode_cursor,
    encode_cursor,
    keyset_page,
)

BOTTOM = (datetime.fromisoformat("0001-01-02T00:00:00+00:00"), uuid.UUID(int=0))
TRENDING_LIMIT = 10
PEOPLE_LIMIT = 10


class FeedPosition(CursorPosition):
    """A feed's keyset position: the list kind, then the sort keys that list uses."""

    k: Literal["explore", "home", "user", "replies", "search"]
    t: UtcTime | None = None
    u: uuid.UUID | None = None
    r: uuid.UUID | None = None
    s: FiniteFloat | None = None


def _position(cursor: str | None, *, secret: str, kind: str) -> FeedPosition | None:
    if cursor is None:
        return None
    position = decode_cursor(cursor, secret=secret, shape=FeedPosition)
    if position.k != kind:
        raise InvalidCursor("The cursor belongs to another list.")
    return position


def _key(position: FeedPosition, *names: str) -> tuple[Any, ...]:
    values = tuple(getattr(position, name) for name in names)
    if any(value is None for value in values):
        raise InvalidCursor("The cursor is not valid.")
    return values


def _cursor(kind: str, secret: str, **values: Any) -> str:
    return encode_cursor(
        {"k": kind, **{k: str(v) if not isinstance(v, float) else v for k, v in values.items()}},
        secret=secret,
    )


def _after(kind: str, secret: str) -> Callable[[asyncpg.Record], str]:
    """The cursor after a row of a list sorted by (created_at, uuid): explore, replies."""

    def after(last: asyncpg.Record) -> str:
        return _cursor(kind, secret, t=last["created_at"].isoformat(), u=last["uuid"])

    return after


def _entry_time(row: asyncpg.Record) -> datetime:
    """When a home or user-page entry happened: the repost's time, sent only where it differs (repository)."""
    at: datetime = row["at"] if row["at"] is not None else row["created_at"]
    return at


async def explore(
    db: repository.Db,
    *,
    reader: uuid.UUID | None,
    cursor: str | None,
    limit: int,
    secret: str,
    assets_base_url: str,
    top_db: repository.Statements | None = None,
) -> tuple[list[dict[str, Any]], str | None]:
    """Everyone's live cruds, newest first (the signed-out first page on `top_db`: repository.explore)."""
    position = _position(cursor, secret=secret, kind="explore")
    before = _key(position, "t", "u") if position else TOP
    rows = await repository.explore(db, reader=reader, before=before, limit=limit + 1, top_db=top_db)
    page = keyset_page(rows, limit=limit, cursor_after=_after("explore", secret))
    return render_items(
        page.items, signed_in=reader is not None, assets_base_url=assets_base_url
    ), page.next_cursor


async def home(
    db: repository.Db,
    *,
    timeline_db: repository.Statements,
    reader: uuid.UUID | None,
    cursor: str | None,
    limit: int,
    secret: str,
    assets_base_url: str,
) -> tuple[list[dict[str, Any]], str | None]:
    """Signed in: the people one follows, their reposts and one's own cruds; signed out: explore.

    Items are plain data in `ActivityItem`'s shape (the route serialises them straight to JSON). The
    timeline query runs on `timeline_db` (generic plans, lent connections: activity_service.db).
    """
    if reader is None:
        return await explore(
            db,
            reader=None,
            cursor=cursor,
            limit=limit,
            secret=secret,
            assets_base_url=assets_base_url,
            top_db=timeline_db,
        )
    position = _position(cursor, secret=secret, kind="home")
    before = _key(position, "t", "u", "r") if position else (*TOP, TOP[1])
    rows = await repository.home(timeline_db, reader=reader, before=before, limit=limit + 1)

    def after(last: asyncpg.Record) -> str:
        return _cursor("home", secret, t=_entry_time(last).isoformat(), u=last["uuid"], r=last["reposter"])

    page = keyset_page(rows, limit=limit, cursor_after=after)
    return render_items(page.items, signed_in=True, assets_base_url=assets_base_url), page.next_cursor


async def user_page(
    db: repository.Db,
    *,
    handle: str,
    reader: uuid.UUID | None,
    cursor: str | None,
    limit: int,
    secret: str,
    assets_base_url: str,
) -> dict[str, Any]:
    """A user's profile and a page of their live cruds and reposts, as `UserPage` data; 404 `user_not_found`.

    Someone who blocked the reader is 404 to them, as if absent (docs/safety.md); someone the reader
    blocked shows their profile and no cruds, so the reader can find them again and unblock.
    """
    position = _position(cursor, secret=secret, kind="user")
    before = _key(position, "t", "u") if position else TOP
    found = await repository.profile(db, handle=handle, reader=reader)
    if found is None:
        raise UserNotFound(f"No user @{handle[:30]}.")
    profile = dict(found)  # the query's columns are Profile's fields, in order, then `blocking`
    if reader is None:
        profile["followed"] = None
    if profile.pop("blocking"):  # the reader blocked them: their page, none of their cruds (to unblock)
        return {"profile": profile, "activities": [], "next_cursor": None}
    rows = await repository.user_activities(
        db,
        user=found["uuid"],
        reader=reader,
        before=before,
        limit=limit + 1,
    )

    def after(last: asyncpg.Record) -> str:
        return _cursor("user", secret, t=_entry_time(last).isoformat(), u=last["uuid"])

    page = keyset_page(rows, limit=limit, cursor_after=after)
    activities = render_items(page.items, signed_in=reader is not None, assets_base_url=assets_base_url)
    return {"profile": profile, "activities": activities, "next_cursor": page.next_cursor}


async def crud_page(
    db: repository.Db,
    *,
    handle: str,
    activity: uuid.UUID,
    reader: uuid.UUID | None,
    cursor: str | None,
    limit: int,
    secret: str,
    assets_base_url: str,
) -> dict[str, Any]:
    """A live crud under its author's handle, with a page of direct replies oldest first (`CrudPage` data)."""
    position = _position(cursor, secret=secret, kind="replies")
    after = _key(position, "t", "u") if position else BOTTOM
    row = await repository.one(db, activity=activity, handle=handle, reader=reader)
    if row is None:
        raise ActivityNotFound("No live crud with this uuid by this user.")
    rows = await repository.replies(db, parent=activity, reader=reader, after=after, limit=limit + 1)
    page = keyset_page(rows, limit=limit, cursor_after=_after("replies", secret))
    signed_in = reader is not None
    return {
        "activity": render_item(row, signed_in=signed_in, assets_base_url=assets_base_url),
        "replies": render_items(page.items, signed_in=signed_in, assets_base_url=assets_base_url),
        "next_cursor": page.next_cursor,
    }


async def search(
    db: repository.Db,
    *,
    term: str,
    reader: uuid.UUID | None,
    cursor: str | None,
    limit: int,
    secret: str,
    assets_base_url: str,
) -> dict[str, Any]:
    """Ranked full-text search over live cruds, plus matching people on the first page (as `SearchResult`)."""
    term = term.strip()
    if not term or "\x00" in term:
        raise SearchTermBlank("Type something to search for.")
    position = _position(cursor, secret=secret, kind="search")
    before = _key(position, "s", "t", "u") if position else (float("inf"), *TOP)
    window = await repository.search_window(db, term=term)  # the same for everyone, briefly cached
    rest = [key for key in window if key < before]  # the window is in (rank, time, uuid) order, descending
    people: list[uuid.UUID] = []
    if position is None and not term.startswith("#"):  # a #hashtag names no one
        people = await repository.people_window(db, term=term.lstrip("@"))  # as briefly cached
    rows, users = await repository.search_page(db, window=rest, people=people, reader=reader, limit=limit + 1)

    def after(last: asyncpg.Record) -> str:
        return _cursor("search", secret, s=last["rank"], t=last["created_at"].isoformat(), u=last["uuid"])

    page = keyset_page(rows, limit=limit, cursor_after=after)
    activities = render_items(page.items, signed_in=reader is not None, assets_base_url=assets_base_url)
    return {"activities": activities, "users": users[:PEOPLE_LIMIT], "next_cursor": page.next_cursor}


async def trending(db: repository.Db) -> list[Trend]:
    """The top hashtags of the last 24 hours among live cruds."""
    return [
        Trend(hashtag=r["hashtag"], count=r["count"])
        for r in await repository.trending(db, limit=TRENDING_LIMIT)
    ]
