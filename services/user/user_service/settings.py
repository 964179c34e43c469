"""User service settings."""

from __future__ import annotations

import functools

from pydantic import Field

from cruddur_common.settings import CommonSettings


class Settings(CommonSettings):
    """Settings of the user service."""

    uploads_bucket: str = "cruddur-uploads"
    assets_bucket: str = "cruddur-assets"
    assets_base_url: str = "/assets"
    outbox_enabled: bool = True
    outbox_poll_seconds: float = Field(default=1.0, gt=0)
    outbox_batch_size: int = Field(default=50, ge=1, le=1000)
    outbox_max_backoff_seconds: float = Field(default=60.0, gt=0)


@functools.cache
def get_settings() -> Settings:
    """The process's settings, read once."""
    return Settings()
