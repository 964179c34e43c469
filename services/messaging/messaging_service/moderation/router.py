"""Internal routes the user service's moderation calls (never routed from outside: /internal/...)."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Response, status

from cruddur_common.errors import ERROR_RESPONSES
from messaging_service.dependencies import ModerationDep
from messaging_service.moderation import service
from messaging_service.moderation.schemas import HeldMessage, HoldIn

router = APIRouter(prefix="/internal", tags=["internal"], responses=ERROR_RESPONSES)


@router.put(
    "/messages/{message_uuid}/holds/{report_id}",
    response_model=HeldMessage,
    summary="Keep a reported message as evidence (idempotent per report)",
)
async def hold_message(
    message_uuid: uuid.UUID, report_id: uuid.UUID, body: HoldIn, moderation: ModerationDep
) -> HeldMessage:
    """The message and up to 10 before it; 404 `not_found` unless the reporter is in its conversation."""
    return await service.hold(moderation, message_uuid=message_uuid, report_id=report_id, body=body)


@router.delete(
    "/holds/{report_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    summary="Release a report's hold (idempotent)",
)
async def release_hold(report_id: uuid.UUID, moderation: ModerationDep) -> Response:
    """The message is kept no longer on this report's account."""
    await service.release(moderation, report_id=report_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.delete(
    "/messages/{message_uuid}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    summary="Remove a message for both members (a moderator's decision; idempotent)",
)
async def remove_message(message_uuid: uuid.UUID, moderation: ModerationDep) -> Response:
    """Gone from the conversation; a preview that showed it shows the message before it."""
    await service.remove(moderation, message_uuid=message_uuid)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
