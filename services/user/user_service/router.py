"""HTTP routes of the user service (thin: parse, call the service, return a schema)."""

from __future__ import annotations

from fastapi import APIRouter, Request

from cruddur_common.db import SessionDep
from cruddur_common.errors import ERROR_RESPONSES
from cruddur_common.handles import HandlePath
from user_service import repository, service
from user_service.avatars import avatar_url
from user_service.dependencies import Me
from user_service.errors import UserNotFound
from user_service.models import User
from user_service.schemas import ProfileUpdate, ShortUser, UserProfile

router = APIRouter(prefix="/api/users", tags=["users"], responses=ERROR_RESPONSES)
profile_router = APIRouter(prefix="/api/profile", tags=["users"], responses=ERROR_RESPONSES)


def to_profile(user: User) -> UserProfile:
    """The API shape of the caller's own profile."""
    return UserProfile(
        uuid=user.uuid,
        cognito_user_id=user.cognito_user_id,
        handle=user.handle,
        email=user.email,
        display_name=user.display_name,
        bio=user.bio,
        avatar_url=avatar_url(user),
        created_at=user.created_at,
        updated_at=user.updated_at,
    )


@router.get("/me", response_model=UserProfile, summary="The signed-in user's profile")
async def read_me(me: Me) -> UserProfile:
    """The signed-in user's profile (401 without a valid access token)."""
    return to_profile(me)


@router.get("/@{handle}/short", response_model=ShortUser, summary="A user's name and avatar")
async def short(handle: HandlePath, session: SessionDep) -> ShortUser:
    """uuid, handle, display name and avatar of @handle; 404 `user_not_found`."""
    user = await repository.get_by_handle(session, handle)
    if user is None:
        raise UserNotFound(f"No user @{handle[:30]}.")
    return ShortUser(
        uuid=user.uuid, handle=user.handle, display_name=user.display_name, avatar_url=avatar_url(user)
    )


async def _update(body: ProfileUpdate, me: User, session: SessionDep, request: Request) -> UserProfile:
    updated = await service.update_profile(session, me, display_name=body.display_name, bio=body.bio)
    deliverer = getattr(request.app.state, "outbox", None)
    if deliverer is not None:
        deliverer.notify()
    return to_profile(updated)


@profile_router.put("/update", response_model=UserProfile, summary="Edit your profile")
async def update_profile_put(
    body: ProfileUpdate, me: Me, session: SessionDep, request: Request
) -> UserProfile:
    """Change display name (1-50) and bio (0-160); returns the updated profile."""
    return await _update(body, me, session, request)


@profile_router.post("/update", response_model=UserProfile, summary="Edit your profile (original method)")
async def update_profile_post(
    body: ProfileUpdate, me: Me, session: SessionDep, request: Request
) -> UserProfile:
    """Same as PUT (the original API used POST, its client PUT)."""
    return await _update(body, me, session, request)
