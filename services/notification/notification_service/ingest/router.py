"""Internal endpoints other services call over HTTP (never routed from outside: /internal/...)."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request, Response, status

from cruddur_common.contracts import (
    HOME_BATCH_PATH,
    NOTIFICATION_BATCH_PATH,
    BatchIn,
    BatchResult,
    IngestEvent,
)
from cruddur_common.db import SessionDep
from cruddur_common.errors import ERROR_RESPONSES
from notification_service.dependencies import BrokerDep
from notification_service.ingest import service
from notification_service.ingest.schemas import IngestResult, PurgeResult
from notification_service.live import service as live_service

router = APIRouter(prefix="/internal/notifications", tags=["internal"], responses=ERROR_RESPONSES)


@router.post(
    "/events",
    response_model=IngestResult,
    status_code=status.HTTP_202_ACCEPTED,
    summary="Ingest an event (idempotent by event_id)",
)
async def ingest(event: IngestEvent, session: SessionDep, broker: BrokerDep) -> IngestResult:
    """Store a notification once and push it live; `retract` deletes every notification about a crud,
    `expire` gives them all its new end."""
    return await service.ingest(session, broker, event)


@router.post(
    NOTIFICATION_BATCH_PATH.removeprefix(router.prefix),
    response_model=BatchResult,
    summary="Ingest a batch of events in order (the outboxes' call)",
)
async def ingest_batch(batch: BatchIn, request: Request, broker: BrokerDep) -> BatchResult:
    """One result per event; an event refused for good (invalid data) does not stop the ones after it."""
    return await service.ingest_batch(request.app.state.sessions, broker, batch.events)


@router.post(
    HOME_BATCH_PATH.removeprefix(router.prefix),
    response_model=BatchResult,
    summary="Tell followers live that a crud entered their home timelines (never stored)",
)
async def home(batch: BatchIn, broker: BrokerDep) -> BatchResult:
    """Each `HomeEvent` becomes the `home` server-sent event on its recipients' streams (issue 18)."""
    return await live_service.push_home(broker, batch.events)


@router.delete(
    "/events/{event_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    summary="Withdraw an event's notification (a removed direct message; idempotent)",
)
async def withdraw(event_id: uuid.UUID, session: SessionDep) -> Response:
    """The notification is gone from its recipient's list, count and replay."""
    await service.withdraw(session, event_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/purge", response_model=PurgeResult, summary="Delete notifications of expired cruds")
async def purge(session: SessionDep) -> PurgeResult:
    """The scheduled purge: notifications disappear with their crud."""
    return PurgeResult(deleted=await service.purge_expired(session))
