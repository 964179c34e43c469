"""Calls the profiles make to other services: Cognito, for the attributes of a signed-in user."""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError

from cruddur_common.errors import Unauthorized
from cruddur_common.outages import dependency_of


async def cognito_attributes(cognito: Any, token: str) -> dict[str, str]:
    """The user attributes Cognito holds for this access token; 401 `token_revoked` when it knows none."""
    try:
        response = await cognito.get_user(AccessToken=token)
    except ClientError as exc:
        if dependency_of(exc) is not None:  # throttled or failing: Cognito is unavailable, not the token
            raise
        raise Unauthorized("Cognito does not know this session.", code="token_revoked") from exc
    return {a["Name"]: a["Value"] for a in response.get("UserAttributes", [])}
