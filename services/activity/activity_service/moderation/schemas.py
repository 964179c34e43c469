"""Internal models of what the user service's moderation tools read and hold (docs/moderation.md)."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import AwareDatetime, BaseModel


class CrudAuthor(BaseModel):
    """Who wrote a crud."""

    uuid: UUID
    handle: str
    display_name: str


class Crud(BaseModel):
    """A crud or reply in any state, as moderators see it (`expired`: past its time, kept by a hold)."""

    uuid: UUID
    author: CrudAuthor
    message: str
    created_at: datetime
    expires_at: datetime
    reply_to_activity_uuid: UUID | None
    expired: bool
    held: bool


class HoldIn(BaseModel):
    """An evidence hold for an open report: keep the crud until `until` (or the hold's release)."""

    reporter: UUID
    until: AwareDatetime
