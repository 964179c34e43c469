"""A user row as a follow list shows it."""

from __future__ import annotations

from user_service.avatars.urls import avatar_url
from user_service.follows.schemas import Person
from user_service.models import User


def render_person(user: User, *, followed: bool | None, assets_base_url: str) -> Person:
    """A user in a list, with whether the reader follows them (None: signed out)."""
    return Person(
        uuid=user.uuid,
        handle=user.handle,
        display_name=user.display_name,
        avatar_url=avatar_url(user, assets_base_url=assets_base_url),
        bio=user.bio or "",
        followed=followed,
    )
