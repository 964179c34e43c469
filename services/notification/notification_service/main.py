"""The notification service: Notifications per recipient, with a live server-sent event stream."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from cruddur_common.app import ServiceSpec, create_service_app
from notification_service.models import SCHEMA
from notification_service.router import router
from notification_service.settings import get_settings

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


def create_app() -> FastAPI:
    """Build the notification service app (uvicorn --factory)."""
    return create_service_app(
        ServiceSpec(
            name="notification",
            title="Cruddur notification service",
            description="Notifications per recipient, with a live server-sent event stream.",
            settings=get_settings(),
            routers=[router],
            db_schema=SCHEMA,
            aws_services=(),
            tags=[{"name": "notification", "description": "Notifications and the live stream"}],
        )
    )
