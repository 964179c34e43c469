"""Keyset cursors of the feeds: signed, kind-bound, round-tripping exact positions."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from activity_service.feeds.service import _cursor, _key, _position
from cruddur_common.pagination import InvalidCursor, encode_cursor

SECRET = "test-secret"


def test_round_trip_keeps_microseconds_and_floats() -> None:
    at = datetime(2026, 1, 2, 3, 4, 5, 123456, tzinfo=UTC)
    u = uuid.uuid4()
    cursor = _cursor("search", SECRET, s=0.0607927106320858, t=at.isoformat(), u=u)
    position = _position(cursor, secret=SECRET, kind="search")
    assert position is not None
    assert _key(position, "s", "t", "u") == (0.0607927106320858, at, u)


def test_a_cursor_of_another_list_is_refused() -> None:
    cursor = _cursor("user", SECRET, t=datetime.now(UTC).isoformat(), u=uuid.uuid4())
    with pytest.raises(InvalidCursor):
        _position(cursor, secret=SECRET, kind="home")


def test_a_signed_cursor_with_bad_fields_is_refused() -> None:
    cursor = _cursor("home", SECRET, t="yesterday", u="not-a-uuid")
    with pytest.raises(InvalidCursor):
        _position(cursor, secret=SECRET, kind="home")


@pytest.mark.parametrize(
    "position",
    [
        {"k": "explore", "u": 5},
        {"k": "explore", "t": "9999-12-31T23:59:59-23:59", "u": str(uuid.uuid4())},
        {"k": "explore", "t": "2026-01-01T00:00:00", "u": str(uuid.uuid4())},  # naive
        {"k": "explore", "t": 1767225600, "u": str(uuid.uuid4())},
        {"k": "explore", "t": "2026-01-01T00:00:00Z", "u": str(uuid.uuid4()), "x": 1},
        {"k": "nope", "t": "2026-01-01T00:00:00Z", "u": str(uuid.uuid4())},
    ],
)
def test_a_signed_cursor_of_the_wrong_shape_is_refused(position: dict[str, object]) -> None:
    cursor = encode_cursor(position, secret=SECRET)
    with pytest.raises(InvalidCursor):
        found = _position(cursor, secret=SECRET, kind=str(position["k"]))
        assert found is not None
        _key(found, "t", "u")
