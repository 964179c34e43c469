"""Routes of block and mute (thin: parse, call the service, return a schema), and the internal pair check."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Response, status

from cruddur_common.db import SessionDep
from cruddur_common.errors import ERROR_RESPONSES
from cruddur_common.handles import HandlePath
from cruddur_common.pagination import INVALID_CURSOR_RESPONSES, PageQuery
from cruddur_common.rate_limits import rate_limited
from user_service.dependencies import CurrentUser, OutboxNotify, SettingsDep
from user_service.relations import service
from user_service.relations.schemas import BlockedPage, MutedPage, MuteIn, PairState

router = APIRouter(prefix="/api/users", tags=["users"], responses=ERROR_RESPONSES)
internal_router = APIRouter(prefix="/internal/relations", tags=["internal"])
NO_CONTENT = status.HTTP_204_NO_CONTENT
RELATIONS_LIMIT = rate_limited("relations")  # block and mute, both ways, share one budget


@router.put(
    "/@{handle}/block",
    status_code=NO_CONTENT,
    response_class=Response,
    summary="Block a user (idempotent)",
    dependencies=[RELATIONS_LIMIT],
)
async def block(
    handle: HandlePath, me: CurrentUser, session: SessionDep, settings: SettingsDep, notify: OutboxNotify
) -> Response:
    """Hide each of you from the other everywhere and remove the follows both ways; they are not told."""
    await service.set_blocking(session, me=me, handle=handle, blocking=True, settings=settings, notify=notify)
    return Response(status_code=NO_CONTENT)


# PUT and DELETE of one block: two routes (each with its own summary in the docs) over one use case.
@router.delete(
    "/@{handle}/block",
    status_code=NO_CONTENT,
    response_class=Response,
    summary="Unblock a user (idempotent)",
    dependencies=[RELATIONS_LIMIT],
)
async def unblock(
    handle: HandlePath, me: CurrentUser, session: SessionDep, settings: SettingsDep, notify: OutboxNotify
) -> Response:
    """Lift your block of @handle (follows it removed stay removed)."""
    await service.set_blocking(
        session, me=me, handle=handle, blocking=False, settings=settings, notify=notify
    )
    return Response(status_code=NO_CONTENT)


@router.get(
    "/blocks", response_model=BlockedPage, responses=INVALID_CURSOR_RESPONSES, summary="People I block"
)
async def blocks(me: CurrentUser, session: SessionDep, settings: SettingsDep, page: PageQuery) -> BlockedPage:
    """The people you blocked, newest first."""
    return await service.blocks(session, me=me, cursor=page.cursor, limit=page.limit, settings=settings)


@router.put(
    "/@{handle}/mute",
    status_code=NO_CONTENT,
    response_class=Response,
    summary="Mute a user, for a while or until unmuted",
    dependencies=[RELATIONS_LIMIT],
)
async def mute(
    handle: HandlePath, me: CurrentUser, session: SessionDep, notify: OutboxNotify, body: MuteIn | None = None
) -> Response:
    """Hide @handle's cruds, reposts and notifications from you only; messages still arrive."""
    duration = body.duration if body is not None else None
    await service.mute(session, me=me, handle=handle, duration=duration, notify=notify)
    return Response(status_code=NO_CONTENT)


@router.delete(
    "/@{handle}/mute",
    status_code=NO_CONTENT,
    response_class=Response,
    summary="Unmute a user (idempotent)",
    dependencies=[RELATIONS_LIMIT],
)
async def unmute(handle: HandlePath, me: CurrentUser, session: SessionDep, notify: OutboxNotify) -> Response:
    """Lift your mute of @handle."""
    await service.unmute(session, me=me, handle=handle, notify=notify)
    return Response(status_code=NO_CONTENT)


@router.get("/mutes", response_model=MutedPage, responses=INVALID_CURSOR_RESPONSES, summary="People I mute")
async def mutes(me: CurrentUser, session: SessionDep, settings: SettingsDep, page: PageQuery) -> MutedPage:
    """The people you mute now, newest first; a lapsed mute is not listed."""
    return await service.mutes(session, me=me, cursor=page.cursor, limit=page.limit, settings=settings)


@internal_router.get("/{a}/{b}", response_model=PairState, summary="Whether two users are in a block")
async def pair(a: uuid.UUID, b: uuid.UUID, session: SessionDep) -> PairState:
    """`blocked` when either blocked the other (unknown uuids: false, never 404)."""
    return PairState(blocked=await service.blocked_between(session, a, b))
