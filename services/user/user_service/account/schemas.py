"""Response models of account deletion."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field


class DeletionStatus(BaseModel):
    """`DELETE /api/users/me`: the account is gone for everyone; its data is being erased."""

    status: Literal["deleting"] = "deleting"
    requested_at: datetime = Field(description="When the deletion was asked (a repeat answers the same).")
