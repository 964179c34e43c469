"""The user service: people, profiles, follows, blocks and mutes, and avatars."""

from __future__ import annotations

from fastapi import FastAPI

from cruddur_common import jobs
from cruddur_common.app import ServiceSpec, create_service_app
from user_service.account.router import router as account_router
from user_service.account.service import DELETION_HANDLERS
from user_service.avatars.defaults import start_defaults, stop_defaults
from user_service.avatars.router import internal_router as avatars_internal_router
from user_service.avatars.router import router as avatars_router
from user_service.exports.router import router as exports_router
from user_service.exports.service import EXPORT_HANDLERS
from user_service.follows.router import router as follows_router
from user_service.models import SCHEMA
from user_service.moderation.router import router as moderation_router
from user_service.outbox.runtime import OUTBOX
from user_service.profiles.internal import router as profiles_internal_router
from user_service.profiles.router import profile_router
from user_service.profiles.router import router as profiles_router
from user_service.relations.router import internal_router as relations_internal_router
from user_service.relations.router import router as relations_router
from user_service.reports.router import router as reports_router
from user_service.settings import Settings, get_settings

# Every kind of durable job the user service runs, one runner for all (cruddur_common.jobs).
JOB_HANDLERS: dict[str, jobs.Handler] = {**DELETION_HANDLERS, **EXPORT_HANDLERS}


def _runner(app: FastAPI) -> jobs.Runner:
    settings: Settings = app.state.settings
    return jobs.Runner(
        app,
        engine=app.state.engine,
        handlers=JOB_HANDLERS,
        policy=jobs.Policy(
            poll_seconds=settings.jobs_poll_seconds,
            lease_seconds=settings.jobs_lease_seconds,
            max_attempts=settings.jobs_max_attempts,
            max_backoff_seconds=settings.jobs_max_backoff_seconds,
        ),
    )


JOBS = jobs.supervised(_runner)


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the user service app (uvicorn --factory)."""
    return create_service_app(
        ServiceSpec(
            name="user",
            title="Cruddur user service",
            description=(
                "People on Cruddur: profiles, follows, suggestions, blocks, mutes, avatars, reports,"
                " moderation and account deletion."
            ),
            settings=settings or get_settings(),
            routers=[
                account_router,
                profiles_router,
                profile_router,
                follows_router,
                profiles_internal_router,
                relations_router,
                relations_internal_router,
                avatars_router,
                avatars_internal_router,
                reports_router,
                moderation_router,
                exports_router,
            ],
            db_schema=SCHEMA,
            aws_services=("cognito-idp", "s3"),
            on_startup=[start_defaults],
            on_shutdown=[stop_defaults],
            background=[OUTBOX, JOBS],
            tags=[
                {"name": "users", "description": "People and their profiles"},
                {"name": "avatars", "description": "Avatar uploads, processing status and defaults"},
                {"name": "reports", "description": "Reporting cruds, messages and users"},
                {"name": "moderation", "description": "The report queue, its actions and the audit log"},
                {"name": "export", "description": "Download your data: a zip built in the background"},
            ],
        )
    )
