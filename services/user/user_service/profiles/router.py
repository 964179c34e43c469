"""HTTP routes of profiles (thin: parse, call the service, return a schema)."""

from __future__ import annotations

from fastapi import APIRouter, Response
from sqlalchemy.ext.asyncio import AsyncSession

from cruddur_common import auth
from cruddur_common.db import SessionDep
from cruddur_common.errors import ERROR_RESPONSES
from cruddur_common.handles import HandlePath
from user_service.dependencies import CognitoDep, CurrentUser, OutboxNotify, Reader, SettingsDep
from user_service.models import User
from user_service.outbox.events import Notify
from user_service.profiles import service
from user_service.profiles.render import render_me, render_profile, render_short_user
from user_service.profiles.schemas import Me, ProfileCompletion, ProfileUpdate, ShortUser, UserProfile
from user_service.settings import Settings

router = APIRouter(prefix="/api/users", tags=["users"], responses=ERROR_RESPONSES)
profile_router = APIRouter(prefix="/api/profile", tags=["users"], responses=ERROR_RESPONSES)


@router.get("/me", response_model=Me, summary="The signed-in user's profile")
async def read_me(me: CurrentUser, principal: auth.CurrentUser, settings: SettingsDep) -> Me:
    """The signed-in user's profile and whether they moderate (401 without a valid access token)."""
    moderator = auth.in_group(principal, auth.MODERATORS)
    return render_me(me, moderator=moderator, assets_base_url=settings.assets_base_url)


@router.post(
    "/me/profile",
    response_model=Me,
    status_code=201,
    summary="Finish a confirmed sign-in's missing profile",
    responses={200: {"model": Me, "description": "The caller already had a profile (unchanged)"}},
)
async def complete_profile(
    body: ProfileCompletion,
    principal: auth.CurrentUser,
    session: SessionDep,
    cognito: CognitoDep,
    settings: SettingsDep,
    response: Response,
) -> Me:
    """Create the caller's profile with the chosen handle when `/me` answers 409 `profile_incomplete`.

    409 `handle_taken` when someone has or holds the handle; 200 and the profile as it is when it exists.
    """
    user, created = await service.complete_profile(
        session,
        principal=principal,
        cognito=cognito,
        handle=body.handle,
        display_name=body.display_name,
        settings=settings,
    )
    if not created:
        response.status_code = 200
    moderator = auth.in_group(principal, auth.MODERATORS)
    return render_me(user, moderator=moderator, assets_base_url=settings.assets_base_url)


@router.get("/@{handle}/short", response_model=ShortUser, summary="A user's name and avatar")
async def short(handle: HandlePath, session: SessionDep, settings: SettingsDep, reader: Reader) -> ShortUser:
    """Name and avatar of @handle, and the reader's block and mute of them; 404 `user_not_found`."""
    user, relation = await service.short(session, handle, reader=reader)
    return render_short_user(user, relation=relation, assets_base_url=settings.assets_base_url)


async def _update(
    body: ProfileUpdate, me: User, session: AsyncSession, *, settings: Settings, notify: Notify
) -> UserProfile:
    updated = await service.update_profile(
        session,
        me,
        display_name=body.display_name,
        bio=body.bio,
        default_ttl=body.default_ttl,
        keep_default_ttl="default_ttl" not in body.model_fields_set,  # absent keeps it, null clears it
        settings=settings,
        notify=notify,
    )
    return render_profile(updated, assets_base_url=settings.assets_base_url)


# Two routes, one use case: the original API used POST and its client PUT; both stay.
@profile_router.put("/update", response_model=UserProfile, summary="Edit your profile")
async def update_profile_put(
    body: ProfileUpdate, me: CurrentUser, session: SessionDep, settings: SettingsDep, notify: OutboxNotify
) -> UserProfile:
    """Change display name (1-50), bio (0-160) and default_ttl (a preset or null); returns the profile."""
    return await _update(body, me, session, settings=settings, notify=notify)


@profile_router.post("/update", response_model=UserProfile, summary="Edit your profile (original method)")
async def update_profile_post(
    body: ProfileUpdate, me: CurrentUser, session: SessionDep, settings: SettingsDep, notify: OutboxNotify
) -> UserProfile:
    """Same as PUT (the original API used POST, its client PUT)."""
    return await _update(body, me, session, settings=settings, notify=notify)
