"""Calls the avatar processor makes to the user service (internal API)."""

from __future__ import annotations

import contextlib
import logging
from datetime import datetime

import httpx

from user_service.avatars.errors import UploadGrantNotFound, UploadSettled
from user_service.avatars.schemas import Claim, ClaimRequest, ResultRequest

log = logging.getLogger(__name__)


class UserServiceClient:
    """The processor's view of the user service (internal API)."""

    def __init__(self, http: httpx.AsyncClient, *, base_url: str) -> None:
        self._http = http
        self._base = base_url.rstrip("/")

    async def claim(self, key: str, *, uploaded_at: datetime | None) -> Claim:
        """The grant behind an uploaded key; UploadGrantNotFound / UploadSettled when there is none to use."""
        body = ClaimRequest(key=key, uploaded_at=uploaded_at).model_dump(mode="json")
        response = await self._http.post(f"{self._base}/internal/avatars/claim", json=body)
        _raise_for_domain(response)
        return Claim.model_validate(response.json())

    async def report(self, result: ResultRequest) -> None:
        """Tell the user service the verdict; a settled upload (a repeated event) is not an error."""
        response = await self._http.post(
            f"{self._base}/internal/avatars/result", json=result.model_dump(mode="json")
        )
        try:
            _raise_for_domain(response)
        except UploadSettled:
            log.info("avatar upload already settled", extra={"key": result.key})


def _raise_for_domain(response: httpx.Response) -> None:
    if response.status_code < 400:
        return
    code = ""
    with contextlib.suppress(ValueError):
        code = response.json().get("error", {}).get("code", "")
    if code == UploadGrantNotFound.code:
        raise UploadGrantNotFound("No upload grant exists for this key.")
    if code == UploadSettled.code:
        raise UploadSettled("This upload was already processed.")
    response.raise_for_status()
