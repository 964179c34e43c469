"""The service app factory: lifespan plumbing, auth, errors, logs, health and readiness for every service."""

from __future__ import annotations

import asyncio
import gc
import logging
import zlib
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from pydantic import BaseModel, Field
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.routing import BaseRoute
from starlette.types import ASGIApp, Receive, Scope, Send

from cruddur_common import db
from cruddur_common.auth import JwksCache, TokenVerifier
from cruddur_common.aws import AwsClients
from cruddur_common.errors import ErrorResponse, install_error_handlers
from cruddur_common.hot import Endpoint, HotRoutes
from cruddur_common.http import create_internal_client
from cruddur_common.input import InputGuardMiddleware
from cruddur_common.internal_auth import INTERNAL_PREFIX, internal_guard
from cruddur_common.logging import RequestContextMiddleware, configure_logging
from cruddur_common.migrations import migrations_dir, upgrade
from cruddur_common.rate_limits import RateLimiter
from cruddur_common.settings import DEV_ENVS, DEV_INTERNAL_SECRET, CommonSettings
from cruddur_common.supervisor import BackgroundTask, Supervisor

log = logging.getLogger("cruddur.app")
Hook = Callable[[FastAPI], Awaitable[None]]
Check = Callable[[FastAPI], Awaitable[None]]
Detail = Callable[[FastAPI], Awaitable[dict[str, Any]]]


@dataclass(kw_only=True)
class ServiceSpec:
    """What a service plugs into the common app: its routers, datastores and hooks."""

    name: str
    title: str
    description: str
    settings: CommonSettings
    routers: Sequence[APIRouter]
    db_schema: str | None = None
    aws_services: Sequence[str] = ()
    readiness: Sequence[tuple[str, Check]] = ()
    # name -> figures shown in /ready's detail beside the background tasks' (e.g. a dead-letter count)
    readiness_detail: Sequence[tuple[str, Detail]] = ()
    on_startup: Sequence[Hook] = ()
    on_shutdown: Sequence[Hook] = ()
    background: Sequence[BackgroundTask] = ()
    tags: list[dict[str, str]] = field(default_factory=list)
    # path -> endpoint for the busiest GET routes (cruddur_common.hot); each is also declared in a router
    hot_routes: Mapping[str, Endpoint] = field(default_factory=dict)
    http_transport: httpx.AsyncBaseTransport | None = None  # tests plug fake peers in here


class Health(BaseModel):
    """Liveness: the process answers."""

    status: str
    service: str


class Readiness(BaseModel):
    """Readiness: each datastore check, each background task (`task:<name>`) and the overall verdict."""

    status: str
    service: str
    checks: dict[str, str]
    detail: dict[str, dict[str, Any]] = Field(
        default_factory=dict, description="Figures of the background tasks, e.g. an outbox's lag."
    )


async def _migrate(spec: ServiceSpec, engine: AsyncEngine, url: str) -> None:
    """Apply the service's migrations, one task at a time (a Postgres advisory lock per schema)."""
    migrations = migrations_dir(f"{spec.name}_service")
    if migrations is None or spec.db_schema is None:
        return
    lock_id = zlib.crc32(f"cruddur-migrate-{spec.db_schema}".encode())
    async with engine.connect() as conn:
        await conn.execute(text("SELECT pg_advisory_lock(:id)"), {"id": lock_id})
        try:
            await asyncio.to_thread(upgrade, migrations_dir=migrations, url=url, schema=spec.db_schema)
        finally:
            await conn.execute(text("SELECT pg_advisory_unlock(:id)"), {"id": lock_id})
            await conn.commit()


def _lifespan(spec: ServiceSpec) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        settings = spec.settings
        app.state.settings = settings
        app.state.http = create_internal_client(
            settings=settings, caller=spec.name, transport=spec.http_transport
        )
        app.state.token_verifier = TokenVerifier(
            settings=settings,
            jwks=JwksCache(
                url=settings.jwks_url,
                http=app.state.http,
                min_interval=settings.jwks_refetch_interval_seconds,
            ),
        )
        app.state.rate_limiter = RateLimiter(settings)
        app.state.aws = AwsClients()
        app.state.supervisor = Supervisor()
        engine = None
        if spec.db_schema:
            url = settings.sqlalchemy_url
            if not url:
                raise RuntimeError(f"{spec.name}: DATABASE_URL (or DB_HOST/DB_USER/...) is required")
            engine = db.create_engine(url, schema=spec.db_schema, pool_size=settings.db_pool_size)
            app.state.engine = engine
            app.state.sessions = db.session_factory(engine)
            if settings.migrate_on_start:
                await _migrate(spec, engine, url)
        try:
            if spec.aws_services:
                await app.state.aws.open(settings, *spec.aws_services)
            for hook in spec.on_startup:
                await hook(app)
            for task in spec.background:
                if task.enabled(app):
                    app.state.supervisor.start(app, task)
            # What startup built (modules, routes, models, pools: ~150k objects) lives as long as the
            # process. Left in the collector's view, every full collection walks all of it: ~100 ms of
            # CPU on the bench machine, a stall for every request in flight (docs/performance.md).
            gc.collect()
            gc.freeze()
            yield
        finally:
            await app.state.supervisor.stop()
            for hook in reversed(spec.on_shutdown):
                await hook(app)
            await app.state.aws.close()
            await app.state.rate_limiter.aclose()
            await app.state.http.aclose()
            if engine is not None:
                await engine.dispose()

    return lifespan


