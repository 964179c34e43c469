"""Where a user's avatar is served from: the one function every API shape uses for `avatar_url`."""

from __future__ import annotations

from user_service.avatars.defaults import default_key
from user_service.avatars.keys import Format, renditions
from user_service.models import User


def avatar_key(user: User) -> str:
    """The object key of the avatar everyone sees: the processed 512 JPEG, else the default."""
    return user.avatar_key or default_key(user.handle, user.display_name)


def avatar_url(user: User, *, assets_base_url: str) -> str:
    """The URL under assetsBaseUrl; a processed avatar's key is versioned, so a new one is a new URL."""
    return f"{assets_base_url.rstrip('/')}/{avatar_key(user)}"


def variant_urls(user: User, *, assets_base_url: str) -> dict[tuple[int, Format], str]:
    """Every size and format of the processed avatar (the default SVG scales, so it is listed once)."""
    if not user.avatar_key:
        return {}
    base = assets_base_url.rstrip("/")
    return {variant: f"{base}/{key}" for variant, key in renditions(user.avatar_key).items()}
