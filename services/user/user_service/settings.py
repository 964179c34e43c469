"""User service settings."""

from __future__ import annotations

import functools

from cruddur_common.settings import CommonSettings


class Settings(CommonSettings):
    """Settings of the user service."""

    uploads_bucket: str = "cruddur-uploads"
    assets_bucket: str = "cruddur-assets"
    assets_base_url: str = "/assets"


@functools.cache
def get_settings() -> Settings:
    """The process's settings, read once."""
    return Settings()
