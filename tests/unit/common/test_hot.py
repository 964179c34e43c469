"""Hot routes: exact GET paths skip the router; everything else, and every error, behaves as usual."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import APIRouter, Request, Response

from cruddur_common.app import ServiceSpec, create_service_app
from cruddur_common.errors import NotFound
from cruddur_common.pagination import page_of
from cruddur_common.settings import CommonSettings

served: list[str] = []


async def hot(request: Request) -> Response:
    served.append("hot")
    page = page_of(request)
    if page.cursor == "missing":
        raise NotFound("Nothing here.")
    if page.cursor == "boom":
        raise RuntimeError("boom")
    return Response(f"hot {page.limit}", media_type="text/plain")


def _app(*, enabled: bool) -> object:
    router = APIRouter()

    @router.get("/items")
    async def items() -> Response:
        served.append("router")
        return Response("router", media_type="text/plain")

    @router.post("/items")
    async def create() -> Response:
        served.append("router post")
        return Response("created", media_type="text/plain", status_code=201)

    spec = ServiceSpec(
        name="hottest",
        title="t",
        description="t",
        settings=CommonSettings(hot_routes=enabled),
        routers=[router],
        hot_routes={"/items": hot},
    )
    return create_service_app(spec)


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    served.clear()
    transport = httpx.ASGITransport(app=_app(enabled=True), raise_app_exceptions=False)  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="http://svc.test") as http:
        yield http


async def test_get_on_the_exact_path_is_served_hot_with_the_request_context(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/items", params={"limit": 7}, headers={"x-request-id": "req-1"})
    assert response.text == "hot 7"
    assert response.headers["x-request-id"] == "req-1"  # inside RequestContextMiddleware
    assert response.headers["x-cruddur-service"] == "hottest"
    assert served == ["hot"]


async def test_other_methods_and_paths_go_to_the_router(client: httpx.AsyncClient) -> None:
    assert (await client.post("/items")).status_code == 201
    assert (await client.get("/items/")).status_code in (307, 404)
    assert served == ["router post"]


async def test_errors_use_the_apps_handlers(client: httpx.AsyncClient) -> None:
    invalid = await client.get("/items", params={"limit": 0})
    assert invalid.status_code == 422
    assert invalid.json()["error"]["details"][0]["loc"] == ["query", "limit"]
    missing = await client.get("/items", params={"cursor": "missing"})
    assert missing.status_code == 404
    assert missing.json() == {"error": {"code": "not_found", "message": "Nothing here."}}
    boom = await client.get("/items", params={"cursor": "boom"})
    assert boom.status_code == 500
    assert boom.json()["error"]["code"] == "internal_error"
    assert boom.headers["x-request-id"]


async def test_switched_off_everything_goes_through_fastapi() -> None:
    served.clear()
    transport = httpx.ASGITransport(app=_app(enabled=False))  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="http://svc.test") as http:
        assert (await http.get("/items")).text == "router"
    assert served == ["router"]


async def test_startup_freezes_what_it_built() -> None:
    gc.unfreeze()
    app = _app(enabled=True)
    async with app.router.lifespan_context(app):  # type: ignore[attr-defined]
        assert gc.get_freeze_count() > 10_000  # full collections no longer walk the app's own objects
