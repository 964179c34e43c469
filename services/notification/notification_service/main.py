"""The notification service: Notifications per recipient, with a live server-sent event stream."""

from __future__ import annotations

from fastapi import FastAPI

from cruddur_common.app import ServiceSpec, create_service_app
from notification_service.dependencies import broker_ready, start_broker, stop_broker
from notification_service.ingest.router import router as ingest_router
from notification_service.live.router import router as live_router
from notification_service.models import SCHEMA
from notification_service.notifications.router import router as notifications_router
from notification_service.relations.router import router as relations_router
from notification_service.settings import Settings, get_settings


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the notification service app (uvicorn --factory)."""
    settings = settings or get_settings()
    return create_service_app(
        ServiceSpec(
            name="notification",
            title="Cruddur notification service",
            description="Notifications per recipient, with a live server-sent event stream.",
            settings=settings,
            routers=[notifications_router, live_router, ingest_router, relations_router],
            db_schema=SCHEMA,
            aws_services=(),
            readiness=[("broker", broker_ready)],
            on_startup=[start_broker],
            on_shutdown=[stop_broker],
            tags=[{"name": "notification", "description": "Notifications and the live stream"}],
        )
    )
