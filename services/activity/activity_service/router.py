"""HTTP routes of the activity service (thin: parse, call the service, return a schema)."""

from __future__ import annotations

from fastapi import APIRouter

from cruddur_common.errors import ERROR_RESPONSES

router = APIRouter(tags=["activity"], responses=ERROR_RESPONSES)
