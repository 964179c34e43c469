"""HTTP routes of avatars: upload grants and status (public), the processor's claim and result (internal)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from cruddur_common.db import SessionDep
from cruddur_common.errors import ERROR_RESPONSES
from cruddur_common.rate_limits import rate_limited
from user_service.avatars import service
from user_service.avatars.schemas import (
    AvatarStatus,
    Claim,
    ClaimRequest,
    KeyUploadGrant,
    KeyUploadRequest,
    ResultRequest,
    UploadGrant,
    UploadRequest,
)
from user_service.dependencies import CurrentUser, S3Dep, SettingsDep

router = APIRouter(tags=["avatars"], responses=ERROR_RESPONSES)
internal_router = APIRouter(prefix="/internal/avatars", tags=["internal"], responses=ERROR_RESPONSES)


@router.post(
    "/api/profile/avatar",
    response_model=UploadGrant,
    status_code=201,
    summary="Start an avatar upload: a presigned S3 POST (JPEG, PNG or WebP, at most 5 MB)",
    dependencies=[rate_limited("uploads")],
)
async def create_upload(
    body: UploadRequest, me: CurrentUser, session: SessionDep, s3: S3Dep, settings: SettingsDep
) -> UploadGrant:
    """Upload the file to `url` with `fields` (multipart, file last), then poll GET /api/profile/avatar."""
    return await service.grant_post(session, s3, user=me, content_type=body.content_type, settings=settings)


@router.get(
    "/api/profile/avatar", response_model=AvatarStatus, summary="The caller's avatar and latest upload"
)
async def read_status(me: CurrentUser, session: SessionDep, settings: SettingsDep) -> AvatarStatus:
    """`processing`, `ready`, or `failed` with a `reason`; `avatar_url` is what everyone sees now."""
    return await service.status(session, user=me, settings=settings)


# The original client's route beside create_upload: its own request, response and S3 method (PUT, not POST).
@router.post(
    "/avatars/key_upload",
    response_model=KeyUploadGrant,
    summary="The original client's upload URL: a presigned PUT for the given extension",
    dependencies=[rate_limited("uploads")],
)
async def key_upload(
    body: KeyUploadRequest, me: CurrentUser, session: SessionDep, s3: S3Dep, settings: SettingsDep
) -> KeyUploadGrant:
    """PUT the file to `url` with its Content-Type; processing is the same as for POST /api/profile/avatar."""
    return await service.grant_put(session, s3, user=me, extension=body.extension, settings=settings)


@internal_router.post(
    "/claim", response_model=Claim, summary="The grant behind an uploaded object (processor)"
)
async def claim(body: ClaimRequest, session: SessionDep, settings: SettingsDep) -> Claim:
    """404 `avatar_grant_not_found` for a key nobody was granted; 409 `avatar_upload_settled` when done."""
    return await service.claim(session, key=body.key, uploaded_at=body.uploaded_at, settings=settings)


@internal_router.post("/result", status_code=204, summary="The processor's verdict on an upload")
async def result(body: ResultRequest, session: SessionDep, s3: S3Dep, settings: SettingsDep) -> Response:
    """Switch the avatar on success (old versions are deleted); record the reason on failure."""
    await service.settle(session, s3, result=body, settings=settings)
    return Response(status_code=204)
