"""Calls to the owners of the evidence: holds on cruds (activity) and on messages (messaging).

Every call is one of the contract's internal endpoints. A peer that cannot be reached, answers 5xx or
answers something outside the contract is "unavailable" (503 + Retry-After): nothing is written then.
"""

from __future__ import annotations

import logging
import uuid
from datetime import datetime
from typing import Any

import httpx
from pydantic import ValidationError

from cruddur_common.errors import AppError, DependencyUnavailable
from user_service.reports.errors import TargetNotFound
from user_service.reports.schemas import HeldMessage, ReportedCrud
from user_service.settings import Settings

log = logging.getLogger(__name__)


def holder(target_type: str, settings: Settings) -> tuple[str, str] | None:
    """The service (name, base URL) that holds evidence of this target type; None for users."""
    if target_type == "crud":
        return "activity", settings.activity_url.rstrip("/")
    if target_type == "message":
        return "messaging", settings.messaging_url.rstrip("/")
    return None


async def send(
    http: httpx.AsyncClient, method: str, url: str, *, peer: str, body: dict[str, Any] | None = None
) -> httpx.Response:
    """One internal call; 404 `not_found` for a 404, 503 for an outage or an answer outside the contract."""
    try:
        response = await http.request(method, url, json=body)
    except httpx.HTTPError as exc:
        raise DependencyUnavailable(peer) from exc
    if response.status_code == 404:
        raise TargetNotFound("Nothing to report with this id.")
    if not response.is_success:
        log.warning(
            "unexpected answer", extra={"peer": peer, "method": method, "status": response.status_code}
        )
        raise DependencyUnavailable(peer)
    return response


def _parse(response: httpx.Response, shape: type[Any], *, peer: str) -> Any:
    try:
        return shape.model_validate_json(response.content)
    except ValidationError as exc:
        log.warning("answer outside the contract", extra={"peer": peer, "error": str(exc)[:300]})
        raise DependencyUnavailable(peer) from exc


# target type -> the owner's hold route and what it answers (contract: issue 14, internal endpoints)
_HOLDS: dict[str, tuple[str, type[ReportedCrud] | type[HeldMessage]]] = {
    "crud": ("/internal/cruds/{target}/holds/{report}", ReportedCrud),
    "message": ("/internal/messages/{target}/holds/{report}", HeldMessage),
}


async def hold(
    http: httpx.AsyncClient,
    *,
    settings: Settings,
    target_type: str,
    target: uuid.UUID,
    report: uuid.UUID,
    reporter: uuid.UUID,
    until: datetime,
) -> ReportedCrud | HeldMessage:
    """Have the owner keep a crud or message past its expiry for this report; what it holds.

    404 `not_found` when the reporter cannot see it (a message: unless they are in its conversation).
    """
    found = holder(target_type, settings)
    assert found is not None, "users are not held"
    peer, base = found
    path, shape = _HOLDS[target_type]
    body = {"reporter": str(reporter), "until": until.isoformat()}
    response = await send(http, "PUT", base + path.format(target=target, report=report), peer=peer, body=body)
    held: ReportedCrud | HeldMessage = _parse(response, shape, peer=peer)
    return held


async def release_hold(
    http: httpx.AsyncClient, *, settings: Settings, target_type: str, report: uuid.UUID
) -> None:
    """Release the report's hold (idempotent; nothing to do for a user target)."""
    found = holder(target_type, settings)
    if found is None:
        return
    peer, base = found
    try:
        await send(http, "DELETE", f"{base}/internal/holds/{report}", peer=peer)
    except TargetNotFound:  # the contract answers 204 for an unknown hold; a 404 means the same
        return


async def release_quietly(
    http: httpx.AsyncClient, *, settings: Settings, target_type: str, report: uuid.UUID
) -> None:
    """Release a hold on an error path: a failure is logged, the hold's own 90-day bound ends it anyway."""
    try:
        await release_hold(http, settings=settings, target_type=target_type, report=report)
    except AppError as exc:
        log.warning("hold not released", extra={"report": str(report), "error": exc.code})
