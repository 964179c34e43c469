"""What both upload grants share (avatars, crud pictures): types, the upload-key grammar, the presigned POST.

Stand-in written by the crud-pictures branch (h15-media) to the issue-15 contract; the image processor's
branch (h15-mediaproc) owns this module and its version wins at merge.
"""

from __future__ import annotations

import re
import secrets
import uuid
from dataclasses import dataclass
from typing import Any, Literal

ContentType = Literal["image/jpeg", "image/png", "image/webp"]
Kind = Literal["avatar", "media"]
CONTENT_TYPES: dict[str, str] = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}
EXTENSIONS: dict[str, str] = {
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "webp": "image/webp",
}
_FOLDERS: dict[Kind, str] = {"avatar": "uploads/", "media": "uploads/media/"}
_UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
_UPLOAD_KEY = re.compile(
    rf"^uploads/(?P<media>media/)?(?P<user>{_UUID})/(?P<token>[A-Za-z0-9_-]{{16,64}})\.(?P<ext>jpg|png|webp)$"
)


@dataclass(frozen=True, slots=True)
class UploadKey:
    """The parts of an upload key: avatars `uploads/<user>/<token>.<ext>`, media `uploads/media/...`."""

    kind: Kind
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


def new_upload_key(kind: Kind, user_uuid: uuid.UUID, content_type: str) -> UploadKey:
    """A fresh, unguessable upload key owned by `user_uuid`."""
    return UploadKey(
        kind=kind, user_uuid=user_uuid, token=secrets.token_urlsafe(18), ext=CONTENT_TYPES[content_type]
    )


def parse_upload_key(key: str) -> UploadKey | None:
    """The parts of an upload key, or None when the key is not one we hand out."""
    match = _UPLOAD_KEY.match(key)
    if match is None:
        return None
    kind: Kind = "media" if match["media"] else "avatar"
    return UploadKey(kind=kind, user_uuid=uuid.UUID(match["user"]), token=match["token"], ext=match["ext"])


async def presigned_post(
    s3: Any, *, bucket: str, key: str, content_type: str, max_bytes: int, expires_in: int
) -> tuple[str, dict[str, str]]:
    """A presigned POST whose policy pins the key, the content type and 1..max_bytes; (url, fields)."""
    presigned = await s3.generate_presigned_post(
        Bucket=bucket,
        Key=key,
        Fields={"Content-Type": content_type},
        Conditions=[{"Content-Type": content_type}, ["content-length-range", 1, max_bytes]],
        ExpiresIn=expires_in,
    )
    return str(presigned["url"]), {str(k): str(v) for k, v in presigned["fields"].items()}
