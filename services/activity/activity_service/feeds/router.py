"""Routes that read: home, explore, user page, crud page, search, trending."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Query, Request, Response

from activity_service.db import PoolDep
from activity_service.dependencies import ReaderId, get_reader_uuid
from activity_service.feeds import render, service
from activity_service.feeds.schemas import CrudPage, SearchResult, Trend, UserPage
from activity_service.schemas import ActivityItem, ActivityPage
from cruddur_common.errors import ERROR_RESPONSES
from cruddur_common.handles import HandlePath
from cruddur_common.pagination import (
    DEFAULT_LIMIT,
    INVALID_CURSOR_RESPONSES,
    PAGED_RESPONSES,
    CursorParam,
    LimitParam,
    next_link,
    page_of,
)

router = APIRouter(prefix="/api/activities", tags=["activity"], responses=ERROR_RESPONSES)


# The page routes repeat their parameter lists on purpose: a shared dependency class would add a dependency
# per request (FastAPI's cost grows with their number: docs/performance.md), reorder the OpenAPI parameters.


def _secret(request: Request) -> str:
    return str(request.app.state.settings.cursor_secret)


def _assets(request: Request) -> str:
    return str(request.app.state.settings.assets_base_url)


def _json(data: object, link: str | None = None) -> Response:
    """Feed data (plain dicts in the response model's shape) as the JSON pydantic would write for it."""
    return Response(
        render.to_json(data), media_type="application/json", headers={"link": link} if link else None
    )


async def _home(request: Request, reader: uuid.UUID | None, cursor: str | None, limit: int) -> Response:
    # The hottest route: items are plain data in ActivityItem's shape, serialised once (no model instances,
    # no re-validation of our own output); response_model below still documents the shape.
    state = request.app.state
    items, next_cursor = await service.home(
        state.pg,
        timeline_db=state.pg_timeline,
        reader=reader,
        cursor=cursor,
        limit=limit,
        secret=_secret(request),
        assets_base_url=_assets(request),
    )
    return _json(items, next_link(request, next_cursor))


async def home_hot(request: Request) -> Response:
    """GET /api/activities/home as a hot route (cruddur_common.hot): the same checks, in the same order."""
    reader = await get_reader_uuid(request, None)
    page = page_of(request)
    return await _home(request, reader, page.cursor, page.limit)


HOT_ROUTES = {"/api/activities/home": home_hot}


@router.get(
    "/home",
    response_model=list[ActivityItem],
    summary="Home feed",
    responses=PAGED_RESPONSES,
)
async def home(
    request: Request,
    reader: ReaderId,
    cursor: CursorParam = None,
    limit: LimitParam = DEFAULT_LIMIT,
) -> Response:
    """Signed in: cruds and reposts of the people you follow and your own; signed out: everyone's.

    The original bare array; the next page is in the `Link` header.
    """
    return await _home(request, reader, cursor, limit)


@router.get(
    "/explore",
    response_model=ActivityPage,
    summary="Everyone's live cruds",
    responses=INVALID_CURSOR_RESPONSES,
)
async def explore(
    request: Request,
    pool: PoolDep,
    reader: ReaderId,
    cursor: CursorParam = None,
    limit: LimitParam = DEFAULT_LIMIT,
) -> Response:
    """The global feed, newest first."""
    items, next_cursor = await service.explore(
        pool,
        reader=reader,
        cursor=cursor,
        limit=limit,
        secret=_secret(request),
        assets_base_url=_assets(request),
        top_db=request.app.state.pg_timeline,
    )
    return _json({"items": items, "next_cursor": next_cursor})


@router.get(
    "/search",
    response_model=SearchResult,
    summary="Search cruds and people",
    responses=INVALID_CURSOR_RESPONSES,
)
async def search(
    request: Request,
    pool: PoolDep,
    reader: ReaderId,
    term: str = Query(default="", max_length=200, description='Words, "phrases", #hashtags'),
    cursor: CursorParam = None,
    limit: LimitParam = DEFAULT_LIMIT,
) -> Response:
    """Search live cruds: the newest 200 matches, best first (422 `search_term_blank` for a blank term)."""
    result = await service.search(
        pool,
        term=term,
        reader=reader,
        cursor=cursor,
        limit=limit,
        secret=_secret(request),
        assets_base_url=_assets(request),
    )
    return _json(result, next_link(request, result["next_cursor"]))


@router.get("/trending", response_model=list[Trend], summary="Trending hashtags")
async def trending(pool: PoolDep) -> list[Trend]:
    """The ten most used hashtags among live cruds of the last 24 hours."""
    return await service.trending(pool)


@router.get(
    "/@{handle}",
    response_model=UserPage,
    summary="A user's page",
    responses=PAGED_RESPONSES,
)
async def user_page(
    handle: HandlePath,
    request: Request,
    pool: PoolDep,
    reader: ReaderId,
    cursor: CursorParam = None,
    limit: LimitParam = DEFAULT_LIMIT,
) -> Response:
    """Profile (with counts) and the user's live cruds, newest first; 404 `user_not_found`."""
    page = await service.user_page(
        pool,
        handle=handle,
        reader=reader,
        cursor=cursor,
        limit=limit,
        secret=_secret(request),
        assets_base_url=_assets(request),
    )
    return _json(page, next_link(request, page["next_cursor"]))


@router.get(
    "/@{handle}/status/{activity_uuid}",
    response_model=CrudPage,
    summary="A crud and its replies",
    responses=PAGED_RESPONSES,
)
async def crud_page(
    handle: HandlePath,
    activity_uuid: uuid.UUID,
    request: Request,
    pool: PoolDep,
    reader: ReaderId,
    cursor: CursorParam = None,
    limit: LimitParam = DEFAULT_LIMIT,
) -> Response:
    """The crud and its direct replies, oldest first; 404 `activity_not_found` if gone or not by @handle."""
    page = await service.crud_page(
        pool,
        handle=handle,
        activity=activity_uuid,
        reader=reader,
        cursor=cursor,
        limit=limit,
        secret=_secret(request),
        assets_base_url=_assets(request),
    )
    return _json(page, next_link(request, page["next_cursor"]))
