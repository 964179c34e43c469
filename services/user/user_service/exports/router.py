"""Routes of data exports (thin: parse, call the service, return a schema)."""

from __future__ import annotations

from fastapi import APIRouter

from cruddur_common.db import SessionDep
from cruddur_common.errors import ERROR_RESPONSES, ErrorResponse
from user_service.dependencies import CurrentUser, JobsNotify, S3Dep, SettingsDep
from user_service.exports import service
from user_service.exports.schemas import ExportStatus

router = APIRouter(prefix="/api/users/me/export", tags=["export"], responses=ERROR_RESPONSES)


@router.post(
    "",
    status_code=202,
    response_model=ExportStatus,
    summary="Ask for an export of your data (a zip, built in the background)",
    responses={
        429: {
            "model": ErrorResponse,
            "description": "An export asked for in the last 24 h is running or ready (`export_limit`,"
            " `Retry-After` in seconds)",
        }
    },
)
async def request_export(me: CurrentUser, session: SessionDep, notify: JobsNotify) -> ExportStatus:
    """Start building a zip of your profile, cruds, likes, follows, messages, avatar and pictures.

    One a day: 429 `export_limit` with `Retry-After` while one asked for in the last 24 h is running or
    ready; after a failed one you may ask again at once. Follow it with `GET /api/users/me/export`.
    """
    return await service.request_export(session, user=me, notify=notify)


@router.get(
    "",
    response_model=ExportStatus,
    summary="Your latest export: its status, and the download link when it is ready",
    responses={404: {"model": ErrorResponse, "description": "You never asked for one (`export_not_found`)"}},
)
async def latest_export(
    me: CurrentUser, session: SessionDep, s3: S3Dep, settings: SettingsDep
) -> ExportStatus:
    """The latest export: `running`, `ready` (with `url`, a link valid until `expires_at`, 24 h after it was
    ready), `failed` (with `reason`; ask again) or `expired`."""
    return await service.latest_export(session, s3, user=me, settings=settings)
