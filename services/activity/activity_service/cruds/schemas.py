"""Request and response models of posting, replying, liking, reposting, changing the end and deleting."""

from __future__ import annotations

import uuid

from pydantic import BaseModel, ConfigDict, Field
from pydantic.config import JsonDict

from activity_service.media.schemas import MAX_MEDIA, MEDIA_FIELD_DESCRIPTION, MediaRef
from cruddur_common.expiry import TTLS  # the presets' one home (re-exported here, as before)

MAX_CRUD_CHARS = 280
MAX_REPLY_CHARS = 1024
NOT_BLANK: JsonDict = {"minLength": 1}  # in the docs only: blank text has its own 422 code


class NewActivity(BaseModel):
    """A new crud: the text and how long it lives."""

    model_config = ConfigDict(extra="ignore")

    # minLength documents the 422 `message_blank` (the check itself runs after trimming, in cruds.text)
    message: str = Field(
        max_length=10_000, description="1-280 characters after trimming", json_schema_extra=NOT_BLANK
    )
    ttl: str = Field(
        max_length=32,
        description="One of: " + ", ".join(TTLS),
        examples=["7-days"],
        json_schema_extra={"enum": list(TTLS)},
    )
    media: list[MediaRef] | None = Field(
        default=None, description=MEDIA_FIELD_DESCRIPTION, json_schema_extra={"maxItems": MAX_MEDIA}
    )


class NewReply(BaseModel):
    """A reply (the original client also sends `activity_uuid`, which is ignored)."""

    model_config = ConfigDict(extra="ignore")

    message: str = Field(
        max_length=10_000, description="1-1024 characters after trimming", json_schema_extra=NOT_BLANK
    )
    media: list[MediaRef] | None = Field(
        default=None, description=MEDIA_FIELD_DESCRIPTION, json_schema_extra={"maxItems": MAX_MEDIA}
    )


class LikeState(BaseModel):
    """The reader's like of a crud after the call."""

    activity_uuid: uuid.UUID
    liked: bool
    likes_count: int


class RepostState(BaseModel):
    """The reader's repost of a crud after the call."""

    activity_uuid: uuid.UUID
    reposted: bool
    reposts_count: int


class ExpiryChange(BaseModel):
    """A new end for one's own crud: that long from now (at most 30 days after it was posted), or now."""

    model_config = ConfigDict(extra="ignore")

    ttl: str = Field(
        max_length=32,
        description="One of: " + ", ".join(TTLS) + "; or `now`, which deletes the crud (as DELETE does)",
        examples=["1-day"],
        json_schema_extra={"enum": [*TTLS, "now"]},
    )
