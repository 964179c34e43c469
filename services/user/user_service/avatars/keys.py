"""Object keys: uploads/<user uuid>/<token>.<ext> in, avatars/<user uuid>/<token>/<size>.<fmt> out."""

from __future__ import annotations

import re
import secrets
import uuid
from dataclasses import dataclass
from typing import Literal

CONTENT_TYPES = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}
EXTENSIONS = {"jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png", "webp": "image/webp"}
SIZES = (512, 128)
Format = Literal["jpg", "webp"]
FORMATS: dict[Format, str] = {"jpg": "image/jpeg", "webp": "image/webp"}
UPLOADS_PREFIX = "uploads/"
AVATARS_PREFIX = "avatars/"
_UPLOAD_KEY = re.compile(
    r"^uploads/(?P<user>[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})/"
    r"(?P<token>[A-Za-z0-9_-]{16,64})\.(?P<ext>jpg|png|webp)$"
)


@dataclass(frozen=True, slots=True)
class UploadKey:
    """The parts of an upload key."""

    user_uuid: uuid.UUID
    token: str
    ext: str

    @property
    def key(self) -> str:
        """The S3 key."""
        return f"{UPLOADS_PREFIX}{self.user_uuid}/{self.token}.{self.ext}"

    @property
    def content_type(self) -> str:
        """The content type the uploader declared by choosing this key."""
        return EXTENSIONS[self.ext]


def new_upload_key(user_uuid: uuid.UUID, content_type: str) -> UploadKey:
    """A fresh, unguessable upload key owned by `user_uuid`."""
    return UploadKey(user_uuid=user_uuid, token=secrets.token_urlsafe(18), ext=CONTENT_TYPES[content_type])


def parse_upload_key(key: str) -> UploadKey | None:
    """The parts of an upload key, or None when the key is not one we hand out."""
    match = _UPLOAD_KEY.match(key)
    if match is None:
        return None
    return UploadKey(user_uuid=uuid.UUID(match["user"]), token=match["token"], ext=match["ext"])


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
