"""Activity service settings."""

from __future__ import annotations

import functools

from cruddur_common.settings import CommonSettings


class Settings(CommonSettings):
    """Settings of the activity service."""


@functools.cache
def get_settings() -> Settings:
    """The process's settings, read once."""
    return Settings()
