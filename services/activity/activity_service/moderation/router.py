"""Internal routes the user service's moderation tools call: a crud in any state, evidence holds, removal."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request, Response, status

from activity_service.cruds import service as cruds_service
from activity_service.db import PoolDep
from activity_service.moderation import service
from activity_service.moderation.schemas import Crud, HoldIn
from activity_service.outbox.runtime import notifier
from cruddur_common.errors import ERROR_RESPONSES

router = APIRouter(prefix="/internal", tags=["internal"], responses=ERROR_RESPONSES)


@router.get("/cruds/{crud_uuid}", response_model=Crud, summary="A crud in any state (moderation)")
async def get_crud(crud_uuid: uuid.UUID, pool: PoolDep) -> Crud:
    """Live, expired but held, or expired and not purged yet; 404 `not_found` once removed or purged."""
    return await service.crud(pool, crud_uuid)


@router.put(
    "/cruds/{crud_uuid}/holds/{report_id}",
    response_model=Crud,
    summary="Hold a reported crud past its expiry (moderation)",
)
async def put_hold(crud_uuid: uuid.UUID, report_id: uuid.UUID, body: HoldIn, pool: PoolDep) -> Crud:
    """Keep the crud (hidden once expired) until `until` or the release; idempotent per report."""
    return await service.hold(pool, activity=crud_uuid, report_id=report_id, body=body)


@router.delete(
    "/holds/{report_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    summary="Release a report's hold (moderation)",
)
async def delete_hold(report_id: uuid.UUID, pool: PoolDep) -> Response:
    """The purge then removes the crud if it has expired (idempotent)."""
    await service.release(pool, report_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.delete(
    "/cruds/{crud_uuid}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    summary="Remove a crud for everyone (moderation)",
)
async def delete_crud(crud_uuid: uuid.UUID, pool: PoolDep, request: Request) -> Response:
    """The author's delete, in any state: replies, likes, reposts, timelines, hashtags, holds go with it."""
    await cruds_service.remove(pool, activity=crud_uuid, notify=notifier(request))
    return Response(status_code=status.HTTP_204_NO_CONTENT)
