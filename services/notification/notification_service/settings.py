"""Notification service settings."""

from __future__ import annotations

import functools

from pydantic import Field

from cruddur_common.settings import CommonSettings


class Settings(CommonSettings):
    """Settings of the notification service."""

    sse_keepalive_seconds: float = Field(default=15.0, gt=0, le=55, description="Below the ALB idle timeout")
    max_streams_per_user: int = Field(
        default=5, ge=1, le=100, description="Open streams per person and task; a new one closes the oldest"
    )
    people_cache_seconds: float = Field(
        default=5.0, ge=0, description="How long an actor's current name and avatar are reused (issue 18)"
    )


@functools.cache
def get_settings() -> Settings:
    """The process's settings, read once."""
    return Settings()
