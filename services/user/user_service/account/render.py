"""A deletion request as the API answers it."""

from __future__ import annotations

from datetime import datetime

from user_service.account.schemas import DeletionStatus


def render_deletion(requested_at: datetime) -> DeletionStatus:
    """The 202 body of `DELETE /api/users/me` (the same for a repeat)."""
    return DeletionStatus(status="deleting", requested_at=requested_at)