def _ops_router(spec: ServiceSpec) -> APIRouter:
    router = APIRouter(tags=["ops"])
    checks: list[tuple[str, Check]] = list(spec.readiness)
    if spec.db_schema:

        async def postgres(app: FastAPI) -> None:
            await db.ping(app.state.engine)

        checks.insert(0, ("postgres", postgres))

    @router.get("/health", response_model=Health, summary="Liveness (ALB target group health check)")
    async def health() -> Health:
        return Health(status="ok", service=spec.name)

    @router.get(
        "/ready",
        response_model=Readiness,
        responses={503: {"model": Readiness, "description": "A datastore is not reachable"}},
        summary="Readiness: touches every datastore of the service",
    )
    async def ready(request: Request) -> JSONResponse:
        results: dict[str, str] = {}
        for name, check in checks:
            try:
                await check(request.app)
                results[name] = "ok"
            except Exception as exc:  # a readiness probe reports, it does not raise
                log.warning("readiness check %s failed: %s", name, exc)
                results[name] = f"error: {type(exc).__name__}"
        supervisor: Supervisor = request.app.state.supervisor
        detail: dict[str, dict[str, Any]] = {}
        for task in spec.background:
            if task.name not in supervisor.tasks:
                continue  # disabled in this process
            results[f"task:{task.name}"] = supervisor.status(task.name)
            if task.detail is not None:
                try:
                    detail[task.name] = await task.detail(request.app)
                except Exception as exc:  # the figures are extra; their datastore has its own check
                    detail[task.name] = {"error": type(exc).__name__}
        for name, figures in spec.readiness_detail:
            try:
                detail[name] = await figures(request.app)
            except Exception as exc:  # the figures are extra; their datastore has its own check
                detail[name] = {"error": type(exc).__name__}
        ok = all(v == "ok" for v in results.values())
        body = Readiness(status="ok" if ok else "error", service=spec.name, checks=results, detail=detail)
        return JSONResponse(body.model_dump(), status_code=200 if ok else 503)

    return router


class ServiceApp(FastAPI):
    """FastAPI, plus hot routes (cruddur_common.hot) served ahead of Starlette's middleware stack."""

    hot: HotRoutes | None = None
    hot_stack: ASGIApp | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Hot requests: request context, then the endpoint. Everything else: FastAPI as usual."""
        if self.hot is not None and self.hot_stack is not None and self.hot.serves(scope):
            scope["app"] = self  # what Starlette sets for request.app
            await self.hot_stack(scope, receive, send)
            return
        await super().__call__(scope, receive, send)


def create_service_app(spec: ServiceSpec) -> FastAPI:
    """Build a Cruddur service: JSON errors, JSON logs, auth, lifespan plumbing, /health, /ready, /docs."""
    configure_logging(service=spec.name, level=spec.settings.log_level)
    app = ServiceApp(
        title=spec.title,
        description=spec.description,
        version="1.0.0",
        lifespan=_lifespan(spec),
        openapi_tags=[*spec.tags, {"name": "ops", "description": "Health and readiness probes"}],
        responses={500: {"model": ErrorResponse, "description": "Unexpected server error"}},
        swagger_ui_parameters={"persistAuthorization": True},
    )
    install_error_handlers(app)
    app.add_middleware(InputGuardMiddleware)  # inside the request context: refusals get ids and logs
    app.add_middleware(
        RequestContextMiddleware, service=spec.name, max_body_bytes=spec.settings.max_body_bytes
    )
    if spec.hot_routes and spec.settings.hot_routes:
        app.hot = HotRoutes(spec.hot_routes)
        app.hot_stack = RequestContextMiddleware(
            InputGuardMiddleware(app.hot), service=spec.name, max_body_bytes=spec.settings.max_body_bytes
        )
    app.include_router(_ops_router(spec))
    _include_routers(app, spec)
    return app


def _is_internal(route: BaseRoute) -> bool:
    """True for a route under /internal; refuses what a dependency cannot guard (mounts, nested routers)."""
    path = getattr(route, "path", None)
    if not isinstance(path, str):
        raise ValueError(f"{route!r}: pass nested routers in ServiceSpec.routers so their paths are seen")
    internal = path == INTERNAL_PREFIX or path.startswith(INTERNAL_PREFIX + "/")
    if internal and not isinstance(route, APIRoute):
        raise ValueError(f"{path}: only API routes may live under /internal (a dependency guards them)")
    return internal


def _include_routers(app: ServiceApp, spec: ServiceSpec) -> None:
    """Include the spec's routers; every route under /internal gets the service-credential check here.

    Done centrally (not per router) so that a new internal route cannot forget it: each router's routes
    are split by path and the internal part is included with the guard as a dependency.
    """
    if any(path.startswith(INTERNAL_PREFIX) for path in spec.hot_routes):
        raise ValueError(f"{spec.name}: a hot route bypasses dependencies; /internal routes cannot be hot")
    secret = spec.settings.internal_secret
    if spec.settings.cruddur_env not in DEV_ENVS and secret.get_secret_value() == DEV_INTERNAL_SECRET:
        raise ValueError(f"{spec.name}: INTERNAL_SECRET must be set outside dev (the dev default is public)")
    guard = Depends(internal_guard(secret))
    for router in spec.routers:
        internal, public = APIRouter(), APIRouter()
        for route in router.routes:
            (internal if _is_internal(route) else public).routes.append(route)
        app.include_router(public)
        app.include_router(internal, dependencies=[guard])
