"""Cognito post-confirmation trigger: creates the user row. Thin over `user_service.service`."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from pydantic import ValidationError

from cruddur_common.db import create_one_shot_engine, session_factory
from user_service import service
from user_service.errors import InvalidAttributes
from user_service.lambdas import config
from user_service.models import SCHEMA
from user_service.schemas import NewUser

log = logging.getLogger(__name__)


def new_user_from_event(event: dict[str, Any]) -> NewUser:
    """The user described by a Cognito PostConfirmation_ConfirmSignUp event."""
    attrs = event.get("request", {}).get("userAttributes", {})
    try:
        return NewUser(
            cognito_user_id=attrs.get("sub", ""),
            email=attrs.get("email", ""),
            handle=attrs.get("preferred_username", ""),
            display_name=attrs.get("name") or attrs.get("preferred_username", ""),
        )
    except ValidationError as exc:
        raise InvalidAttributes(f"Cannot create a user from these attributes: {exc}") from exc


async def confirm(event: dict[str, Any], *, database_url: str) -> dict[str, Any]:
    """Create (idempotently) the user of the event; raises on failure so Cognito reports it."""
    if event.get("triggerSource") != "PostConfirmation_ConfirmSignUp":
        return event
    new = new_user_from_event(event)
    engine = create_one_shot_engine(database_url, schema=SCHEMA)
    try:
        async with session_factory(engine)() as session:
            user = await service.register(session, new)
            log.info("user confirmed", extra={"user_sub": new.cognito_user_id, "handle": user.handle})
    finally:
        await engine.dispose()
    return event


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Lambda entry point. Errors propagate: Cognito then shows the failure instead of losing the user."""
    return asyncio.run(confirm(event, database_url=config.database_url()))
