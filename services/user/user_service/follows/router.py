"""Routes of the follow graph: follow, unfollow, followers, following, suggestions."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request

from cruddur_common.db import SessionDep
from cruddur_common.errors import ERROR_RESPONSES, ErrorResponse
from cruddur_common.handles import HandlePath
from cruddur_common.pagination import DEFAULT_LIMIT, CursorParam, LimitParam
from user_service.dependencies import Me, get_optional_me
from user_service.follows import service
from user_service.models import User
from user_service.schemas import FollowState, PersonPage

router = APIRouter(prefix="/api/users", tags=["users"], responses=ERROR_RESPONSES)
Handle = HandlePath
Reader = Annotated[User | None, Depends(get_optional_me)]
# The paged routes refuse a cursor they did not sign (cruddur_common.pagination).
INVALID_CURSOR: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorResponse, "description": "Invalid cursor (`invalid_cursor`)"}
}


def _notify(request: Request) -> service.Notify:
    deliverer = getattr(request.app.state, "outbox", None)
    return deliverer.notify if deliverer is not None else (lambda: None)


@router.put("/@{handle}/follow", response_model=FollowState, summary="Follow a user (idempotent)")
async def follow(handle: Handle, me: Me, session: SessionDep, request: Request) -> FollowState:
    """Follow @handle; 422 `cannot_follow_self`."""
    return await service.set_following(session, me=me, handle=handle, following=True, notify=_notify(request))


@router.delete("/@{handle}/follow", response_model=FollowState, summary="Unfollow a user (idempotent)")
async def unfollow(handle: Handle, me: Me, session: SessionDep, request: Request) -> FollowState:
    """Stop following @handle."""
    return await service.set_following(
        session, me=me, handle=handle, following=False, notify=_notify(request)
    )


@router.get("/suggested", response_model=PersonPage, summary="People to follow")
async def suggested(me: Me, session: SessionDep, limit: LimitParam = 5) -> PersonPage:
    """People you do not follow yet, ranked by how many of the people you follow follow them."""
    return await service.suggested(session, me=me, limit=limit)


@router.get(
    "/@{handle}/followers",
    response_model=PersonPage,
    summary="A user's followers",
    responses=INVALID_CURSOR,
)
async def followers(
    handle: Handle,
    session: SessionDep,
    reader: Reader,
    request: Request,
    cursor: CursorParam = None,
    limit: LimitParam = DEFAULT_LIMIT,
) -> PersonPage:
    """People who follow @handle, most recent first."""
    return await service.people(
        session,
        handle=handle,
        direction="followers",
        reader=reader,
        cursor=cursor,
        limit=limit,
        secret=request.app.state.settings.cursor_secret,
    )


@router.get(
    "/@{handle}/following",
    response_model=PersonPage,
    summary="Who a user follows",
    responses=INVALID_CURSOR,
)
async def following(
    handle: Handle,
    session: SessionDep,
    reader: Reader,
    request: Request,
    cursor: CursorParam = None,
    limit: LimitParam = DEFAULT_LIMIT,
) -> PersonPage:
    """People @handle follows, most recent first."""
    return await service.people(
        session,
        handle=handle,
        direction="following",
        reader=reader,
        cursor=cursor,
        limit=limit,
        secret=request.app.state.settings.cursor_secret,
    )
