"""Pictures as the API shows them: a crud's `media` (from its `activities.media` copy) and an upload's status.

A crud's pictures are read from `activities.media`, written once at attach (`stored_media`), so a feed
page reads no second table; the URLs are built here, at read time, from the crud's current `expires_at`:
a changed expiry is a changed URL (the edge serves `media/` only while `expires` is in the future).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

import orjson

from activity_service.media.schemas import DISPLAY_SIZE, THUMBNAIL_SIZE, MediaStatus
from cruddur_common.contracts import ExportPicture
from cruddur_common.uploads import media_folder  # the processor's layout, one definition

GRANT_EXPIRED = "grant_expired"


def stored_media(rows: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """What `activities.media` keeps of attached media rows: all the render needs, in position order."""
    return [
        {
            "prefix": media_folder(r["user_uuid"], r["token"]),
            "width": r["width"],
            "height": r["height"],
            "thumbnail_width": r["thumbnail_width"],
            "thumbnail_height": r["thumbnail_height"],
            "alt": r["alt"],
        }
        for r in sorted(rows, key=lambda r: int(r["position"]))
    ]


def render_media(
    stored: str | list[dict[str, Any]] | None, *, expires_at: datetime, assets_base_url: str
) -> list[dict[str, Any]]:
    """A crud's pictures in `MediaItem`'s shape (field order too); `[]` for none, without parsing anything."""
    if stored is None:
        return []
    pictures = orjson.loads(stored) if isinstance(stored, str) else stored  # asyncpg hands jsonb as text
    base = assets_base_url.rstrip("/")
    query = f"?expires={int(expires_at.timestamp())}"  # floored: never served past the crud's end
    return [
        {
            "url": f"{base}/{p['prefix']}/{DISPLAY_SIZE}.webp{query}",
            "thumbnail_url": f"{base}/{p['prefix']}/{THUMBNAIL_SIZE}.webp{query}",
            "width": p["width"],
            "height": p["height"],
            "thumbnail_width": p["thumbnail_width"],
            "thumbnail_height": p["thumbnail_height"],
            "alt": p["alt"],
        }
        for p in pictures
    ]


def render_export_pictures(stored: str | list[dict[str, Any]] | None) -> list[ExportPicture]:
    """A crud's pictures in a data export: the assets-bucket key of each one's display JPEG, and its alt."""
    if stored is None:
        return []
    pictures = orjson.loads(stored) if isinstance(stored, str) else stored
    return [ExportPicture(key=f"{p['prefix']}/{DISPLAY_SIZE}.jpg", alt=p["alt"] or "") for p in pictures]


def render_status(row: Mapping[str, Any], *, grant_over: bool) -> MediaStatus:
    """An upload's status: a grant is `processing` until its file arrives, `failed` once it cannot."""
    status, reason, message = row["status"], row["reason"], row["message"]
    if status == "granted":
        status = "processing"
        if grant_over:
            status, reason, message = (
                "failed",
                GRANT_EXPIRED,
                "No file arrived before the upload grant ended.",
            )
    return MediaStatus(
        id=row["id"],
        status=status,
        reason=reason,
        message=message,
        width=row["width"],
        height=row["height"],
    )
