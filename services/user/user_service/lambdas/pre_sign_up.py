"""Cognito pre-sign-up trigger: refuses an invalid or taken handle before the account exists."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from cruddur_common.db import session_factory
from user_service import repository
from user_service.errors import HandleTaken, InvalidAttributes
from user_service.lambdas import config
from user_service.models import SCHEMA
from user_service.schemas import HANDLE_PATTERN

log = logging.getLogger(__name__)


def handle_from_event(event: dict[str, Any]) -> str:
    """The requested handle (preferred_username); InvalidAttributes when it is missing or malformed."""
    handle = str(event.get("request", {}).get("userAttributes", {}).get("preferred_username") or "").strip()
    if not HANDLE_PATTERN.match(handle):
        raise InvalidAttributes("A handle is 3-30 letters, digits or underscores.")
    return handle


async def check(event: dict[str, Any], *, database_url: str) -> dict[str, Any]:
    """Raise HandleTaken when someone else has the handle (case-insensitive); else pass the event on."""
    if not str(event.get("triggerSource", "")).startswith("PreSignUp_"):
        return event
    handle = handle_from_event(event)
    engine = create_async_engine(
        database_url,
        poolclass=NullPool,
        connect_args={"server_settings": {"search_path": f"{SCHEMA},public"}},
    )
    try:
        async with session_factory(engine)() as session:
            owner = await repository.get_by_handle(session, handle)
            email = str(event.get("request", {}).get("userAttributes", {}).get("email") or "")
            # the same person signing up again: Cognito itself answers UsernameExistsException
            if owner is not None and owner.email.lower() != email.strip().lower():
                log.info("sign-up refused: handle taken", extra={"handle": handle})
                raise HandleTaken(f"The handle @{handle} is taken.")
    finally:
        await engine.dispose()
    return event


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Lambda entry point; an exception makes Cognito refuse the sign-up with its message."""
    return asyncio.run(check(event, database_url=config.database_url()))
