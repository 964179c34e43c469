"""HTTP routes of the messaging service (thin: parse, call the service, return a schema)."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Request, Response, status

from cruddur_common.auth import CurrentUser
from cruddur_common.errors import ERROR_RESPONSES, ErrorResponse
from cruddur_common.handles import HandlePath
from cruddur_common.pagination import (
    DEFAULT_LIMIT,
    PAGED_RESPONSES,
    CursorParam,
    LimitParam,
    PageQuery,
    set_next_link,
)
from cruddur_common.rate_limits import rate_limited
from messaging_service.conversations import service
from messaging_service.conversations.schemas import (
    CreatedMessage,
    CreateMessage,
    Message,
    MessageGroup,
    MessageGroupSettings,
    UnreadMessages,
    UpdateMessageGroup,
)
from messaging_service.dependencies import MessagingDep

router = APIRouter(tags=["messaging"], responses=ERROR_RESPONSES)
BLOCKED_RESPONSES: dict[int | str, dict[str, Any]] = {
    403: {"model": ErrorResponse, "description": "One of the two blocked the other (`blocked`)"}
}
WRITE_RESPONSES = BLOCKED_RESPONSES | {
    409: {
        "model": ErrorResponse,
        "description": "The other member deleted their account (`recipient_deleted`)",
    }
}


@router.get(
    "/api/message_groups",
    response_model=list[MessageGroup],
    responses=PAGED_RESPONSES,
    summary="My conversations, most recent activity first",
)
async def list_message_groups(
    request: Request,
    response: Response,
    principal: CurrentUser,
    messaging: MessagingDep,
    page: PageQuery,
) -> list[MessageGroup]:
    """The other participant, the last message and its time per conversation; next page in `Link`."""
    found = await service.list_groups(messaging, principal, limit=page.limit, cursor=page.cursor)
    set_next_link(request, response, found.next_cursor)
    return found.items


@router.get(
    "/api/message_groups/unread",
    response_model=UnreadMessages,
    summary="My unread messages (the Messages badge)",
)
async def unread_messages(principal: CurrentUser, messaging: MessagingDep) -> UnreadMessages:
    """Unread messages in all my conversations, and how many conversations have some."""
    return await service.unread(messaging, principal)


@router.post(
    "/api/message_groups/{message_group_uuid}/read",
    response_model=UnreadMessages,
    responses={404: {"description": "Not a member (`message_group_not_found`)"}},
    summary="Mark a conversation read (members only)",
)
async def mark_message_group_read(
    message_group_uuid: uuid.UUID, principal: CurrentUser, messaging: MessagingDep
) -> UnreadMessages:
    """Nothing in it is unread for me any more; answers what stays unread in my other conversations."""
    return await service.mark_read(messaging, principal, group_uuid=message_group_uuid)


@router.get(
    "/api/message_groups/@{handle}",
    response_model=MessageGroup,
    responses=BLOCKED_RESPONSES,
    summary="My conversation with a person",
)
async def find_message_group(
    handle: HandlePath, principal: CurrentUser, messaging: MessagingDep
) -> MessageGroup:
    """The conversation with `handle`; 404 `message_group_not_found` when there is none."""
    return await service.find_group(messaging, principal, handle)


@router.put(
    "/api/message_groups/{message_group_uuid}",
    response_model=MessageGroupSettings,
    responses=WRITE_RESPONSES,
    summary="Set or clear a conversation's message timer (members only)",
)
async def update_message_group(
    message_group_uuid: uuid.UUID, body: UpdateMessageGroup, principal: CurrentUser, messaging: MessagingDep
) -> MessageGroupSettings:
    """Messages sent from now on disappear after `message_ttl` (null: they do not); a system line says so.

    404 `message_group_not_found` for non-members, 422 `message_ttl_invalid` for anything but a preset.
    """
    return await service.set_timer(messaging, principal, group_uuid=message_group_uuid, body=body)


@router.get(
    "/api/messages/{message_group_uuid}",
    response_model=list[Message],
    responses=PAGED_RESPONSES,
    summary="A page of a conversation (members only)",
)
async def list_messages(
    message_group_uuid: uuid.UUID,
    request: Request,
    response: Response,
    principal: CurrentUser,
    messaging: MessagingDep,
    # written out, not `page: PageQuery`: a dependency's errors come before the path's in a 422
    cursor: CursorParam = None,
    limit: LimitParam = DEFAULT_LIMIT,
) -> list[Message]:
    """The newest messages, oldest first within the page; `Link` points at older ones. 404 for non-members."""
    found = await service.list_messages(
        messaging, principal, group_uuid=message_group_uuid, limit=limit, cursor=cursor
    )
    set_next_link(request, response, found.next_cursor)
    return found.items


@router.post(
    "/api/messages",
    response_model=CreatedMessage,
    responses=WRITE_RESPONSES,
    status_code=status.HTTP_201_CREATED,
    summary="Send a direct message",
    dependencies=[rate_limited("messages")],
)
async def create_message(
    body: CreateMessage, principal: CurrentUser, messaging: MessagingDep
) -> CreatedMessage:
    """Into `message_group_uuid`, or to `handle` (returns the existing conversation with them if any)."""
    return await service.send(messaging, principal, body)
