"""Dependencies of the messaging service."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, FastAPI, Request

from messaging_service.conversations.clients import UserDirectory
from messaging_service.conversations.repository import Table
from messaging_service.conversations.service import Messaging
from messaging_service.settings import Settings


async def open_messaging(app: FastAPI) -> None:
    """Startup hook: the table handle and the cached user directory, shared by the process."""
    settings: Settings = app.state.settings
    app.state.messaging = Messaging(
        table=Table(client=app.state.aws["dynamodb"], name=settings.messages_table),
        users=UserDirectory(http=app.state.http, base_url=settings.user_url, ttl=settings.user_cache_seconds),
        cursor_secret=settings.cursor_secret,
    )


def get_messaging(request: Request) -> Messaging:
    """The process's messaging context."""
    messaging: Messaging = request.app.state.messaging
    return messaging


MessagingDep = Annotated[Messaging, Depends(get_messaging)]
