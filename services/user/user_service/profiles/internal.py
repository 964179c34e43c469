"""Internal routes of profiles other services call over HTTP (never routed from outside: /internal/...)."""

from __future__ import annotations

from fastapi import APIRouter

from cruddur_common.db import SessionDep
from user_service.dependencies import SettingsDep
from user_service.profiles import service
from user_service.profiles.render import render_internal_user
from user_service.profiles.schemas import InternalBatch, InternalUserFull, InternalUsers

router = APIRouter(prefix="/internal/users", tags=["internal"])


@router.get("/by-sub/{sub}", response_model=InternalUserFull, summary="A user by Cognito sub")
async def by_sub(sub: str, session: SessionDep, settings: SettingsDep) -> InternalUserFull:
    """The user with this Cognito sub, or 404 `user_not_found`."""
    user = await service.internal_user(session, sub=sub)
    return render_internal_user(user, assets_base_url=settings.assets_base_url)


@router.get("/by-handle/{handle}", response_model=InternalUserFull, summary="A user by handle")
async def by_handle(handle: str, session: SessionDep, settings: SettingsDep) -> InternalUserFull:
    """The user with this handle (case-insensitive), or 404 `user_not_found`."""
    user = await service.internal_user(session, handle=handle)
    return render_internal_user(user, assets_base_url=settings.assets_base_url)


@router.post("/batch", response_model=InternalUsers, summary="Many users by uuid, handle or sub")
async def batch(body: InternalBatch, session: SessionDep, settings: SettingsDep) -> InternalUsers:
    """Every known user among the uuids, handles and subs (one query; unknown ones are left out)."""
    found = await service.find_many(session, uuids=body.uuids, handles=body.handles, subs=body.subs)
    return InternalUsers(
        items=[render_internal_user(u, assets_base_url=settings.assets_base_url) for u in found]
    )
