"""HTTP routes of the notification service (thin: parse, call the service, return a schema)."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from cruddur_common.auth import CurrentUser
from cruddur_common.db import SessionDep
from cruddur_common.errors import ERROR_RESPONSES
from cruddur_common.pagination import (
    INVALID_CURSOR_RESPONSES,
    LINK_HEADER,
    PAGED_RESPONSES,
    PageQuery,
    set_next_link,
)
from cruddur_common.settings import CommonSettings
from notification_service.dependencies import BrokerDep, PeopleDep
from notification_service.notifications import service
from notification_service.notifications.schemas import MarkRead, Notification, NotificationList, ReadResult

router = APIRouter(tags=["notification"], responses=ERROR_RESPONSES)


def _secret(request: Request) -> str:
    settings: CommonSettings = request.app.state.settings
    return settings.cursor_secret


@router.get(
    "/api/notifications",
    response_model=NotificationList,
    responses=INVALID_CURSOR_RESPONSES,
    summary="My notifications, newest first, with the unread count",
)
async def list_notifications(
    request: Request,
    principal: CurrentUser,
    session: SessionDep,
    page: PageQuery,
    people: PeopleDep,
) -> NotificationList:
    """Replies, mentions, likes, reposts, follows and messages; expired cruds' notifications are gone."""
    return await service.list_notifications(
        session, principal.sub, limit=page.limit, cursor=page.cursor, secret=_secret(request), people=people
    )


@router.get(
    "/api/activities/notifications",
    response_model=list[Notification],
    responses={
        **PAGED_RESPONSES,
        200: {
            "headers": {
                **LINK_HEADER,
                "X-Unread-Count": {"description": "Unread notifications", "schema": {"type": "integer"}},
            }
        },
    },
    summary="The original path: the same notifications as a bare array",
)
async def list_notifications_original(
    request: Request,
    response: Response,
    principal: CurrentUser,
    session: SessionDep,
    page: PageQuery,
    people: PeopleDep,
) -> list[Notification]:
    """Like GET /api/notifications; the next page in `Link`, the unread count in `X-Unread-Count`."""
    found = await service.list_notifications(
        session, principal.sub, limit=page.limit, cursor=page.cursor, secret=_secret(request), people=people
    )
    set_next_link(request, response, found.next_cursor)
    response.headers["X-Unread-Count"] = str(found.unread_count)
    return found.items


@router.post("/api/notifications/read", response_model=ReadResult, summary="Mark notifications read")
async def mark_read(
    principal: CurrentUser, session: SessionDep, broker: BrokerDep, body: MarkRead | None = None
) -> ReadResult:
    """Up to a notification (`id` or `uuid`) or a `created_at` time; everything when `up_to` is absent."""
    return await service.mark_read(session, broker, principal.sub, body or MarkRead())
