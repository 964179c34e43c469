"""Routes of reports (thin: parse, call the service, return a schema)."""

from __future__ import annotations

from fastapi import APIRouter, Response

from cruddur_common.db import SessionDep
from cruddur_common.errors import ERROR_RESPONSES, ErrorResponse
from cruddur_common.http import HttpDep
from cruddur_common.rate_limits import rate_limited
from user_service.dependencies import CurrentUser, SettingsDep
from user_service.reports import service
from user_service.reports.render import render_created
from user_service.reports.schemas import ReportCreated, ReportIn

router = APIRouter(prefix="/api/reports", tags=["reports"], responses=ERROR_RESPONSES)


@router.post(
    "",
    status_code=201,
    response_model=ReportCreated,
    summary="Report a crud, message or user",
    dependencies=[rate_limited("reports")],
    responses={
        200: {"model": ReportCreated, "description": "You already have an open report of it: that one"},
        403: {"model": ErrorResponse, "description": "Your account is suspended (`suspended`)"},
    },
)
async def create_report(
    body: ReportIn,
    me: CurrentUser,
    session: SessionDep,
    http: HttpDep,
    settings: SettingsDep,
    response: Response,
) -> ReportCreated:
    """Report what you can see; a crud or message is kept for the moderators until they decide (≤ 90 days).

    404 `not_found` when the crud or message is not there for you; 404 `user_not_found`; 422
    `comment_too_long`, `cannot_report_self`.
    """
    report, created = await service.report(session, http, reporter=me, body=body, settings=settings)
    if not created:
        response.status_code = 200
    return render_created(report)
