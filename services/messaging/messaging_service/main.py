"""The messaging service: Direct messages between two people, stored in DynamoDB."""

from __future__ import annotations

from typing import Any

import httpx
from fastapi import FastAPI

from cruddur_common.app import ServiceSpec, create_service_app
from messaging_service.accounts.router import router as accounts_router
from messaging_service.conversations.router import router
from messaging_service.dependencies import open_messaging
from messaging_service.moderation.router import router as moderation_router
from messaging_service.settings import Settings, get_settings
from messaging_service.stream.dead_letters import DeadLetters


async def _dynamodb_ready(app: FastAPI) -> None:
    """The messages table answers."""
    await app.state.aws["dynamodb"].describe_table(TableName=app.state.settings.messages_table)


async def _stream_detail(app: FastAPI) -> dict[str, Any]:
    """What the stream processor parked: records waiting on its dead-letter queue (ops alarm on it too)."""
    dead_letters = DeadLetters(sqs=app.state.aws["sqs"], queue=app.state.settings.stream_dead_letter_queue)
    return {"parked": await dead_letters.count()}


def create_app(
    settings: Settings | None = None, *, http_transport: httpx.AsyncBaseTransport | None = None
) -> FastAPI:
    """Build the messaging service app (uvicorn --factory); tests may plug fake peers in as a transport."""
    return create_service_app(
        ServiceSpec(
            name="messaging",
            title="Cruddur messaging service",
            description="Direct messages between two people, stored in DynamoDB.",
            settings=settings or get_settings(),
            routers=[router, moderation_router, accounts_router],
            aws_services=("dynamodb", "sqs"),
            readiness=[("dynamodb", _dynamodb_ready)],
            readiness_detail=[("stream", _stream_detail)],
            on_startup=[open_messaging],
            tags=[{"name": "messaging", "description": "Conversations and direct messages"}],
            http_transport=http_transport,
        )
    )
