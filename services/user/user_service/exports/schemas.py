"""The export's API shape, and the documents written into its zip."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Literal
from uuid import UUID

from pydantic import AwareDatetime, BaseModel, Field

from cruddur_common.contracts import ExportConversation, ExportReaction
from user_service.profiles.schemas import UserCard, UserProfile

# How long a ready export's link lives (the uploads bucket's lifecycle removes the zip a day later) and how
# often one may be asked for (a running or ready export in the last DAY refuses a new one).
DAY = timedelta(hours=24)
ExportState = Literal["running", "ready", "failed", "expired"]


class ExportStatus(BaseModel):
    """The caller's latest export."""

    id: int
    status: ExportState = Field(
        description="`running` (being built, retried after a failure), `ready` (download at `url`),"
        " `failed` (see `reason`; ask again), `expired` (24 h after it was ready; ask again)"
    )
    requested_at: AwareDatetime
    finished_at: AwareDatetime | None
    url: str | None = Field(description="A presigned GET of the zip, valid until `expires_at` (ready only)")
    expires_at: AwareDatetime | None = Field(description="`finished_at` + 24 h (ready or expired)")
    reason: str | None = Field(description="Why the last attempt failed, in plain words (running or failed)")


# --- the zip's documents (JSON: UTF-8, pretty, keys sorted, ISO 8601 times) -------------------------------


class ProfileDocument(UserProfile):
    """`profile.json`: the account as the user sees it, and the avatar's file in the zip (null: none)."""

    avatar_file: str | None
    exported_at: datetime


class PersonDocument(UserCard):
    """One entry of `following.json` / `followers.json`: who, and since when."""

    since: datetime


class PictureDocument(BaseModel):
    """A picture of a crud: its file in the zip (null: it was gone when the export was made) and alt text."""

    file: str | None
    alt: str


class CrudDocument(BaseModel):
    """One entry of `cruds.json`: a live crud or reply the user wrote."""

    uuid: UUID
    message: str
    created_at: datetime
    expires_at: datetime
    reply_to_activity_uuid: UUID | None
    likes_count: int
    replies_count: int
    reposts_count: int
    pictures: list[PictureDocument]


class ReactionsDocument(BaseModel):
    """`likes.json`: the live cruds the user liked and reposted."""

    likes: list[ExportReaction]
    reposts: list[ExportReaction]


class MessagesDocument(BaseModel):
    """`messages.json`: the user's conversations, oldest line first."""

    conversations: list[ExportConversation]
