"""Dependencies of the user service: the signed-in user's row, repaired from Cognito if missing."""

from __future__ import annotations

import logging
from typing import Annotated

from botocore.exceptions import ClientError
from fastapi import Depends, Request

from cruddur_common.auth import CurrentUser, OptionalUser
from cruddur_common.db import SessionDep
from cruddur_common.errors import Unauthorized
from cruddur_common.outages import dependency_of
from user_service import repository, service
from user_service.models import User
from user_service.schemas import NewUser

log = logging.getLogger(__name__)


async def _attributes_from_cognito(request: Request, token: str) -> dict[str, str]:
    client = request.app.state.aws["cognito-idp"]
    try:
        response = await client.get_user(AccessToken=token)
    except ClientError as exc:
        if dependency_of(exc) is not None:  # throttled or failing: Cognito is unavailable, not the token
            raise
        raise Unauthorized("Cognito does not know this session.", code="token_revoked") from exc
    return {a["Name"]: a["Value"] for a in response.get("UserAttributes", [])}


async def get_me(request: Request, principal: CurrentUser, session: SessionDep) -> User:
    """The caller's user row; a confirmed user without one is created from their Cognito attributes."""
    user = await repository.get_by_cognito_id(session, principal.sub)
    if user is not None:
        return user
    attrs = await _attributes_from_cognito(request, principal.token)
    log.warning("repairing missing user row", extra={"user_sub": principal.sub})
    new = NewUser(
        cognito_user_id=principal.sub,
        email=attrs.get("email", ""),
        handle=attrs.get("preferred_username", ""),
        display_name=attrs.get("name") or attrs.get("preferred_username", ""),
    )
    return await service.register(session, new)


Me = Annotated[User, Depends(get_me)]


async def get_optional_me(request: Request, principal: OptionalUser, session: SessionDep) -> User | None:
    """The caller's user row when signed in (repaired like `get_me`), else None."""
    if principal is None:
        return None
    return await get_me(request, principal, session)
