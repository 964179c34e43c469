"""Calls moderation makes: removals to the content's owner service, account switches to Cognito."""

from __future__ import annotations

import logging
import uuid
from typing import Any

import httpx
from botocore.exceptions import ClientError

from user_service.reports.clients import send
from user_service.reports.errors import TargetNotFound
from user_service.settings import Settings

log = logging.getLogger(__name__)


async def remove(http: httpx.AsyncClient, *, settings: Settings, target_type: str, target: uuid.UUID) -> None:
    """Delete a crud (with what hangs off it) or a message for everyone (idempotent at the owner)."""
    if target_type == "crud":
        peer, url = "activity", f"{settings.activity_url.rstrip('/')}/internal/cruds/{target}"
    else:
        peer, url = "messaging", f"{settings.messaging_url.rstrip('/')}/internal/messages/{target}"
    try:
        await send(http, "DELETE", url, peer=peer)
    except TargetNotFound:  # gone already (the contract answers 204 then; a 404 means the same)
        return


async def cognito_admin(cognito: Any, action: str, *, pool_id: str, username: str) -> None:
    """One Cognito admin call on a user (`admin_disable_user`, ...); a user Cognito does not know is done."""
    try:
        await getattr(cognito, action)(UserPoolId=pool_id, Username=username)
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") != "UserNotFoundException":
            raise  # throttling or an outage becomes 503 (cruddur_common.outages); the rest is a bug
        log.warning("no Cognito user to switch", extra={"action": action, "user_sub": username})


async def disable_account(cognito: Any, *, pool_id: str, username: str) -> None:
    """Cognito refuses the user's sign-ins and refresh tokens from now on (their access token lives ≤ 1 h)."""
    # sign-out first: AWS may refuse it for a user already disabled
    await cognito_admin(cognito, "admin_user_global_sign_out", pool_id=pool_id, username=username)
    await cognito_admin(cognito, "admin_disable_user", pool_id=pool_id, username=username)


async def enable_account(cognito: Any, *, pool_id: str, username: str) -> None:
    """Cognito lets the user sign in again."""
    await cognito_admin(cognito, "admin_enable_user", pool_id=pool_id, username=username)
