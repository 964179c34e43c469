"""Cognito pre-sign-up trigger: refuses an invalid or taken handle, reserves a free one for the sign-up."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from cruddur_common.errors import AppError
from cruddur_common.text import check_text
from user_service.errors import HandleTaken, InvalidAttributes
from user_service.lambdas import config
from user_service.profiles import service
from user_service.profiles.schemas import HANDLE_PATTERN
from user_service.settings import Settings, get_settings

log = logging.getLogger(__name__)


def handle_from_event(event: dict[str, Any]) -> str:
    """The requested handle (preferred_username); InvalidAttributes when it is missing or malformed."""
    handle = str(event.get("request", {}).get("userAttributes", {}).get("preferred_username") or "").strip()
    if not HANDLE_PATTERN.match(handle):
        raise InvalidAttributes("A handle is 3-30 letters, digits or underscores.")
    return handle


def check_name(event: dict[str, Any]) -> None:
    """The display name follows the text rules of a profile edit (one line, no control or bidi characters)."""
    name = str(event.get("request", {}).get("userAttributes", {}).get("name") or "")
    try:
        check_text(name, field="display name", multiline=False)
    except AppError as exc:
        raise InvalidAttributes(exc.message) from exc


async def check(event: dict[str, Any], *, database_url: str, settings: Settings) -> dict[str, Any]:
    """Reserve the handle for this sign-up until it is confirmed; HandleTaken when someone has or holds it.

    Case-insensitive; the same email signing up again keeps (renews) its own reservation.
    """
    if not str(event.get("triggerSource", "")).startswith("PreSignUp_"):
        return event
    handle = handle_from_event(event)
    check_name(event)
    email = str(event.get("request", {}).get("userAttributes", {}).get("email") or "")
    async with config.one_shot_session(database_url) as session:
        try:
            await service.reserve_for_sign_up(session, handle, email=email, settings=settings)
        except HandleTaken:  # someone has it, a deleted account or another sign-up holds it (same words)
            log.info("sign-up refused: handle taken", extra={"handle": handle})
            raise
    return event


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Lambda entry point; an exception makes Cognito refuse the sign-up with its message."""
    settings = get_settings()
    return asyncio.run(check(event, database_url=config.database_url(settings), settings=settings))
