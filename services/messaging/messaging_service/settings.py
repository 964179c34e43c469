"""Messaging service settings."""

from __future__ import annotations

import functools

from cruddur_common.settings import CommonSettings


class Settings(CommonSettings):
    """Settings of the messaging service."""

    messages_table: str = "cruddur-messages"


@functools.cache
def get_settings() -> Settings:
    """The process's settings, read once."""
    return Settings()
