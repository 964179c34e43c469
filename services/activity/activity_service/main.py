"""The activity service: Cruds: posting, feeds, replies, likes, reposts, search, trending and expiry."""

from __future__ import annotations

from fastapi import FastAPI

from activity_service import db
from activity_service.account.router import router as account_router
from activity_service.authors.router import router as authors_router
from activity_service.cruds.router import router as cruds_router
from activity_service.feeds.router import HOT_ROUTES
from activity_service.feeds.router import router as feeds_router
from activity_service.media.router import internal_router as media_internal_router
from activity_service.media.router import router as media_router
from activity_service.models import SCHEMA
from activity_service.moderation.router import router as moderation_router
from activity_service.outbox.runtime import OUTBOX
from activity_service.settings import Settings, get_settings
from cruddur_common.app import ServiceSpec, create_service_app


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the activity service app (uvicorn --factory)."""
    return create_service_app(
        ServiceSpec(
            name="activity",
            title="Cruddur activity service",
            description="Cruds: posting, pictures, feeds, replies, reactions, search, trending and expiry.",
            settings=settings or get_settings(),
            routers=[
                feeds_router,
                media_router,
                cruds_router,
                authors_router,
                moderation_router,
                media_internal_router,
                account_router,
            ],
            db_schema=SCHEMA,
            aws_services=("s3",),
            readiness=db.READINESS,
            on_startup=(db.open_pool,),
            on_shutdown=(db.close_pool,),
            background=(OUTBOX,),
            tags=[{"name": "activity", "description": "Cruds and what hangs off them"}],
            hot_routes=HOT_ROUTES,
        )
    )
