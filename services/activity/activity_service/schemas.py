"""Response models shared by the activity routes (original field names kept)."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID as PyUUID

from pydantic import BaseModel, Field


class Reposter(BaseModel):
    """Who reposted a crud into this feed."""

    handle: str
    display_name: str
    avatar_url: str


class ActivityItem(BaseModel):
    """A crud or reply as every feed and page shows it."""

    uuid: PyUUID
    display_name: str
    handle: str
    avatar_url: str
    message: str
    replies_count: int
    reposts_count: int
    likes_count: int
    expires_at: datetime
    created_at: datetime
    reply_to_activity_uuid: PyUUID | None = None
    liked: bool | None = Field(default=None, description="Did the reader like it (null: signed out)")
    reposted: bool | None = Field(default=None, description="Did the signed-in reader repost it")
    reposted_by: Reposter | None = Field(default=None, description="Set when a followed user reposted it")
    reposted_at: datetime | None = None


class ActivityPage(BaseModel):
    """A page of cruds (new endpoints)."""

    items: list[ActivityItem]
    next_cursor: str | None
