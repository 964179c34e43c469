"""Avatar rendition keys: avatars/<user uuid>/<token>/<size>.<fmt> (upload keys: `cruddur_common.uploads`)."""

from __future__ import annotations

import uuid
from typing import Literal

SIZES = (512, 128)
Format = Literal["jpg", "webp"]
FORMATS: dict[Format, str] = {"jpg": "image/jpeg", "webp": "image/webp"}
AVATARS_PREFIX = "avatars/"


def rendition_key(user_uuid: uuid.UUID, version: str, *, size: int, fmt: str) -> str:
    """Where one processed size/format of a version lives in the assets bucket."""
    return f"{AVATARS_PREFIX}{user_uuid}/{version}/{size}.{fmt}"


def renditions(avatar_key: str) -> dict[tuple[int, Format], str]:
    """Every processed object of the version whose 512 JPEG is `avatar_key`, by size and format."""
    folder = avatar_key.rsplit("/", 1)[0]
    return {(size, fmt): f"{folder}/{size}.{fmt}" for size in SIZES for fmt in FORMATS}


def rendition_keys(avatar_key: str) -> list[str]:
    """Every processed object of the version whose 512 JPEG is `avatar_key`."""
    return list(renditions(avatar_key).values())
