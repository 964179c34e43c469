"""Dependencies of the messaging service."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, FastAPI, Request

from cruddur_common.people import PeopleDirectory
from messaging_service.conversations.clients import UserDirectory
from messaging_service.conversations.repository import Table
from messaging_service.conversations.service import Messaging
from messaging_service.moderation.service import Moderation
from messaging_service.settings import Settings
from messaging_service.stream.clients import NotificationClient


async def open_messaging(app: FastAPI) -> None:
    """Startup hook: the table handle and the cached user directory, shared by the process."""
    settings: Settings = app.state.settings
    table = Table(client=app.state.aws["dynamodb"], name=settings.messages_table)
    app.state.moderation = Moderation(
        table=table, notifications=NotificationClient(http=app.state.http, base_url=settings.notification_url)
    )
    app.state.messaging = Messaging(
        table=table,
        users=UserDirectory(http=app.state.http, base_url=settings.user_url, ttl=settings.user_cache_seconds),
        cursor_secret=settings.cursor_secret,
        people=PeopleDirectory(
            http=app.state.http, base_url=settings.user_url, ttl=settings.people_cache_seconds
        ),
    )


def get_messaging(request: Request) -> Messaging:
    """The process's messaging context."""
    messaging: Messaging = request.app.state.messaging
    return messaging


def get_moderation(request: Request) -> Moderation:
    """The process's moderation context."""
    moderation: Moderation = request.app.state.moderation
    return moderation


MessagingDep = Annotated[Messaging, Depends(get_messaging)]
ModerationDep = Annotated[Moderation, Depends(get_moderation)]
