"""Request and response models of avatars."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from cruddur_common.uploads import ContentType


class UploadRequest(BaseModel):
    """What the caller is about to upload."""

    model_config = ConfigDict(extra="forbid")

    content_type: ContentType = Field(description="The file's type; the processor checks the real bytes.")


class UploadGrant(BaseModel):
    """A presigned S3 POST: send `fields` plus the file (last) as multipart/form-data to `url`."""

    url: str
    fields: dict[str, str]
    key: str
    content_type: ContentType
    max_bytes: int
    expires_at: datetime


class KeyUploadRequest(BaseModel):
    """The original client's request: the file's extension."""

    extension: str = Field(min_length=1, max_length=10, examples=["jpg"])


class KeyUploadGrant(BaseModel):
    """The original client's response: a presigned PUT (send the file with its Content-Type)."""

    url: str
    key: str
    content_type: ContentType
    max_bytes: int
    expires_at: datetime


class AvatarVariant(BaseModel):
    """One processed size and format."""

    size: int
    format: Literal["jpg", "webp"]
    url: str


class AvatarStatus(BaseModel):
    """Where the caller's latest upload stands, and the avatar everyone sees now."""

    status: Literal["processing", "ready", "failed"]
    reason: str | None = Field(default=None, description="Stable code of a failure, e.g. `not_an_image`.")
    message: str | None = None
    avatar_url: str
    is_default: bool
    variants: list[AvatarVariant]
    updated_at: datetime | None = None


class ClaimRequest(BaseModel):
    """The processor found an object in the uploads bucket (internal)."""

    key: str
    uploaded_at: AwareDatetime | None = Field(default=None, description="The S3 event's time (with its zone)")


class Claim(BaseModel):
    """The grant behind an uploaded object (internal)."""

    key: str
    user_uuid: uuid.UUID
    version: str
    content_type: ContentType


class ResultRequest(BaseModel):
    """The processor's verdict on an upload (internal)."""

    key: str
    status: Literal["ready", "failed"]
    avatar_key: str | None = Field(default=None, description="The 512 JPEG of the new version when ready.")
    reason: str | None = None
    message: str | None = None


class MediaResultRequest(BaseModel):
    """The processor's verdict on a crud picture, sent to the activity service (internal, issue 15 §1)."""

    key: str
    status: Literal["ready", "failed"]
    width: int | None = Field(default=None, description="Of the display size (longest side ≤ 1600).")
    height: int | None = None
    thumbnail_width: int | None = Field(default=None, description="Of the thumbnail (longest side ≤ 400).")
    thumbnail_height: int | None = None
    reason: str | None = None
    message: str | None = None
