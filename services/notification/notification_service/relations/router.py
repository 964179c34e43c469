"""Internal route the user service's outbox calls (destination `relations`); never routed from outside."""

from __future__ import annotations

from fastapi import APIRouter, Request

from cruddur_common.contracts import BatchIn, BatchResult
from cruddur_common.errors import ERROR_RESPONSES
from notification_service.dependencies import BrokerDep
from notification_service.relations import service

router = APIRouter(prefix="/internal/relations", tags=["internal"], responses=ERROR_RESPONSES)


@router.post(
    "/events",
    response_model=BatchResult,
    summary="Apply a batch of block, mute, suspension and erasure events in order (the user outbox)",
)
async def relation_events(batch: BatchIn, request: Request, broker: BrokerDep) -> BatchResult:
    """One result per event; an event refused for good (invalid data) does not stop the ones after it."""
    return await service.apply_events(request.app.state.sessions, broker, batch.events)
