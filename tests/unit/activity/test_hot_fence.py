"""The hot home route skips Starlette's middleware stack (cruddur_common.hot): nothing may skip it unseen.

Every layer the app puts in front of its routes must run on the hot path too, in the same order and
configured alike, or be declared below as not needed there, with the reason. A middleware added later
fails this test until it is added to the hot path (`cruddur_common.app.create_service_app`) or declared.
"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.middleware.asyncexitstack import AsyncExitStackMiddleware
from fastapi.routing import APIRouter
from fastapi.telemetry._asgi import ExceptionTelemetryMiddleware
from starlette.middleware.errors import ServerErrorMiddleware
from starlette.middleware.exceptions import ExceptionMiddleware
from starlette.middleware.gzip import GZipMiddleware

from activity_service.feeds.router import HOT_ROUTES
from activity_service.main import create_app
from activity_service.settings import Settings
from cruddur_common.app import ServiceApp
from cruddur_common.hot import HotRoutes

NOT_NEEDED_ON_HOT: dict[type, str] = {
    ServerErrorMiddleware: "HotRoutes sends an unhandled error to the app's own `Exception` handler "
    "(the one this layer holds): the same 500, compared in test_hot_route",
    ExceptionMiddleware: "HotRoutes looks up the app's exception handlers itself (cruddur_common.hot); "
    "test_hot_route compares every error of the hot route with the FastAPI route's, byte for byte",
    AsyncExitStackMiddleware: "only for dependencies with `yield`; a hot route solves no dependencies",
    ExceptionTelemetryMiddleware: "FastAPI's telemetry check, one of the costs the hot route exists to skip "
    "(docs/performance.md)",
}


def _layers(asgi: Any) -> list[Any]:
    """The middleware instances of a chain, outermost first (each holds the next in `.app`)."""
    layers = []
    while not isinstance(asgi, APIRouter | HotRoutes):
        layers.append(asgi)
        asgi = asgi.app
    return layers


def _config(layer: Any) -> dict[str, Any]:
    return {k: v for k, v in vars(layer).items() if k != "app"}


def _unfenced(app: ServiceApp) -> list[str]:
    """What the app's middleware stack does that the hot path does not (empty: fenced)."""
    assert app.hot_stack is not None
    full = [layer for layer in _layers(app.build_middleware_stack()) if type(layer) not in NOT_NEEDED_ON_HOT]
    hot = _layers(app.hot_stack)
    problems = [
        f"{type(layer).__name__} is in the app's stack but not on the hot path (add it, or declare why not)"
        for layer in full
        if type(layer) not in {type(h) for h in hot}
    ]
    if not problems and [type(x) for x in full] != [type(x) for x in hot]:
        problems.append(f"the hot path runs {hot} in another order than the app's {full}")
    problems += [
        f"{type(a).__name__} is configured differently on the hot path: {_config(b)} != {_config(a)}"
        for a, b in zip(full, hot, strict=False)
        if type(a) is type(b) and _config(a) != _config(b)
    ]
    return problems


@pytest.fixture
def app() -> ServiceApp:
    built = create_app(Settings(hot_routes=True))
    assert isinstance(built, ServiceApp) and built.hot is not None
    assert set(built.hot.routes) == set(HOT_ROUTES)
    return built


def test_the_hot_route_runs_every_middleware_the_app_has(app: ServiceApp) -> None:
    assert _unfenced(app) == []
    assert _layers(app.hot_stack), "the hot path runs no middleware at all"


def test_every_declared_exception_is_still_in_the_app_s_stack(app: ServiceApp) -> None:
    # A stale declaration would let a layer of that class come back unseen.
    stack = {type(layer) for layer in _layers(app.build_middleware_stack())}
    assert set(NOT_NEEDED_ON_HOT) <= stack


def test_a_middleware_added_later_is_caught(app: ServiceApp) -> None:
    app.add_middleware(GZipMiddleware)
    assert _unfenced(app) == [
        "GZipMiddleware is in the app's stack but not on the hot path (add it, or declare why not)"
    ]


def test_a_hot_layer_configured_differently_is_caught(app: ServiceApp) -> None:
    assert app.hot_stack is not None
    app.hot_stack.max_body_bytes += 1  # type: ignore[attr-defined]
    (problem,) = _unfenced(app)
    assert problem.startswith("RequestContextMiddleware is configured differently on the hot path")
