"""Opaque, tamper-proof cursors for keyset pagination, and the `Link: rel="next"` header.

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
from datetime import UTC, datetime
from typing import Annotated, Any, TypeVar
from urllib.parse import urlencode

import orjson
from fastapi import Query, Request
from fastapi.exceptions import RequestValidationError
from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field, ValidationError

from cruddur_common.errors import AppError

DEFAULT_LIMIT = 20
MAX_LIMIT = 100
_SIG_BYTES = 12
Position = TypeVar("Position", bound="CursorPosition")


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


class Page(BaseModel):
    """A list request's `cursor` and `limit`, with the constraints of `CursorParam` and `LimitParam`."""

    model_config = ConfigDict(frozen=True)

    cursor: str | None = Field(default=None, max_length=_CURSOR_MAX)
    limit: int = Field(default=DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)


_FIRST_PAGE = Page()


def page_of(request: Request) -> Page:
    """`cursor` and `limit` from the query string, for hot routes (cruddur_common.hot).

    Invalid values raise the `RequestValidationError` FastAPI would raise for `CursorParam`/`LimitParam`, so
    the client sees the same 422.
    """
    if not request.scope.get("query_string"):  # the first page, as most requests ask
        return _FIRST_PAGE
    params = request.query_params
    try:
        return Page.model_validate({name: params[name] for name in ("cursor", "limit") if name in params})
    except ValidationError as exc:
        raise RequestValidationError([{**e, "loc": ("query", *e["loc"])} for e in exc.errors()]) from exc


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
