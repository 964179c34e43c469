"""Messaging service settings."""

from __future__ import annotations

import functools

from pydantic import Field

from cruddur_common.settings import CommonSettings


class Settings(CommonSettings):
    """Settings of the messaging service (and of its stream processor)."""

    messages_table: str = "cruddur-messages"
    user_cache_seconds: float = Field(default=30.0, ge=0)
    # how long a member's current name and avatar are reused in lists and threads (issue 18)
    people_cache_seconds: float = Field(default=5.0, ge=0)
    stream_poll_seconds: float = Field(default=0.2, gt=0)
    stream_batch_size: int = Field(default=100, ge=1, le=1000)
    # Where poison records are parked: a queue name (local) or URL (the Lambda is given the URL).
    stream_dead_letter_queue: str = "cruddur-messages-stream-dlq"
    # The local poller's position per shard, so a restart resumes instead of replaying the stream.
    stream_checkpoint_table: str = "cruddur-messages-stream-checkpoints"
    # Attempts at a record that fails in an unexpected way (a bug) before the poller parks it.
    stream_max_attempts: int = Field(default=5, ge=1)


@functools.cache
def get_settings() -> Settings:
    """The process's settings, read once."""
    return Settings()
