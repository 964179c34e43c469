"""A user row as each API shape shows it (each lists its fields: a new column never leaks by accident)."""

from __future__ import annotations

from user_service.avatars.urls import avatar_url
from user_service.models import User
from user_service.profiles.schemas import InternalUserFull, Me, ShortUser, UserCard, UserProfile
from user_service.relations.repository import Relation


def render_profile(user: User, *, assets_base_url: str) -> UserProfile:
    """The caller's own profile."""
    return UserProfile(
        uuid=user.uuid,
        cognito_user_id=user.cognito_user_id,
        handle=user.handle,
        email=user.email,
        display_name=user.display_name,
        bio=user.bio,
        avatar_url=avatar_url(user, assets_base_url=assets_base_url),
        default_ttl=user.default_ttl,
        created_at=user.created_at,
        updated_at=user.updated_at,
    )


def render_me(user: User, *, moderator: bool, assets_base_url: str) -> Me:
    """The caller's own profile, with whether they moderate."""
    profile = render_profile(user, assets_base_url=assets_base_url)
    return Me(**profile.model_dump(), moderator=moderator)


def render_user_card(user: User, *, assets_base_url: str) -> UserCard:
    """Name and avatar of a user."""
    return UserCard(
        uuid=user.uuid,
        handle=user.handle,
        display_name=user.display_name,
        avatar_url=avatar_url(user, assets_base_url=assets_base_url),
    )


def render_short_user(user: User, *, relation: Relation | None, assets_base_url: str) -> ShortUser:
    """Name and avatar of a user, with the reader's block and mute of them (null: signed out)."""
    card = render_user_card(user, assets_base_url=assets_base_url)
    if relation is None:
        return ShortUser(**card.model_dump())
    return ShortUser(**card.model_dump(), blocking=relation.blocking, muted=relation.muted)


# Same fields as render_profile but for email and created_at, plus an empty bio for null: a second
# shape on purpose (what other services may see), so it stays a second explicit list.
def render_internal_user(user: User, *, assets_base_url: str) -> InternalUserFull:
    """How other services see a user."""
    return InternalUserFull(
        uuid=user.uuid,
        cognito_user_id=user.cognito_user_id,
        handle=user.handle,
        display_name=user.display_name,
        avatar_url=avatar_url(user, assets_base_url=assets_base_url),
        bio=user.bio or "",
        updated_at=user.updated_at,
    )
