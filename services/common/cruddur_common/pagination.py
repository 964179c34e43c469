"""Keyset pagination, one way for every list: signed cursors, `Page[T]`, the limit+1 helper, `Link`.

A list query asks for `limit + 1` rows; `keyset_page` keeps `limit` of them and, when the extra row
came back, makes the cursor from the last row kept (`Page[T]`: the items and `next_cursor`). Routes
that take a cursor declare `PAGED_RESPONSES` (or `INVALID_CURSOR_RESPONSES` when the next page is in
the body, not in `Link`) and set the header with `set_next_link`.

A cursor is an HMAC-signed JSON position. Decoding checks the signature and then the position's
shape: each list names a pydantic model of its position (`decode_cursor(..., shape=...)`), so a
cursor signed with a leaked or default key but carrying wrong types, out-of-range times or numbers,
or keys of another list is a 400 `invalid_cursor`, never a 500 deeper down.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any, Generic, TypeVar
from urllib.parse import urlencode

import orjson
from fastapi import Depends, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field, ValidationError

from cruddur_common.errors import AppError, ErrorResponse

DEFAULT_LIMIT = 20
MAX_LIMIT = 100
_SIG_BYTES = 12
Position = TypeVar("Position", bound="CursorPosition")
T = TypeVar("T")


class InvalidCursor(AppError):
    """The cursor is malformed or was not issued by us."""

    status_code = 400
    code = "invalid_cursor"


def _in_utc(value: datetime) -> datetime:
    # 9999-12-31T23:59:59-23:59 parses, but is past datetime.max in UTC: asyncpg would raise
    try:
        return value.astimezone(UTC)
    except OverflowError as exc:
        raise ValueError("the time is out of range in UTC") from exc


# Types for positions (and other input that reaches a query): an aware time that is still a time in
# UTC, and an integer that fits a Postgres bigint (asyncpg raises on anything larger).
UtcTime = Annotated[AwareDatetime, AfterValidator(_in_utc)]
PG_BIGINT_MAX = 2**63 - 1
PgBigint = Annotated[int, Field(ge=-(2**63), le=PG_BIGINT_MAX)]


class CursorPosition(BaseModel):
    """Base of every list's position: strict types, no unknown keys, immutable."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def encode_cursor(position: dict[str, Any], *, secret: str) -> str:
    """Sign and encode a keyset position (JSON-serialisable values)."""
    payload = orjson.dumps(position, option=orjson.OPT_SORT_KEYS)
    signature = hmac.digest(secret.encode(), payload, hashlib.sha256)[:_SIG_BYTES]
    return _b64(signature + payload)


def decode_cursor(cursor: str, *, secret: str, shape: type[Position]) -> Position:
    """Verify, decode and validate a cursor; 400 `invalid_cursor` for anything we did not issue."""
    try:
        raw = _unb64(cursor)
    except (ValueError, TypeError) as exc:
        raise InvalidCursor("The cursor is not valid.") from exc
    signature, payload = raw[:_SIG_BYTES], raw[_SIG_BYTES:]
    expected = hmac.digest(secret.encode(), payload, hashlib.sha256)[:_SIG_BYTES]
    if len(signature) != _SIG_BYTES or not hmac.compare_digest(signature, expected):
        raise InvalidCursor("The cursor is not valid.")
    try:
        return shape.model_validate_json(payload)
    except ValidationError as exc:
        raise InvalidCursor("The cursor is not valid.") from exc


_CURSOR_MAX = 1024
CursorParam = Annotated[
    str | None,
    Query(max_length=_CURSOR_MAX, description="Opaque cursor from the previous page (`next_cursor`)."),
]
LimitParam = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Items per page (1-100).")]


class PageRequest(BaseModel):
    """A list request's `cursor` and `limit`, with the constraints of `CursorParam` and `LimitParam`."""

    model_config = ConfigDict(frozen=True)

    cursor: str | None = Field(default=None, max_length=_CURSOR_MAX)
    limit: int = Field(default=DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)


_FIRST_PAGE = PageRequest()


def page_query(cursor: CursorParam = None, limit: LimitParam = DEFAULT_LIMIT) -> PageRequest:
    """`cursor` and `limit` from the query string, validated by FastAPI as `CursorParam`/`LimitParam`."""
    return PageRequest.model_construct(cursor=cursor, limit=limit)


# A paged route's `page: PageQuery` documents and validates the same two query parameters as
# `cursor: CursorParam = None, limit: LimitParam = DEFAULT_LIMIT` written out.
PageQuery = Annotated[PageRequest, Depends(page_query)]


def page_of(request: Request) -> PageRequest:
    """`cursor` and `limit` from the query string, for hot routes (cruddur_common.hot).

    Invalid values raise the `RequestValidationError` FastAPI would raise for `CursorParam`/`LimitParam`, so
    the client sees the same 422.
    """
    if not request.scope.get("query_string"):  # the first page, as most requests ask
        return _FIRST_PAGE
    params = request.query_params
    try:
        given = {name: params[name] for name in ("cursor", "limit") if name in params}
        return PageRequest.model_validate(given)
    except ValidationError as exc:
        raise RequestValidationError([{**e, "loc": ("query", *e["loc"])} for e in exc.errors()]) from exc


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One page of a list: its items, and the cursor of the next page (None on the last page)."""

    items: list[T]
    next_cursor: str | None


def keyset_page(rows: list[T], *, limit: int, cursor_after: Callable[[T], str]) -> Page[T]:
    """The page of a query that asked for `limit + 1` rows: `limit` rows, and a cursor if there are more.

    `cursor_after(row)` encodes the position of the page's last row; it runs once per page, never per
    row, so a hot list pays one slice and one call for it (as the inline code it replaces did).
    """
    if len(rows) <= limit:
        return Page(rows, None)
    items = rows[:limit]
    return Page(items, cursor_after(items[-1]))


# OpenAPI `responses=` of the routes that take a cursor: every one refuses a cursor it did not sign,
# and a route whose body is a bare array points at the next page in `Link`.
INVALID_CURSOR_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorResponse, "description": "Invalid cursor (`invalid_cursor`)"}
}
LINK_HEADER: dict[str, dict[str, Any]] = {
    "Link": {"description": 'The next page: `<url>; rel="next"`', "schema": {"type": "string"}}
}
PAGED_RESPONSES: dict[int | str, dict[str, Any]] = {200: {"headers": LINK_HEADER}, **INVALID_CURSOR_RESPONSES}


def set_next_link(request: Request, response: Response, next_cursor: str | None) -> None:
    """Point the response's `Link` header at the next page (no header on the last page)."""
    link = next_link(request, next_cursor)
    if link is not None:
        response.headers["Link"] = link


def next_link(request: Request, next_cursor: str | None) -> str | None:
    """The value of a `Link` header pointing at the next page, or None on the last page."""
    if next_cursor is None:
        return None
    # request.url.path, without building the whole URL (a hot-path cost): the path as Starlette escapes it
    path = request.scope["path"].replace("?", "%3F").replace("#", "%23").replace("\\", "%5C")
    if not request.scope.get("query_string") and _URL_SAFE.fullmatch(next_cursor):
        return f'<{path}?cursor={next_cursor}>; rel="next"'  # what urlencode would write, without it
    params = [(k, v) for k, v in request.query_params.multi_items() if k != "cursor"]
    params.append(("cursor", next_cursor))
    return f'<{path}?{urlencode(params)}>; rel="next"'


_URL_SAFE = re.compile(r"[A-Za-z0-9_.~-]*")  # characters urlencode (quote_plus) leaves alone
