"""`page_of`, `next_link` and `keyset_page`: the shortcuts give exactly what the general path gives."""

from __future__ import annotations

from urllib.parse import urlencode

import httpx
import pytest
from fastapi import FastAPI, Response
from pydantic import ValidationError
from starlette.requests import Request

from cruddur_common.pagination import (
    DEFAULT_LIMIT,
    PAGED_RESPONSES,
    CursorParam,
    LimitParam,
    Page,
    PageQuery,
    encode_cursor,
    keyset_page,
    next_link,
    page_of,
    set_next_link,
)


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


def _inline(rows: list[int], limit: int) -> tuple[list[int], str | None]:
    """The limit+1 / slice / cursor-from-last-row code that `keyset_page` replaced, as it was written."""
    next_cursor = None
    if len(rows) > limit:
        last = rows[limit - 1]
        next_cursor = f"after {last}"
    return rows[:limit], next_cursor


@pytest.mark.parametrize("limit", [1, 2, 5])
@pytest.mark.parametrize("found", [0, 1, 2, 3, 5, 6])
def test_keyset_page_is_the_inline_code(limit: int, found: int) -> None:
    rows = list(range(min(found, limit + 1)))  # the query asked for limit + 1 rows
    calls: list[int] = []

    def cursor_after(row: int) -> str:
        calls.append(row)
        return f"after {row}"

    page = keyset_page(rows, limit=limit, cursor_after=cursor_after)
    assert (page.items, page.next_cursor) == _inline(rows, limit)
    assert len(calls) == (1 if len(rows) > limit else 0)  # once per page, never per row


def test_a_page_is_its_items_and_the_next_cursor() -> None:
    assert keyset_page(["a", "b", "c"], limit=2, cursor_after=str.upper) == Page(["a", "b"], "B")
    assert keyset_page(["a"], limit=2, cursor_after=str.upper) == Page(["a"], None)


def test_set_next_link_sets_the_header_only_when_there_is_a_next_page() -> None:
    last, more = Response(), Response()
    set_next_link(_request("/x"), last, None)
    set_next_link(_request("/x"), more, "abc")
    assert "link" not in last.headers
    assert more.headers["link"] == '</x?cursor=abc>; rel="next"'
    assert set(PAGED_RESPONSES) == {200, 400}


def _apps() -> tuple[FastAPI, FastAPI]:
    written, dependency = FastAPI(), FastAPI()

    @written.get("/x")
    async def x_written(cursor: CursorParam = None, limit: LimitParam = DEFAULT_LIMIT) -> list[object]:
        return [cursor, limit]

    @dependency.get("/x")
    async def x_dependency(page: PageQuery) -> list[object]:
        return [page.cursor, page.limit]

    return written, dependency


async def test_page_query_is_the_written_out_parameters() -> None:
    written, dependency = _apps()
    assert (
        written.openapi()["paths"]["/x"]["get"]["parameters"]
        == (dependency.openapi()["paths"]["/x"]["get"]["parameters"])
    )
    queries = ["", "?limit=3&cursor=abc", "?limit=0", "?limit=101&cursor=" + "c" * 1025, "?limit=x"]
    async with (
        httpx.AsyncClient(transport=httpx.ASGITransport(app=written), base_url="http://t") as a,
        httpx.AsyncClient(transport=httpx.ASGITransport(app=dependency), base_url="http://t") as b,
    ):
        for query in queries:
            ra, rb = await a.get("/x" + query), await b.get("/x" + query)
            assert (ra.status_code, ra.json()) == (rb.status_code, rb.json()), query
