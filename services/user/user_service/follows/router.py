"""Routes of the follow graph: follow, unfollow, followers, following, suggestions."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from cruddur_common.db import SessionDep
from cruddur_common.errors import ERROR_RESPONSES, ErrorResponse
from cruddur_common.handles import HandlePath
from cruddur_common.pagination import DEFAULT_LIMIT, INVALID_CURSOR_RESPONSES, CursorParam, LimitParam
from cruddur_common.rate_limits import rate_limited
from user_service.dependencies import CurrentUser, OutboxNotify, Reader, SettingsDep
from user_service.follows import service
from user_service.follows.schemas import FollowState, PersonPage

router = APIRouter(prefix="/api/users", tags=["users"], responses=ERROR_RESPONSES)
BLOCKED: dict[int | str, dict[str, Any]] = {
    403: {"model": ErrorResponse, "description": "One of you blocked the other (`blocked`)"}
}


@router.put(
    "/@{handle}/follow",
    response_model=FollowState,
    responses=BLOCKED,
    summary="Follow a user (idempotent)",
    dependencies=[rate_limited("follows")],
)
async def follow(
    handle: HandlePath, me: CurrentUser, session: SessionDep, settings: SettingsDep, notify: OutboxNotify
) -> FollowState:
    """Follow @handle; 422 `cannot_follow_self`, 403 `blocked` between a blocked pair."""
    return await service.set_following(
        session, me=me, handle=handle, following=True, settings=settings, notify=notify
    )


# PUT and DELETE of one edge: two routes (each with its own summary in the docs) over one use case.
@router.delete(
    "/@{handle}/follow",
    response_model=FollowState,
    summary="Unfollow a user (idempotent)",
    dependencies=[rate_limited("follows")],
)
async def unfollow(
    handle: HandlePath, me: CurrentUser, session: SessionDep, settings: SettingsDep, notify: OutboxNotify
) -> FollowState:
    """Stop following @handle."""
    return await service.set_following(
        session, me=me, handle=handle, following=False, settings=settings, notify=notify
    )


@router.get("/suggested", response_model=PersonPage, summary="People to follow")
async def suggested(
    me: CurrentUser, session: SessionDep, settings: SettingsDep, limit: LimitParam = 5
) -> PersonPage:
    """People you do not follow yet, ranked by how many of the people you follow follow them."""
    return await service.suggested(session, me=me, limit=limit, settings=settings)


def _add_people_route(direction: service.Direction, *, summary: str, description: str) -> None:
    """GET /@{handle}/<direction>: one page of a user's followers or followed people."""

    async def people(
        handle: HandlePath,
        session: SessionDep,
        reader: Reader,
        settings: SettingsDep,
        cursor: CursorParam = None,
        limit: LimitParam = DEFAULT_LIMIT,
    ) -> PersonPage:
        return await service.people(
            session,
            handle=handle,
            direction=direction,
            reader=reader,
            cursor=cursor,
            limit=limit,
            settings=settings,
        )

    router.add_api_route(
        f"/@{{handle}}/{direction}",
        people,
        methods=["GET"],
        name=direction,
        response_model=PersonPage,
        summary=summary,
        description=description,
        responses=INVALID_CURSOR_RESPONSES,
    )


_add_people_route(
    "followers", summary="A user's followers", description="People who follow @handle, most recent first."
)
_add_people_route(
    "following", summary="Who a user follows", description="People @handle follows, most recent first."
)
