"""Activity service settings."""

from __future__ import annotations

import functools

from pydantic import Field

from cruddur_common.settings import CommonSettings


class Settings(CommonSettings):
    """Settings of the activity service."""

    pg_pool_min: int = Field(default=2, ge=1)
    pg_pool_max: int = Field(default=10, ge=1)  # each of the two request pools (activity_service.db)
    # The SQLAlchemy engine serves only the migrations and the outbox (one delivery loop, its lag figures
    # for /ready and the readiness ping): 2 connections, 2 more in overflow; requests never wait on it.
    db_pool_size: int = Field(default=2, ge=1)
    outbox_enabled: bool = True
    outbox_poll_seconds: float = Field(default=1.0, gt=0)
    outbox_batch_size: int = Field(default=50, ge=1, le=1000)
    outbox_max_backoff_seconds: float = Field(default=60.0, gt=0)
    purge_batch_size: int = Field(default=1000, ge=1, le=100_000)
    author_cache_size: int = Field(default=50_000, ge=0)
    export_max_items: int = Field(default=10_000, ge=1)  # per list of a user's export (cruds, likes, reposts)
    # Crud pictures (media/): grants to the uploads bucket, processed objects in the assets bucket.
    uploads_bucket: str = "cruddur-uploads"
    assets_bucket: str = "cruddur-assets"
    assets_base_url: str = "/assets"
    media_grant_seconds: int = Field(default=300, ge=30, le=3600)
    media_grant_skew_seconds: int = Field(default=120, ge=0, le=600)


@functools.cache
def get_settings() -> Settings:
    """The process's settings, read once."""
    return Settings()
