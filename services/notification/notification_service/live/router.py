"""The live stream route: server-sent events of one signed-in person."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Annotated

from fastapi import APIRouter, Header, Query
from fastapi.responses import StreamingResponse
from starlette.types import Receive, Scope, Send

from cruddur_common.auth import StreamUser
from cruddur_common.errors import ERROR_RESPONSES
from cruddur_common.pagination import PG_BIGINT_MAX
from notification_service.dependencies import StreamContextDep
from notification_service.live import service

router = APIRouter(tags=["notification"], responses=ERROR_RESPONSES)


@router.get(
    "/api/notifications/stream",
    response_class=StreamingResponse,
    responses={
        200: {
            "content": {"text/event-stream": {"schema": {"type": "string"}}},
            "description": "Events `notification` and `message` (`id`: the per-person sequence number); "
            "without an id (never replayed): `unread` (the unread count) and `home` (a crud entered the "
            "person's home timeline); `closed` (`data.reason`: `stream_limit`, `account_deleted`) "
            "ends the stream.",
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
    """Send the token as `Authorization: Bearer` or, from EventSource, as `?access_token=`.

    Once the account was deleted its streams end with `event: closed` (`account_deleted`), new ones at once.
    """
    resume = last_event_id_header if last_event_id_header is not None else last_event_id
    exp = principal.claims.get("exp")
    opened = await service.open_stream(context, sub=principal.sub, last_event_id=resume)
    body = service.events(context, opened, expires_at=float(exp) if isinstance(exp, int | float) else None)
    return EventStream(body, leave=lambda: context.broker.hub.leave(opened.inbox))


class EventStream(StreamingResponse):
    """`text/event-stream` that unsubscribes its stream however the response ends (even unstarted)."""

    def __init__(self, body: AsyncIterator[bytes], *, leave: Callable[[], None]) -> None:
        super().__init__(
            body,
            media_type="text/event-stream",
            headers={"cache-control": "no-cache, no-transform", "x-accel-buffering": "no"},
        )
        self._leave = leave

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Stream, then leave the hub."""
        try:
            await super().__call__(scope, receive, send)
        finally:
            self._leave()
