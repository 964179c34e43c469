"""HTTP routes of the user service (thin: parse, call the service, return a schema)."""

from __future__ import annotations

from fastapi import APIRouter

from cruddur_common.errors import ERROR_RESPONSES
from user_service.avatars import avatar_url
from user_service.dependencies import Me
from user_service.models import User
from user_service.schemas import UserProfile

router = APIRouter(prefix="/api/users", tags=["users"], responses=ERROR_RESPONSES)


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
