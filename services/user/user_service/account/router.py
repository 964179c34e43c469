"""The route of account deletion (thin: parse, call the service, return a schema)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from cruddur_common import auth
from cruddur_common.db import SessionDep
from cruddur_common.errors import ERROR_RESPONSES, ErrorResponse
from user_service.account import service
from user_service.account.render import render_deletion
from user_service.account.schemas import DeletionStatus
from user_service.dependencies import CognitoDep, JobsNotify, OutboxNotify, SettingsDep

router = APIRouter(prefix="/api/users", tags=["users"], responses=ERROR_RESPONSES)
REAUTH: dict[int | str, dict[str, Any]] = {
    403: {
        "model": ErrorResponse,
        "description": "The access token's sign-in is older than 10 minutes (`reauth_required`), or the"
        " account is suspended (`suspended`)",
    }
}


@router.delete(
    "/me", status_code=202, response_model=DeletionStatus, responses=REAUTH, summary="Delete your account"
)
async def delete_me(
    principal: auth.RecentSignIn,
    session: SessionDep,
    cognito: CognitoDep,
    settings: SettingsDep,
    notify: OutboxNotify,
    wake_jobs: JobsNotify,
) -> DeletionStatus:
    """Gone for everyone at once; erased everywhere within a minute (docs/deletion.md). Needs a sign-in
    within the last 10 minutes; a repeat answers 202 with the same body."""
    requested_at = await service.request_deletion(
        session, principal=principal, cognito=cognito, settings=settings, notify=notify, wake_jobs=wake_jobs
    )
    return render_deletion(requested_at)
