"""The user service: people, profiles, follows and avatars."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from cruddur_common.app import ServiceSpec, create_service_app
from user_service.avatar.defaults import start_defaults, stop_defaults
from user_service.avatar.router import internal_router as avatar_internal_router
from user_service.avatar.router import router as avatar_router
from user_service.follows.router import router as follows_router
from user_service.internal import router as internal_router
from user_service.models import SCHEMA
from user_service.outbox.runtime import OUTBOX
from user_service.router import profile_router, router
from user_service.settings import get_settings

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


def create_app() -> FastAPI:
    """Build the user service app (uvicorn --factory)."""
    return create_service_app(
        ServiceSpec(
            name="user",
            title="Cruddur user service",
            description="People on Cruddur: profiles, follows, suggestions and avatars.",
            settings=get_settings(),
            routers=[
                router,
                profile_router,
                follows_router,
                internal_router,
                avatar_router,
                avatar_internal_router,
            ],
            db_schema=SCHEMA,
            aws_services=("cognito-idp", "s3"),
            on_startup=[start_defaults],
            on_shutdown=[stop_defaults],
            background=[OUTBOX],
            tags=[
                {"name": "users", "description": "People and their profiles"},
                {"name": "avatars", "description": "Avatar uploads, processing status and defaults"},
            ],
        )
    )
