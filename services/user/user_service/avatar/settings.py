"""Settings of avatars (on top of the user service's)."""

from __future__ import annotations

import functools

from pydantic import Field

from user_service.settings import Settings


class AvatarSettings(Settings):
    """Where uploads arrive and go, and how long a grant lasts."""

    avatar_queue_url: str | None = None
    avatar_grant_seconds: int = Field(default=300, ge=30, le=3600)
    avatar_grant_skew_seconds: int = Field(default=120, ge=0, le=600)
    avatar_worker_concurrency: int = Field(default=2, ge=1, le=16)


@functools.cache
def get_avatar_settings() -> AvatarSettings:
    """The process's avatar settings, read once."""
    return AvatarSettings()
