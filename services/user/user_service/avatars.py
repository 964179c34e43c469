"""Where a user's avatar is served from."""

from __future__ import annotations

from user_service.models import User
from user_service.settings import get_settings


def avatar_url(user: User) -> str:
    """The processed avatar under assetsBaseUrl, or the generated default for users without one."""
    base = get_settings().assets_base_url.rstrip("/")
    if user.avatar_key:
        return f"{base}/{user.avatar_key}"
    return f"{base}/avatars/default/{user.handle.lower()}.svg"
