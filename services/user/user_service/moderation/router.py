"""Routes of moderation: moderators only (403 `forbidden` for anyone else), thin as every router."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response

from cruddur_common.db import SessionDep
from cruddur_common.errors import ERROR_RESPONSES, ErrorResponse
from cruddur_common.handles import HandlePath
from cruddur_common.http import HttpDep
from cruddur_common.pagination import DEFAULT_LIMIT, INVALID_CURSOR_RESPONSES, CursorParam, LimitParam
from user_service.dependencies import CognitoDep, ModeratorUser, OutboxNotify, SettingsDep
from user_service.moderation import service
from user_service.moderation.schemas import AuditPage, ReportPage, ReportView, ResolveIn, UnsuspendIn

FORBIDDEN: dict[int | str, dict[str, object]] = {
    403: {"model": ErrorResponse, "description": "Not a moderator (`forbidden`), or suspended (`suspended`)"}
}
router = APIRouter(prefix="/api/moderation", tags=["moderation"], responses={**ERROR_RESPONSES, **FORBIDDEN})


@router.get(
    "/reports", response_model=ReportPage, summary="The report queue", responses=INVALID_CURSOR_RESPONSES
)
async def reports(
    me: ModeratorUser,
    session: SessionDep,
    settings: SettingsDep,
    status: Annotated[
        Literal["open", "resolved"], Query(description="open: oldest first; resolved: newest first")
    ] = "open",
    cursor: CursorParam = None,
    limit: LimitParam = DEFAULT_LIMIT,
) -> ReportPage:
    """Reports with the content as it was held (even expired), the reporter, the target and the context."""
    return await service.reports(session, status=status, cursor=cursor, limit=limit, settings=settings)


@router.post(
    "/reports/{report_id}/resolve",
    response_model=ReportView,
    summary="Resolve a report: dismiss, remove or suspend",
    responses={409: {"model": ErrorResponse, "description": "Resolved already (`already_resolved`)"}},
)
async def resolve(
    report_id: uuid.UUID,
    body: ResolveIn,
    me: ModeratorUser,
    session: SessionDep,
    http: HttpDep,
    cognito: CognitoDep,
    settings: SettingsDep,
    notify: OutboxNotify,
) -> ReportView:
    """`dismiss`; `remove` the crud or message for everyone; `suspend` its owner. Written to the audit log."""
    return await service.resolve(
        session,
        http,
        report_id=report_id,
        action=body.action,
        note=body.note,
        moderator=me,
        cognito=cognito,
        settings=settings,
        notify=notify,
    )


@router.post(
    "/users/@{handle}/unsuspend", status_code=204, response_class=Response, summary="Lift a suspension"
)
async def unsuspend(
    handle: HandlePath,
    me: ModeratorUser,
    session: SessionDep,
    cognito: CognitoDep,
    settings: SettingsDep,
    notify: OutboxNotify,
    body: UnsuspendIn | None = None,
) -> Response:
    """The user can sign in again and their content shows again (idempotent); 404 `user_not_found`."""
    await service.unsuspend(
        session,
        handle=handle,
        note=body.note if body else None,
        moderator=me,
        cognito=cognito,
        settings=settings,
        notify=notify,
    )
    return Response(status_code=204)


@router.get(
    "/audit", response_model=AuditPage, summary="The moderation audit log", responses=INVALID_CURSOR_RESPONSES
)
async def audit(
    me: ModeratorUser,
    session: SessionDep,
    settings: SettingsDep,
    cursor: CursorParam = None,
    limit: LimitParam = DEFAULT_LIMIT,
) -> AuditPage:
    """Every moderator action, newest first: the report, the moderator, the action, the note, the time."""
    return await service.audit(session, cursor=cursor, limit=limit, settings=settings)
