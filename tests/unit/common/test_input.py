"""The edge rule: no control characters in a path, a query string or a JSON body, on every route."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from fastapi import APIRouter, Request, Response
from pydantic import BaseModel

from cruddur_common.app import ServiceSpec, create_service_app
from cruddur_common.input import refused_body, refused_path, refused_query
from cruddur_common.settings import CommonSettings

seen: list[Any] = []


class Body(BaseModel):
    text: str
    tags: list[str] = []


async def hot(request: Request) -> Response:
    return Response("hot", media_type="text/plain")


def _app() -> object:
    router = APIRouter()

    @router.get("/things/{name}")
    async def thing(name: str, q: str = "") -> dict[str, str]:
        return {"name": name, "q": q}

    @router.post("/things")
    async def create(body: Body) -> dict[str, Any]:
        seen.append(body.text)
        return body.model_dump()

    @router.get("/hot")
    async def hot_route() -> Response:
        return Response("router", media_type="text/plain")

    spec = ServiceSpec(
        name="guarded",
        title="t",
        description="t",
        settings=CommonSettings(),
        routers=[router],
        hot_routes={"/hot": hot},
    )
    return create_service_app(spec)


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    seen.clear()
    transport = httpx.ASGITransport(app=_app(), raise_app_exceptions=False)  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="http://svc.test") as http:
        yield http


def _refused(response: httpx.Response, where: str) -> None:
    assert response.status_code == 422, response.text
    assert response.json()["error"] == {
        "code": "invalid_characters",
        "message": f"The request {where} contains control characters.",
        "details": {"in": where},
    }
    assert response.headers["x-request-id"]


@pytest.mark.parametrize(
    "path", ["/things/%00", "/things/a%09b", "/things/a%0Ab", "/things/%7F", "/things/%C2%9B"]
)
async def test_paths_with_controls_are_refused(client: httpx.AsyncClient, path: str) -> None:
    _refused(await client.get(path), "path")


@pytest.mark.parametrize("query", ["q=%00", "q=a%1Fb", "q=%7f", "q=%c2%85", "x=1&q=%0B"])
async def test_queries_with_controls_are_refused(client: httpx.AsyncClient, query: str) -> None:
    _refused(await client.get(f"/things/a?{query}"), "query")
    _refused(await client.get(f"/hot?{query}"), "query")  # the hot route too


async def test_clean_requests_pass(client: httpx.AsyncClient) -> None:
    ok = await client.get("/things/h%C3%A9llo", params={"q": "tab\there\nnewline é 🦄"})
    assert ok.json() == {"name": "héllo", "q": "tab\there\nnewline é 🦄"}
    assert (await client.get("/hot")).text == "hot"
    created = await client.post("/things", json={"text": "a\tb\r\nc \u2028 é", "tags": ["x"]})
    assert created.status_code == 200 and seen == ["a\tb\r\nc \u2028 é"]


@pytest.mark.parametrize(
    "body",
    [
        {"text": "a\x00b"},
        {"text": "ok", "tags": ["\x1b[31m"]},
        {"text": "ok", "tags": [], "extra": {"deep": ["\x7f"]}},
        {"text": "c1 \x85"},
        {"te\x00xt": "key"},
    ],
)
async def test_json_bodies_with_controls_are_refused(client: httpx.AsyncClient, body: dict[str, Any]) -> None:
    _refused(await client.post("/things", json=body), "body")
    assert seen == []


async def test_raw_control_bytes_and_lone_surrogates_are_refused(client: httpx.AsyncClient) -> None:
    json_header = {"content-type": "application/json"}
    _refused(await client.post("/things", content=b'{"text": "a\x00"}', headers=json_header), "body")
    _refused(await client.post("/things", content=b'{"text": "\\ud800"}', headers=json_header), "body")
    _refused(await client.post("/things", content=b'{"text": "\\u0000"}'), "body")  # no content type
    pair = await client.post("/things", content=b'{"text": "\\ud83e\\udd84"}', headers=json_header)
    assert pair.status_code == 200 and seen == ["🦄"]


async def test_non_json_bodies_are_left_to_the_route(client: httpx.AsyncClient) -> None:
    response = await client.post("/things", content=b"\x00", headers={"content-type": "text/plain"})
    assert response.status_code == 400 and response.json()["error"]["code"] == "invalid_body"
    broken = await client.post(
        "/things", content=b'{"text": "\\u0000', headers={"content-type": "application/json"}
    )
    assert broken.status_code == 400 and broken.json()["error"]["code"] == "invalid_body"


@pytest.mark.parametrize("depth", [50, 500, 5000, 100_000])
async def test_deeply_nested_bodies_are_a_4xx_not_a_500(client: httpx.AsyncClient, depth: int) -> None:
    """A hostile body nests an escaped control past the parser's depth; the guard must not crash on it."""
    body = ("[" * depth + '"\\u0000"' + "]" * depth).encode()
    response = await client.post("/things", content=body, headers={"content-type": "application/json"})
    assert 400 <= response.status_code < 500, response.text


def test_escaped_backslashes_are_not_controls() -> None:
    assert not refused_body(b'{"text": "C:\\\\u0000 is a path"}')
    assert refused_body(b'{"text": "\\\\\\u0000"}')  # an escaped backslash, then a real \u0000


def test_the_checks_on_a_clean_request_cost_microseconds() -> None:
    """The hot route pays the path and query checks on every request: keep them negligible."""
    path, query = "/api/activities/home", b"cursor=eyJrIjoiaG9tZSJ9.abcdefghijklmnop&limit=20"
    rounds = 20_000
    started = time.process_time()
    for _ in range(rounds):
        refused_path(path)
        refused_query(query)
        refused_query(b"")
    per_request = (time.process_time() - started) / rounds
    # ~1 µs on a quiet bench machine; the bound is loose because CI machines are shared
    assert per_request < 50e-6, f"{per_request * 1e6:.2f} µs per request"
