"""Request and response models of crud pictures: upload grants, status, attach, the processor's calls."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from cruddur_common import uploads
from cruddur_common.uploads import MEDIA_SIZES, ContentType

MAX_BYTES = uploads.MAX_BYTES["media"]  # 10 MiB: the grant's policy and the processor's limit
MAX_MEDIA = 4
MAX_ALT_CHARS = 1500
DISPLAY_SIZE, THUMBNAIL_SIZE = MEDIA_SIZES  # longest sides of the processor's two renditions


class MediaUploadRequest(BaseModel):
    """What the caller is about to upload."""

    model_config = ConfigDict(extra="forbid")

    content_type: ContentType = Field(description="The file's type; the processor checks the real bytes.")


class MediaUploadGrant(BaseModel):
    """A presigned S3 POST: send `fields` plus the file (last) as multipart/form-data to `url`."""

    id: uuid.UUID = Field(
        description="The picture's id: poll GET /api/activities/media/{id}, then attach it."
    )
    url: str
    fields: dict[str, str]
    max_bytes: int
    expires_at: datetime = Field(description="The grant's end: upload before it")


class MediaStatus(BaseModel):
    """Where an upload stands; `ready` pictures can be attached to one crud or reply."""

    id: uuid.UUID
    status: Literal["processing", "ready", "failed"]
    reason: str | None = Field(default=None, description="Stable code of a failure, e.g. `not_an_image`.")
    message: str | None = None
    width: int | None = Field(default=None, description="Of the display size (longest side at most 1600)")
    height: int | None = None


class MediaRef(BaseModel):
    """A picture to attach: one's own ready, unattached upload, with its alt text."""

    model_config = ConfigDict(extra="forbid")

    id: uuid.UUID
    # No max_length here: any longer alt is 422 `alt_too_long` (the body limit, 1 MiB, bounds the work).
    alt: str = Field(
        default="",
        description=f"0-{MAX_ALT_CHARS} characters after trimming (422 `alt_too_long`); the SPA asks for it",
        json_schema_extra={"maxLength": MAX_ALT_CHARS},
    )


MEDIA_FIELD_DESCRIPTION = (
    f"0-{MAX_MEDIA} pictures (422 `too_many_media`, `media_duplicate`, `media_not_found`, `media_not_ready`, "
    "`media_in_use`, `alt_too_long`)"
)


class ClaimRequest(BaseModel):
    """The processor found an object in the uploads bucket (internal)."""

    key: str = Field(max_length=512)
    uploaded_at: AwareDatetime | None = Field(default=None, description="The S3 event's time (with its zone)")


class Claim(BaseModel):
    """The grant behind an uploaded object (internal); `version` is the key's token."""

    key: str
    user_uuid: uuid.UUID
    version: str
    content_type: ContentType
    kind: Literal["media"] = "media"


class ResultRequest(BaseModel):
    """The processor's verdict on an upload (internal): the sizes it wrote, or why it refused."""

    key: str = Field(max_length=512)
    status: Literal["ready", "failed"]
    width: int | None = Field(default=None, ge=1, le=DISPLAY_SIZE)
    height: int | None = Field(default=None, ge=1, le=DISPLAY_SIZE)
    thumbnail_width: int | None = Field(default=None, ge=1, le=THUMBNAIL_SIZE)
    thumbnail_height: int | None = Field(default=None, ge=1, le=THUMBNAIL_SIZE)
    reason: str | None = Field(default=None, max_length=64)
    message: str | None = Field(default=None, max_length=1000)

    @model_validator(mode="after")
    def _sizes_when_ready(self) -> ResultRequest:
        sizes = (self.width, self.height, self.thumbnail_width, self.thumbnail_height)
        if self.status == "ready" and any(size is None for size in sizes):
            raise ValueError("a ready picture has width, height, thumbnail_width and thumbnail_height")
        return self
