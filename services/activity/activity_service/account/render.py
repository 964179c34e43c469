"""A user's rows as their data export shows them (cruddur_common.contracts.ActivityExport)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from activity_service.media.render import render_export_pictures
from cruddur_common.contracts import ExportCrud, ExportReaction


def render_export_crud(row: Mapping[str, Any]) -> ExportCrud:
    """One crud or reply (account/repository.py `_EXPORT_CRUDS`) with its pictures."""
    return ExportCrud(
        uuid=row["uuid"],
        message=row["message"],
        created_at=row["created_at"],
        expires_at=row["expires_at"],
        reply_to_activity_uuid=row["reply_to_activity_uuid"],
        likes_count=row["likes_count"],
        replies_count=row["replies_count"],
        reposts_count=row["reposts_count"],
        pictures=render_export_pictures(row["media"]),
    )


def render_export_reaction(row: Mapping[str, Any]) -> ExportReaction:
    """One like or repost (account/repository.py `_EXPORT_REACTIONS`)."""
    return ExportReaction(
        activity_uuid=row["activity_uuid"], author_handle=row["author_handle"], created_at=row["created_at"]
    )
