"""Feeds and pages: rows to plain data in the response models' shape, serialised once by orjson.

Byte for byte what pydantic would write for the response models (tests/unit/activity/test_render.py and
tests/integration/activity/test_pages.py), at a fraction of the cost: no model instances, no re-validation of
our own output. The routes keep their `response_model` for the OpenAPI document.
"""

from __future__ import annotations

import operator
import uuid
from collections.abc import Iterable, Mapping
from typing import Any

import orjson

from activity_service.media.render import render_media
from activity_service.schemas import ActivityItem

# The item's fields that are columns of a feed row (ITEM in feeds/repository.py), read by column name: the
# order of the SELECT list does not matter, and a column the query forgot is a KeyError, not a shifted item
# (tests/integration/activity/test_columns.py compares every feed's items with the ORM's view of the rows).
ROW_FIELDS = tuple(k for k in ActivityItem.model_fields if k not in ("reposted_by", "reposted_at", "media"))
# One C call per row that looks each name up (asyncpg's Record and dicts alike). On 20-row pages of asyncpg
# records, CPU time per page: 29-42 µs by position, 33-44 µs by name (min-median of 15 runs on a loaded
# machine): ~3 µs more per home request, which costs ~350 µs of worker CPU on a quiet one.
_columns = operator.itemgetter(*ROW_FIELDS)


def render_items(
    rows: Iterable[Mapping[str, Any]], *, signed_in: bool, assets_base_url: str
) -> list[dict[str, Any]]:
    """Feed rows as plain data (liked/reposted are null for signed-out readers).

    One loop for the whole page, not a call per item: this runs for every item of every feed page. A crud
    without pictures costs one NULL check (`media` column, media/render.py).
    """
    items = []
    for row in rows:
        data = dict(zip(ROW_FIELDS, _columns(row), strict=False))  # one value per field, always
        if not signed_in:
            data["liked"] = data["reposted"] = None
        handle = row.get("reposter_handle")
        if handle is None:
            data["reposted_by"] = data["reposted_at"] = None
        else:
            data["reposted_by"] = {
                "handle": handle,
                "display_name": row["reposter_display_name"],
                "avatar_url": row["reposter_avatar_url"],
            }
            at = row["at"]  # the home query sends it only where it differs from created_at
            data["reposted_at"] = at if at is not None else row["created_at"]
        media = row["media"]
        data["media"] = (
            []
            if media is None
            else render_media(media, expires_at=data["expires_at"], assets_base_url=assets_base_url)
        )
        items.append(data)
    return items


def render_item(row: Mapping[str, Any], *, signed_in: bool, assets_base_url: str) -> dict[str, Any]:
    """One feed row as plain data."""
    return render_items((row,), signed_in=signed_in, assets_base_url=assets_base_url)[0]


def _default(value: object) -> str:
    if isinstance(value, uuid.UUID):  # asyncpg's own UUID subclass, which orjson does not take as a uuid
        return str(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def to_json(data: object) -> bytes:
    """JSON for feed data (UTC datetimes as `…Z` and uuids as strings, like pydantic)."""
    return orjson.dumps(data, default=_default, option=orjson.OPT_UTC_Z)
