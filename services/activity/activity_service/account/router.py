"""Internal route the user service's export job calls: this service's part of a user's data export."""

from __future__ import annotations

import uuid

from fastapi import APIRouter

from activity_service.account import service
from activity_service.db import PoolDep
from activity_service.dependencies import SettingsDep
from cruddur_common.contracts import EXPORT_PATH, ActivityExport
from cruddur_common.errors import ERROR_RESPONSES

router = APIRouter(tags=["internal"], responses=ERROR_RESPONSES)


@router.get(EXPORT_PATH, response_model=ActivityExport, summary="A user's cruds, likes and reposts (export)")
async def export(user_uuid: uuid.UUID, pool: PoolDep, settings: SettingsDep) -> ActivityExport:
    """Live cruds and replies the user wrote, likes and reposts of live cruds, newest first, at most
    `EXPORT_MAX_ITEMS` each; empty lists for an unknown user."""
    return await service.export(pool, user=user_uuid, limit=settings.export_max_items)
