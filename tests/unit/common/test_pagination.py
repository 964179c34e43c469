"""`page_of` and `next_link`: the first-page shortcuts give exactly what the general path gives."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from pydantic import ValidationError
from starlette.requests import Request

from cruddur_common.pagination import DEFAULT_LIMIT, encode_cursor, next_link, page_of


def _request(path: str, query: bytes = b"") -> Request:
    return Request({"type": "http", "method": "GET", "path": path, "query_string": query, "headers": []})


def _general(path: str, query: bytes, cursor: str) -> str:
    params = [(k, v) for k, v in _request(path, query).query_params.multi_items() if k != "cursor"]
    return f'<{path}?{urlencode([*params, ("cursor", cursor)])}>; rel="next"'


CURSORS = [
    encode_cursor({"k": "home", "t": "2026-11-22T12:00:00+00:00"}, secret="s"),
    "plain_cursor-1.2~3",
    "needs quoting/+=&?# é",
    "",
]


@pytest.mark.parametrize("cursor", CURSORS)
@pytest.mark.parametrize("query", [b"", b"limit=5", b"cursor=old&limit=5&x=a+b"])
@pytest.mark.parametrize("path", ["/api/activities/home", "/api/activities/@ann/status/1?#\\"])
def test_next_link_is_the_urlencoded_link(path: str, query: bytes, cursor: str) -> None:
    escaped = path.replace("?", "%3F").replace("#", "%23").replace("\\", "%5C")
    expected = _general(escaped, query, cursor)
    assert next_link(_request(path, query), cursor) == expected


def test_no_cursor_no_link() -> None:
    assert next_link(_request("/x"), None) is None


def test_the_first_page_is_the_default_page() -> None:
    page = page_of(_request("/x"))
    assert (page.cursor, page.limit) == (None, DEFAULT_LIMIT)
    assert page_of(_request("/x", b"limit=3&cursor=abc")).model_dump() == {"cursor": "abc", "limit": 3}
    with pytest.raises(ValidationError):  # the shared first page cannot be changed by one request
        page.limit = 99  # type: ignore[misc]
