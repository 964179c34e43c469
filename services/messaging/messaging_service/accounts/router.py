"""Internal routes the user service calls about a whole account (never routed from outside)."""

from __future__ import annotations

import uuid

from fastapi import APIRouter

from cruddur_common.contracts import (
    EXPORT_PATH,
    MESSAGING_RELATIONS_PATH,
    BatchIn,
    BatchResult,
    MessagingExport,
)
from cruddur_common.errors import ERROR_RESPONSES
from messaging_service.accounts import service
from messaging_service.dependencies import MessagingDep

router = APIRouter(prefix="/internal", tags=["internal"], responses=ERROR_RESPONSES)


@router.post(
    MESSAGING_RELATIONS_PATH.removeprefix(router.prefix),
    response_model=BatchResult,
    summary="Apply a batch of account erasures in order (the user service's outbox; idempotent)",
)
async def relation_events(batch: BatchIn, messaging: MessagingDep) -> BatchResult:
    """One result per event: `erasure` is applied; other relation events are `ok: false`, not for here."""
    return await service.apply_events(messaging.table, batch.events)


@router.get(
    EXPORT_PATH.removeprefix(router.prefix),
    response_model=MessagingExport,
    summary="A person's conversations and their live lines (the user service's data export)",
)
async def export(user_uuid: uuid.UUID, messaging: MessagingDep) -> MessagingExport:
    """Most recent conversation first, its lines oldest first; empty lists for an unknown person."""
    return await service.export(messaging.table, user_uuid=user_uuid)
