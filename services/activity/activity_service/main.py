"""The activity service: Cruds: posting, feeds, replies, likes, reposts, search, trending and expiry."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from activity_service import db
from activity_service.authors.router import router as authors_router
from activity_service.cruds.router import router as cruds_router
from activity_service.feeds.router import HOT_ROUTES
from activity_service.feeds.router import router as feeds_router
from activity_service.models import SCHEMA
from activity_service.outbox.deliverer import Deliverer
from activity_service.outbox.events import NOTIFICATION
from activity_service.settings import Settings, get_settings
from cruddur_common.app import ServiceSpec, create_service_app

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


async def start_outbox(app: FastAPI) -> None:
    """Startup hook: deliver queued notification events in the background."""
    settings = app.state.settings
    app.state.outbox = None
    if not settings.outbox_enabled:
        return
    deliverer = Deliverer(
        pool=app.state.pg,
        http=app.state.http,
        destinations={NOTIFICATION: settings.notification_url},
        poll_seconds=settings.outbox_poll_seconds,
        batch_size=settings.outbox_batch_size,
        max_backoff_seconds=settings.outbox_max_backoff_seconds,
    )
    deliverer.start()
    app.state.outbox = deliverer


async def stop_outbox(app: FastAPI) -> None:
    """Shutdown hook: stop delivering (pending events stay queued)."""
    if getattr(app.state, "outbox", None) is not None:
        await app.state.outbox.stop()


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the activity service app (uvicorn --factory)."""
    return create_service_app(
        ServiceSpec(
            name="activity",
            title="Cruddur activity service",
            description="Cruds: posting, feeds, replies, likes, reposts, search, trending and expiry.",
            settings=settings or get_settings(),
            routers=[feeds_router, cruds_router, authors_router],
            db_schema=SCHEMA,
            aws_services=(),
            on_startup=(db.open_pool, start_outbox),
            on_shutdown=(db.close_pool, stop_outbox),
            tags=[{"name": "activity", "description": "Cruds and what hangs off them"}],
            hot_routes=HOT_ROUTES,
        )
    )
