"""The activity service: Cruds: posting, feeds, replies, likes, reposts, search, trending and expiry."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from activity_service.models import SCHEMA
from activity_service.router import router
from activity_service.settings import get_settings
from cruddur_common.app import ServiceSpec, create_service_app

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


def create_app() -> FastAPI:
    """Build the activity service app (uvicorn --factory)."""
    return create_service_app(
        ServiceSpec(
            name="activity",
            title="Cruddur activity service",
            description="Cruds: posting, feeds, replies, likes, reposts, search, trending and expiry.",
            settings=get_settings(),
            routers=[router],
            db_schema=SCHEMA,
            aws_services=(),
            tags=[{"name": "activity", "description": "Cruds and what hangs off them"}],
        )
    )
