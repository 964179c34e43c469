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


class MediaItem(BaseModel):
    """A picture of a crud, in the order its author gave.

    `url` (display size, longest side at most 1600 px) and `thumbnail_url` (at most 400 px) are WebP; each has
    a JPEG sibling at the same URL with `.jpg` in place of `.webp` (use `<picture>` with the JPEG as the
    fallback). The `expires` query parameter is the crud's end (epoch seconds): the URLs stop answering
    then, and change when the author changes the crud's end.
    """

    url: str
    thumbnail_url: str
    width: int
    height: int
    thumbnail_width: int
    thumbnail_height: int
    alt: str


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
    reposted_by: Reposter | None = Field(
        default=None,
        description=(
            "Set when this entry is a repost: on home, by someone you follow or you (a crud appears once, "
            "at its newest repost); on a user page, by that user"
        ),
    )
    reposted_at: datetime | None = None
    media: list[MediaItem] = Field(description="Pictures, in order (none: `[]`)")


class ActivityPage(BaseModel):
    """A page of cruds (new endpoints)."""

    items: list[ActivityItem]
    next_cursor: str | None
