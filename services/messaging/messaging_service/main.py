"""The messaging service: Direct messages between two people, stored in DynamoDB."""

from __future__ import annotations

from fastapi import FastAPI

from cruddur_common.app import ServiceSpec, create_service_app
from messaging_service.dependencies import open_messaging
from messaging_service.router import router
from messaging_service.settings import Settings, get_settings


async def _dynamodb_ready(app: FastAPI) -> None:
    """The messages table answers."""
    await app.state.aws["dynamodb"].describe_table(TableName=app.state.settings.messages_table)


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the messaging service app (uvicorn --factory)."""
    return create_service_app(
        ServiceSpec(
            name="messaging",
            title="Cruddur messaging service",
            description="Direct messages between two people, stored in DynamoDB.",
            settings=settings or get_settings(),
            routers=[router],
            aws_services=("dynamodb",),
            readiness=[("dynamodb", _dynamodb_ready)],
            on_startup=[open_messaging],
            tags=[{"name": "messaging", "description": "Conversations and direct messages"}],
        )
    )
