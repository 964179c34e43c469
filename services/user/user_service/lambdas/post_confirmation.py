"""Cognito post-confirmation trigger: creates the user row. Thin over `user_service.profiles.service`."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from pydantic import ValidationError

from user_service.errors import InvalidAttributes
from user_service.lambdas import config
from user_service.profiles import service
from user_service.profiles.schemas import NewUser
from user_service.settings import Settings, get_settings

log = logging.getLogger(__name__)


def new_user_from_event(event: dict[str, Any]) -> NewUser:
    """The user described by a Cognito PostConfirmation_ConfirmSignUp event."""
    attrs = event.get("request", {}).get("userAttributes", {})
    try:
        return NewUser.from_cognito(attrs.get("sub", ""), attrs)
    except ValidationError as exc:
        raise InvalidAttributes(f"Cannot create a user from these attributes: {exc}") from exc


async def confirm(event: dict[str, Any], *, database_url: str, settings: Settings) -> dict[str, Any]:
    """Create (idempotently) the user of the event; raises on failure so Cognito reports it."""
    if event.get("triggerSource") != "PostConfirmation_ConfirmSignUp":
        return event
    new = new_user_from_event(event)
    async with config.one_shot_session(database_url) as session:
        user = await service.register(session, new, settings=settings)
        log.info("user confirmed", extra={"user_sub": new.cognito_user_id, "handle": user.handle})
    return event


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Lambda entry point. Errors propagate: Cognito then shows the failure instead of losing the user."""
    settings = get_settings()
    return asyncio.run(confirm(event, database_url=config.database_url(settings), settings=settings))
