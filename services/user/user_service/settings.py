"""User service settings (avatars included: the service, its worker and its Lambdas read the same ones)."""

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
    # Avatars: the local worker's queue, and how long an upload grant lasts.
    avatar_queue_url: str | None = None
    avatar_grant_seconds: int = Field(default=300, ge=30, le=3600)
    avatar_grant_skew_seconds: int = Field(default=120, ge=0, le=600)
    avatar_worker_concurrency: int = Field(default=2, ge=1, le=16)
    # Durable jobs (cruddur_common.jobs: account deletion, data export). A job whose process died is run
    # again once its lease is out: 30 s keeps a deletion "within a minute" across a restart.
    jobs_poll_seconds: float = Field(default=1.0, gt=0)
    jobs_lease_seconds: float = Field(default=30.0, ge=1)
    jobs_max_attempts: int = Field(default=8, ge=1, le=100)
    jobs_max_backoff_seconds: float = Field(default=60.0, gt=0)
    # How long a deleted account's handle stays reserved (nobody can take it and pass for the leaver).
    handle_reservation_days: int = Field(default=30, ge=0, le=365)
    # How long an unconfirmed sign-up holds its handle: the confirmation code's lifetime (24 h).
    sign_up_reservation_hours: int = Field(default=24, ge=1, le=168)


@functools.cache
def get_settings() -> Settings:
    """The process's settings, read once (by main.py and the worker's and Lambdas' entry points only)."""
    return Settings()
