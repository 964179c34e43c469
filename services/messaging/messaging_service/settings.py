"""Messaging service settings."""

from __future__ import annotations

import functools

from pydantic import Field

from cruddur_common.settings import CommonSettings


class Settings(CommonSettings):
    """Settings of the messaging service (and of its stream processor)."""

    messages_table: str = "cruddur-messages"
    user_cache_seconds: float = Field(default=30.0, ge=0)
    stream_poll_seconds: float = Field(default=0.2, gt=0)
    stream_batch_size: int = Field(default=100, ge=1, le=1000)


@functools.cache
def get_settings() -> Settings:
    """The process's settings, read once."""
    return Settings()
