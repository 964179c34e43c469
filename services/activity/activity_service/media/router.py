"""Routes of crud pictures: upload grants and status (public), the processor's claim and verdict."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Response, status

from activity_service.db import PoolDep
from activity_service.dependencies import CurrentUserId, S3Dep, SettingsDep
from activity_service.media import service
from activity_service.media.schemas import (
    Claim,
    ClaimRequest,
    MediaStatus,
    MediaUploadGrant,
    MediaUploadRequest,
    ResultRequest,
)
from cruddur_common.errors import ERROR_RESPONSES
from cruddur_common.rate_limits import rate_limited

router = APIRouter(prefix="/api/activities/media", tags=["activity"], responses=ERROR_RESPONSES)
internal_router = APIRouter(prefix="/internal/media", tags=["internal"], responses=ERROR_RESPONSES)


@router.post(
    "",
    response_model=MediaUploadGrant,
    status_code=status.HTTP_201_CREATED,
    summary="Start a picture upload: a presigned S3 POST (JPEG, PNG or WebP, at most 10 MiB)",
    dependencies=[rate_limited("uploads")],
)
async def create_upload(
    body: MediaUploadRequest, me: CurrentUserId, pool: PoolDep, s3: S3Dep, settings: SettingsDep
) -> MediaUploadGrant:
    """POST the file to `url` with `fields` (multipart, file last), poll GET …/media/{id}, attach it."""
    return await service.grant(pool, s3, user=me, content_type=body.content_type, settings=settings)


@router.get("/{media_id}", response_model=MediaStatus, summary="Where one's picture upload stands")
async def read_status(
    media_id: uuid.UUID, me: CurrentUserId, pool: PoolDep, settings: SettingsDep
) -> MediaStatus:
    """`processing`, `ready`, or `failed` with a `reason`; 404 `media_not_found` for anyone but its owner."""
    return await service.status(pool, owner=me, media_id=media_id, settings=settings)


@internal_router.post(
    "/claim", response_model=Claim, summary="The grant behind an uploaded picture (processor)"
)
async def claim(body: ClaimRequest, pool: PoolDep, settings: SettingsDep) -> Claim:
    """404 `upload_grant_not_found` for a key nobody was granted; 409 `upload_settled` when done."""
    return await service.claim(pool, key=body.key, uploaded_at=body.uploaded_at, settings=settings)


@internal_router.post(
    "/result",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    summary="The processor's verdict on a picture",
)
async def result(body: ResultRequest, pool: PoolDep) -> Response:
    """Ready with the sizes written, or failed with a reason (404/409 as for the claim)."""
    await service.settle(pool, result=body)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
