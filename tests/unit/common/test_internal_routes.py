"""Every /internal route of every service refuses a caller without the service credential (401)."""

from __future__ import annotations

import functools
import importlib
import re
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fastapi import APIRouter, FastAPI
from fastapi.routing import APIRoute
from pydantic import SecretStr
from starlette.routing import Mount

from cruddur_common.app import ServiceSpec, create_service_app
from cruddur_common.internal_auth import HEADER, mint
from cruddur_common.registry import load_registry
from cruddur_common.settings import DEV_INTERNAL_SECRET, CommonSettings

PLACEHOLDER = "00000000-0000-4000-8000-000000000000"  # parses as a uuid, a handle-free sub, anything


def _routes(routes: list[Any], prefix: str = "") -> Iterator[tuple[str, str]]:
    """(method, path) of every API route, through included routers (FastAPI keeps them nested)."""
    for route in routes:
        if isinstance(route, APIRoute):
            for method in sorted(route.methods):
                yield method, prefix + route.path
        elif hasattr(route, "original_router"):  # an included router
            context_prefix = getattr(getattr(route, "include_context", None), "prefix", "")
            yield from _routes(route.original_router.routes, prefix + context_prefix)


def _internal_routes(app: FastAPI) -> list[tuple[str, str]]:
    found = [(m, re.sub(r"\{[^}]+\}", PLACEHOLDER, p)) for m, p in _routes(app.routes)]
    return [(m, p) for m, p in found if p.startswith("/internal/")]


NAMES = [e.name for e in load_registry()]


@functools.cache
def _app(name: str) -> FastAPI:
    """The service's app as uvicorn builds it (built on first use, not at collection)."""
    entry = next(e for e in load_registry() if e.name == name)
    app: FastAPI = importlib.import_module(f"{entry.package}.main").create_app()
    return app


def test_the_walk_sees_every_services_internal_routes() -> None:
    # Guards the walk itself: were it to find nothing, the test below would pass vacuously.
    apps = [(name, _app(name)) for name in NAMES]
    counts = {name: len(_internal_routes(app)) for name, app in apps}
    assert counts["activity"] >= 3 and counts["user"] >= 5 and counts["notification"] >= 2, counts
    documented = {path for _, app in apps for path in app.openapi()["paths"] if path.startswith("/internal/")}
    walked = {p for _, app in apps for _, p in _routes(app.routes) if p.startswith("/internal/")}
    assert documented <= walked


def _client(app: FastAPI) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)  # no lifespan: no datastores
    return httpx.AsyncClient(transport=transport, base_url="http://service")


@pytest.mark.parametrize("name", NAMES)
async def test_every_internal_route_refuses_calls_without_a_valid_credential(name: str) -> None:
    app = _app(name)
    wrong = mint(secret=SecretStr("not-the-secret" * 4), caller="attacker", now=time.time())
    expired = mint(secret=SecretStr(DEV_INTERNAL_SECRET), caller=name, now=time.time() - 300)
    async with _client(app) as client:
        for method, path in _internal_routes(app):
            for headers, code in (
                ({}, "internal_credential_required"),
                ({HEADER: wrong}, "internal_credential_invalid"),
                ({HEADER: expired}, "internal_credential_expired"),
                ({"authorization": f"Bearer {wrong}"}, "internal_credential_required"),
            ):
                response = await client.request(method, path, headers=headers, json={})
                assert response.status_code == 401, (method, path, headers, response.text)
                assert response.json()["error"]["code"] == code, (method, path, response.text)


@pytest.mark.parametrize("name", NAMES)
async def test_a_valid_credential_passes_the_guard(name: str) -> None:
    app = _app(name)
    token = mint(secret=SecretStr(DEV_INTERNAL_SECRET), caller="test", now=time.time())
    async with _client(app) as client:
        for method, path in _internal_routes(app):
            response = await client.request(method, path, headers={HEADER: token}, json={})
            assert response.status_code != 401, (method, path, response.text)


async def test_public_routes_need_no_service_credential() -> None:
    async with _client(_app(NAMES[0])) as client:
        assert (await client.get("/health")).status_code == 200


def _spec(router: APIRouter, **overrides: Any) -> ServiceSpec:
    settings = overrides.pop("settings", CommonSettings())
    return ServiceSpec(name="t", title="t", description="t", settings=settings, routers=[router], **overrides)


async def test_a_new_internal_route_in_a_mixed_router_is_guarded_too() -> None:
    router = APIRouter()

    @router.get("/api/open")
    async def open_route() -> dict[str, str]:
        return {"ok": "yes"}

    @router.get("/internal/new")
    async def new_internal() -> dict[str, str]:
        return {"ok": "yes"}

    async with _client(create_service_app(_spec(router))) as client:
        assert (await client.get("/api/open")).status_code == 200
        assert (await client.get("/internal/new")).status_code == 401


def test_what_a_dependency_cannot_guard_is_refused_under_internal() -> None:
    router = APIRouter()
    router.routes.append(Mount("/internal/files", app=FastAPI()))
    with pytest.raises(ValueError, match="only API routes"):
        create_service_app(_spec(router))


def test_a_service_outside_dev_refuses_the_public_dev_secret() -> None:
    settings = CommonSettings(cruddur_env="test")
    prod_like = settings.model_copy(update={"cruddur_env": "prod"})  # as if INTERNAL_SECRET_ARN were set
    with pytest.raises(ValueError, match="INTERNAL_SECRET"):
        create_service_app(_spec(APIRouter(), settings=prod_like))
