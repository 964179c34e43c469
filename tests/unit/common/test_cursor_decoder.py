"""`decode_cursor`: refuses what it did not sign, and what it signed in a shape the list does not use."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from cruddur_common.pagination import (
    CursorPosition,
    InvalidCursor,
    PgBigint,
    UtcTime,
    decode_cursor,
    encode_cursor,
)

SECRET = "s" * 32


class Position(CursorPosition):
    t: UtcTime
    u: uuid.UUID
    q: PgBigint = 0


def test_round_trip() -> None:
    u = uuid.uuid4()
    cursor = encode_cursor({"t": "2026-01-02T03:04:05.000006+02:00", "u": str(u), "q": 7}, secret=SECRET)
    position = decode_cursor(cursor, secret=SECRET, shape=Position)
    assert position == Position(t=datetime(2026, 1, 2, 1, 4, 5, 6, tzinfo=UTC), u=u, q=7)
    assert position.t.tzinfo is UTC


@pytest.mark.parametrize(
    "cursor",
    [
        "garbage",
        "%%%",
        "",
        "A" * 40,
        encode_cursor({"t": "2026-01-01T00:00:00Z", "u": str(uuid.uuid4())}, secret="another key"),
    ],
)
def test_what_we_did_not_sign_is_refused(cursor: str) -> None:
    with pytest.raises(InvalidCursor):
        decode_cursor(cursor, secret=SECRET, shape=Position)


@pytest.mark.parametrize(
    "position",
    [
        {"u": 5},
        {"t": "9999-12-31T23:59:59-23:59", "u": str(uuid.uuid4())},  # year 10000 in UTC
        {"t": "0001-01-01T00:00:00+14:00", "u": str(uuid.uuid4())},  # year 0 in UTC
        {"t": "2026-01-01T00:00:00", "u": str(uuid.uuid4())},  # naive
        {"t": 1767225600, "u": str(uuid.uuid4())},  # a number is not a time
        {"t": "2026-01-01T00:00:00Z", "u": 5},
        {"t": "2026-01-01T00:00:00Z", "u": str(uuid.uuid4()), "q": 2**63},
        {"t": "2026-01-01T00:00:00Z", "u": str(uuid.uuid4()), "q": True},
        {"t": "2026-01-01T00:00:00Z", "u": str(uuid.uuid4()), "q": "7"},
        {"t": "2026-01-01T00:00:00Z", "u": str(uuid.uuid4()), "extra": 1},
        ["t", "u"],
        "a string",
    ],
)
def test_a_signed_position_of_the_wrong_shape_is_refused(position: object) -> None:
    cursor = encode_cursor(position, secret=SECRET)  # type: ignore[arg-type]
    with pytest.raises(InvalidCursor):
        decode_cursor(cursor, secret=SECRET, shape=Position)
