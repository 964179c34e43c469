"""What both upload grants share (avatars: user service; crud pictures: activity service), without Pillow.

Keys: `uploads/<user uuid>/<token>.<ext>` (kind `avatar`) and `uploads/media/<user uuid>/<token>.<ext>`
(kind `media`). The one image processor reads the kind from the key and reports to the service that granted
it; the grant's owner issues the key with `new_upload_key` and the presigned POST with `presigned_post`.
A ready picture lives in the assets bucket under `media_folder(user, token)`: `{1600,400}.{jpg,webp}`.
"""

from __future__ import annotations

import re
import secrets
import uuid
from dataclasses import dataclass
from typing import Any, Literal

ContentType = Literal["image/jpeg", "image/png", "image/webp"]
UploadKind = Literal["avatar", "media"]
CONTENT_TYPES: dict[str, str] = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}
EXTENSIONS: dict[str, str] = {
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "webp": "image/webp",
}
MiB = 1024 * 1024
# The byte limit of each kind: the grant's policy and the processor's check read the same number.
MAX_BYTES: dict[UploadKind, int] = {"avatar": 5 * MiB, "media": 10 * MiB}
UPLOADS_PREFIX = "uploads/"
MEDIA_PREFIX = "media/"
EXPORTS_PREFIX = "exports/"  # uploads bucket: data exports, exports/<user uuid>/<job id>.zip (issue 16)
MEDIA_SIZES = (1600, 400)  # display (longest side), thumbnail (longest side)
MEDIA_FORMATS = ("jpg", "webp")
_FOLDERS: dict[UploadKind, str] = {"avatar": UPLOADS_PREFIX, "media": f"{UPLOADS_PREFIX}media/"}
_UPLOAD_KEY = re.compile(
    r"^uploads/(?P<media>media/)?"
    r"(?P<user>[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})/"
    r"(?P<token>[A-Za-z0-9_-]{16,64})\.(?P<ext>jpg|png|webp)$"
)


@dataclass(frozen=True, slots=True)
class UploadKey:
    """The parts of an upload key."""

    kind: UploadKind
    user_uuid: uuid.UUID
    token: str
    ext: str

    @property
    def key(self) -> str:
        """The S3 key."""
        return f"{_FOLDERS[self.kind]}{self.user_uuid}/{self.token}.{self.ext}"

    @property
    def content_type(self) -> str:
        """The content type the uploader declared by choosing this key."""
        return EXTENSIONS[self.ext]


def new_upload_key(kind: UploadKind, user_uuid: uuid.UUID, content_type: str) -> UploadKey:
    """A fresh, unguessable upload key of `kind` owned by `user_uuid`."""
    return UploadKey(
        kind=kind, user_uuid=user_uuid, token=secrets.token_urlsafe(18), ext=CONTENT_TYPES[content_type]
    )


def parse_upload_key(key: str) -> UploadKey | None:
    """The parts of an upload key, or None when the key is not one we hand out."""
    match = _UPLOAD_KEY.match(key)
    if match is None:
        return None
    return UploadKey(
        kind="media" if match["media"] else "avatar",
        user_uuid=uuid.UUID(match["user"]),
        token=match["token"],
        ext=match["ext"],
    )


def media_folder(user_uuid: uuid.UUID, token: str) -> str:
    """The assets-bucket folder of one processed picture (no trailing slash)."""
    return f"{MEDIA_PREFIX}{user_uuid}/{token}"


def media_rendition_keys(user_uuid: uuid.UUID, token: str) -> list[str]:
    """The four objects of a processed picture: 1600 and 400, JPEG and WebP."""
    return folder_rendition_keys(media_folder(user_uuid, token))


def folder_rendition_keys(folder: str) -> list[str]:
    """The four objects in one picture's folder (what the activity purge deletes)."""
    return [f"{folder}/{size}.{fmt}" for size in MEDIA_SIZES for fmt in MEDIA_FORMATS]


async def presigned_post(
    s3: Any, *, bucket: str, key: str, content_type: str, max_bytes: int, expires_in: int
) -> tuple[str, dict[str, str]]:
    """A presigned S3 POST (url, fields) whose policy pins the key, the Content-Type and 1..max_bytes."""
    presigned = await s3.generate_presigned_post(
        Bucket=bucket,
        Key=key,
        Fields={"Content-Type": content_type},
        Conditions=[{"Content-Type": content_type}, ["content-length-range", 1, max_bytes]],
        ExpiresIn=expires_in,
    )
    return str(presigned["url"]), dict(presigned["fields"])
