"""Internal endpoints other services call over HTTP (never routed from outside: /internal/...)."""

from __future__ import annotations

from fastapi import APIRouter

from cruddur_common.db import SessionDep
from user_service import repository
from user_service.avatars import avatar_url
from user_service.errors import UserNotFound
from user_service.models import User
from user_service.schemas import InternalBatch, InternalUser, InternalUserFull, InternalUsers

router = APIRouter(prefix="/internal/users", tags=["internal"])


def to_internal(user: User) -> InternalUserFull:
    """The internal shape of a user."""
    return InternalUserFull(
        uuid=user.uuid,
        cognito_user_id=user.cognito_user_id,
        handle=user.handle,
        display_name=user.display_name,
        avatar_url=avatar_url(user),
        bio=user.bio or "",
        updated_at=user.updated_at,
    )


@router.get("/by-sub/{sub}", response_model=InternalUserFull, summary="A user by Cognito sub")
async def by_sub(sub: str, session: SessionDep) -> InternalUser:
    """The user with this Cognito sub, or 404 `user_not_found`."""
    user = await repository.get_by_cognito_id(session, sub)
    if user is None:
        raise UserNotFound("No such user.")
    return to_internal(user)


@router.get("/by-handle/{handle}", response_model=InternalUserFull, summary="A user by handle")
async def by_handle(handle: str, session: SessionDep) -> InternalUser:
    """The user with this handle (case-insensitive), or 404 `user_not_found`."""
    user = await repository.get_by_handle(session, handle)
    if user is None:
        raise UserNotFound("No such user.")
    return to_internal(user)


@router.post("/batch", response_model=InternalUsers, summary="Many users by uuid, handle or sub")
async def batch(body: InternalBatch, session: SessionDep) -> InternalUsers:
    """Every known user among the uuids, handles and subs (one query; unknown ones are left out)."""
    found = await repository.find_many(session, uuids=body.uuids, handles=body.handles, subs=body.subs)
    return InternalUsers(items=[to_internal(u) for u in found])
