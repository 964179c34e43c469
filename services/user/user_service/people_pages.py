"""Keyset pages of people (followers, following, blocks, mutes): one signed position, checked per list."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Literal, TypeVar

from cruddur_common.pagination import (
    CursorPosition,
    InvalidCursor,
    Page,
    UtcTime,
    decode_cursor,
    encode_cursor,
    keyset_page,
)

PeopleList = Literal["followers", "following", "blocks", "mutes"]
Row = TypeVar("Row")


class PeoplePosition(CursorPosition):
    """Where a page of people stopped: the list, the time of the edge (follow, block, mute), the person."""

    k: PeopleList
    t: UtcTime
    u: uuid.UUID


def before(cursor: str | None, *, secret: str, kind: PeopleList) -> tuple[datetime, uuid.UUID] | None:
    """The (time, person) the next page starts after; 400 `invalid_cursor`, also for another list's cursor."""
    if cursor is None:
        return None
    position = decode_cursor(cursor, secret=secret, shape=PeoplePosition)
    if position.k != kind:
        raise InvalidCursor("The cursor belongs to another list.")
    return position.t, position.u


def people_page(
    rows: list[Row],
    *,
    limit: int,
    kind: PeopleList,
    secret: str,
    position: Callable[[Row], tuple[datetime, uuid.UUID]],
) -> Page[Row]:
    """The page of a query that asked for `limit + 1` rows, its cursor made from the last row's position."""

    def cursor_after(last: Row) -> str:
        at, person = position(last)
        return encode_cursor({"k": kind, "t": at.isoformat(), "u": str(person)}, secret=secret)

    return keyset_page(rows, limit=limit, cursor_after=cursor_after)
