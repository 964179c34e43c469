"""HTTP routes of the notification service (thin: parse, call the service, return a schema)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header, Query, Request, Response
from fastapi.responses import StreamingResponse

from cruddur_common.auth import CurrentUser, StreamUser
from cruddur_common.db import SessionDep
from cruddur_common.errors import ERROR_RESPONSES, ErrorResponse
from cruddur_common.pagination import DEFAULT_LIMIT, PG_BIGINT_MAX, CursorParam, LimitParam, next_link
from cruddur_common.settings import CommonSettings
from notification_service import service, stream
from notification_service.dependencies import StreamContextDep
from notification_service.schemas import MarkRead, Notification, NotificationList, ReadResult

router = APIRouter(tags=["notification"], responses=ERROR_RESPONSES)
BAD_CURSOR: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorResponse, "description": "Invalid cursor (`invalid_cursor`)"}
}


def _secret(request: Request) -> str:
    settings: CommonSettings = request.app.state.settings
    return settings.cursor_secret


@router.get(
    "/api/notifications",
    response_model=NotificationList,
    responses=BAD_CURSOR,
    summary="My notifications, newest first, with the unread count",
)
async def list_notifications(
    request: Request,
    principal: CurrentUser,
    session: SessionDep,
    cursor: CursorParam = None,
    limit: LimitParam = DEFAULT_LIMIT,
) -> NotificationList:
    """Replies, mentions, likes, reposts, follows and messages; expired cruds' notifications are gone."""
    page = await service.list_notifications(
        session, principal.sub, limit=limit, cursor=cursor, secret=_secret(request)
    )
    return NotificationList(items=page.items, unread_count=page.unread_count, next_cursor=page.next_cursor)


@router.get(
    "/api/activities/notifications",
    response_model=list[Notification],
    responses={
        **BAD_CURSOR,
        200: {
            "headers": {
                "Link": {"description": 'The next page: `<url>; rel="next"`', "schema": {"type": "string"}},
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
    cursor: CursorParam = None,
    limit: LimitParam = DEFAULT_LIMIT,
) -> list[Notification]:
    """Like GET /api/notifications; the next page in `Link`, the unread count in `X-Unread-Count`."""
    page = await service.list_notifications(
        session, principal.sub, limit=limit, cursor=cursor, secret=_secret(request)
    )
    link = next_link(request, page.next_cursor)
    if link is not None:
        response.headers["Link"] = link
    response.headers["X-Unread-Count"] = str(page.unread_count)
    return page.items


@router.post("/api/notifications/read", response_model=ReadResult, summary="Mark notifications read")
async def mark_read(principal: CurrentUser, session: SessionDep, body: MarkRead | None = None) -> ReadResult:
    """Up to a notification (`id` or `uuid`) or a `created_at` time; everything when `up_to` is absent."""
    return await service.mark_read(session, principal.sub, body or MarkRead())


@router.get(
    "/api/notifications/stream",
    response_class=StreamingResponse,
    responses={
        200: {
            "content": {"text/event-stream": {"schema": {"type": "string"}}},
            "description": "Events `notification` and `message`; `id` is the per-person sequence number.",
        }
    },
    summary="Live notifications and direct messages (server-sent events)",
)
async def live(
    principal: StreamUser,
    context: StreamContextDep,
    last_event_id_header: Annotated[int | None, Header(alias="last-event-id", ge=0, le=PG_BIGINT_MAX)] = None,
    last_event_id: Annotated[
        int | None,
        Query(
            ge=0, le=PG_BIGINT_MAX, description="For a reconnect that cannot set the `Last-Event-ID` header."
        ),
    ] = None,
) -> StreamingResponse:
    """Send the token as `Authorization: Bearer` or, from EventSource, as `?access_token=`."""
    resume = last_event_id_header if last_event_id_header is not None else last_event_id
    exp = principal.claims.get("exp")
    body = stream.events(
        context,
        sub=principal.sub,
        last_event_id=resume,
        expires_at=float(exp) if isinstance(exp, int | float) else None,
    )
    return StreamingResponse(
        body,
        media_type="text/event-stream",
        headers={"cache-control": "no-cache, no-transform", "x-accel-buffering": "no"},
    )
