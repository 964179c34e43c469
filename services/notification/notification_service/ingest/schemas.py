"""Request and response models of the ingest routes."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel

# The ingest contract is shared with the producers (activity, user, messaging): one definition in
# cruddur_common.contracts (IngestEvent, BatchIn, BatchResult).


class IngestResult(BaseModel):
    """What happened to an event: stored, a duplicate, dropped (expired or retracted), retracted, or
    `expired` (the crud's notifications took the new end an `expire` event gave them), pushed live only
    (`live`: a conversation's timer line), or `undone` (an unlike, un-repost or unfollow took its unread
    notification back)."""

    status: Literal["stored", "duplicate", "dropped", "retracted", "expired", "live", "undone"]


class PurgeResult(BaseModel):
    """How many expired notifications were deleted."""

    deleted: int
