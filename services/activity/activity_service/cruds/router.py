"""Routes that change cruds: post, reply, like, repost, change the end, delete."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Request, Response, status

from activity_service.cruds import service
from activity_service.cruds.schemas import ExpiryChange, LikeState, NewActivity, NewReply, RepostState
from activity_service.db import PoolDep
from activity_service.dependencies import CurrentUserId
from activity_service.outbox.runtime import notifier as _notify
from activity_service.schemas import ActivityItem
from cruddur_common.errors import ERROR_RESPONSES, ErrorResponse
from cruddur_common.rate_limits import rate_limited

router = APIRouter(prefix="/api/activities", tags=["activity"], responses=ERROR_RESPONSES)
WRITE_ERRORS: dict[int | str, dict[str, Any]] = {
    403: {"model": ErrorResponse, "description": "Not the author, or a suspended account"}
}


@router.post(
    "",
    response_model=ActivityItem,
    status_code=status.HTTP_201_CREATED,
    summary="Post a crud",
    dependencies=[rate_limited("posts")],
)
async def post_activity(
    body: NewActivity, author: CurrentUserId, pool: PoolDep, request: Request
) -> ActivityItem:
    """Post a crud that lives for `ttl`, with up to 4 pictures (422 `message_blank`, `message_too_long`,
    `ttl_invalid`, and the pictures' codes)."""
    return await service.post(
        pool,
        author=author,
        message=body.message,
        ttl=body.ttl,
        notify=_notify(request),
        media=body.media,
        assets_base_url=request.app.state.settings.assets_base_url,
    )


@router.post(
    "/{activity_uuid}/reply",
    response_model=ActivityItem,
    status_code=status.HTTP_201_CREATED,
    summary="Reply to a crud",
    dependencies=[rate_limited("posts")],
)
async def post_reply(
    activity_uuid: uuid.UUID, body: NewReply, author: CurrentUserId, pool: PoolDep, request: Request
) -> ActivityItem:
    """Reply (1-1024 characters, up to 4 pictures); lives and expires with its parent; 404 when it is gone."""
    return await service.reply(
        pool,
        author=author,
        parent=activity_uuid,
        message=body.message,
        notify=_notify(request),
        media=body.media,
        assets_base_url=request.app.state.settings.assets_base_url,
    )


@router.put(
    "/{activity_uuid}/like",
    response_model=LikeState,
    summary="Like a crud (idempotent)",
    dependencies=[rate_limited("reactions")],
)
async def like(activity_uuid: uuid.UUID, reader: CurrentUserId, pool: PoolDep, request: Request) -> LikeState:
    """Like a live crud; liking twice changes nothing."""
    return await service.set_like(
        pool, reader=reader, activity=activity_uuid, on=True, notify=_notify(request)
    )


@router.delete(
    "/{activity_uuid}/like",
    response_model=LikeState,
    summary="Unlike a crud (idempotent)",
    dependencies=[rate_limited("reactions")],
)
async def unlike(
    activity_uuid: uuid.UUID, reader: CurrentUserId, pool: PoolDep, request: Request
) -> LikeState:
    """Remove the reader's like."""
    return await service.set_like(
        pool, reader=reader, activity=activity_uuid, on=False, notify=_notify(request)
    )


@router.put(
    "/{activity_uuid}/repost",
    response_model=RepostState,
    summary="Repost a crud (idempotent)",
    dependencies=[rate_limited("reactions")],
)
async def repost(
    activity_uuid: uuid.UUID, reader: CurrentUserId, pool: PoolDep, request: Request
) -> RepostState:
    """Repost a live crud into one's followers' home feeds."""
    return await service.set_repost(
        pool, reader=reader, activity=activity_uuid, on=True, notify=_notify(request)
    )


@router.delete(
    "/{activity_uuid}/repost",
    response_model=RepostState,
    summary="Undo a repost (idempotent)",
    dependencies=[rate_limited("reactions")],
)
async def unrepost(
    activity_uuid: uuid.UUID, reader: CurrentUserId, pool: PoolDep, request: Request
) -> RepostState:
    """Remove the reader's repost."""
    return await service.set_repost(
        pool, reader=reader, activity=activity_uuid, on=False, notify=_notify(request)
    )


@router.delete(
    "/{activity_uuid}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=WRITE_ERRORS,
    summary="Delete one's own crud",
)
async def delete_activity(
    activity_uuid: uuid.UUID, author: CurrentUserId, pool: PoolDep, request: Request
) -> Response:
    """Delete a crud with its replies, likes and reposts (403 `not_author` for someone else's)."""
    await service.delete(pool, reader=author, activity=activity_uuid, notify=_notify(request))
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.patch(
    "/{activity_uuid}",
    response_model=ActivityItem,
    responses=WRITE_ERRORS,
    summary="Change when one's own crud ends",
    dependencies=[rate_limited("posts")],  # a change rewrites the crud's timeline rows, as a post fans out
)
async def update_expiry(
    activity_uuid: uuid.UUID, body: ExpiryChange, author: CurrentUserId, pool: PoolDep, request: Request
) -> ActivityItem:
    """The crud ends `ttl` from now, everywhere at once: its replies, reposts, feeds and notifications.

    Never later than 30 days after it was posted (422 `ttl_too_long`, `details.max_expires_at`); `now`
    deletes it as DELETE does. 403 `not_author`, 404 `activity_not_found`, 422 `reply_expiry` (a reply
    ends with its crud), `ttl_invalid`.
    """
    return await service.update_expiry(
        pool,
        reader=author,
        activity=activity_uuid,
        ttl=body.ttl,
        notify=_notify(request),
        assets_base_url=request.app.state.settings.assets_base_url,
    )
