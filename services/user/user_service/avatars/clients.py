"""Calls the image processor makes to the service that granted an upload (internal API).

Avatars: the user service (`/internal/avatars/claim|result`); crud pictures: the activity service
(`/internal/media/claim|result`, contract of issue 15 §1). Both answer the same protocol: a claim or 404 (no
grant) or 409 (already settled); only the routes and the two error codes' names differ.
"""

from __future__ import annotations

import contextlib
import logging
from dataclasses import dataclass
from datetime import datetime

import httpx
from pydantic import BaseModel

from user_service.avatars.errors import UploadGrantNotFound, UploadSettled
from user_service.avatars.schemas import Claim, ClaimRequest

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class GrantApi:
    """Where a grant owner's internal upload routes are, and the codes of its two domain errors."""

    claim_path: str
    result_path: str
    not_found_code: str
    settled_code: str


AVATAR_API = GrantApi(
    "/internal/avatars/claim", "/internal/avatars/result", UploadGrantNotFound.code, UploadSettled.code
)
MEDIA_API = GrantApi(
    "/internal/media/claim", "/internal/media/result", "upload_grant_not_found", "upload_settled"
)


class GrantClient:
    """The processor's view of one grant owner: the user service (avatars) or the activity service (media)."""

    def __init__(self, http: httpx.AsyncClient, *, base_url: str, api: GrantApi) -> None:
        self._http = http
        self._base = base_url.rstrip("/")
        self._api = api

    async def claim(self, key: str, *, uploaded_at: datetime | None) -> Claim:
        """The grant behind an uploaded key; UploadGrantNotFound / UploadSettled when there is none to use."""
        body = ClaimRequest(key=key, uploaded_at=uploaded_at).model_dump(mode="json")
        response = await self._http.post(f"{self._base}{self._api.claim_path}", json=body)
        self._raise_for_domain(response)
        return Claim.model_validate(response.json())

    async def report(self, key: str, result: BaseModel) -> None:
        """Tell the grant owner the verdict; a settled upload (a repeated event) is not an error."""
        response = await self._http.post(
            f"{self._base}{self._api.result_path}", json=result.model_dump(mode="json")
        )
        try:
            self._raise_for_domain(response)
        except UploadSettled:
            log.info("upload already settled", extra={"key": key})

    def _raise_for_domain(self, response: httpx.Response) -> None:
        if response.status_code < 400:
            return
        code = ""
        with contextlib.suppress(ValueError):
            code = response.json().get("error", {}).get("code", "")
        if code == self._api.not_found_code:
            raise UploadGrantNotFound("No upload grant exists for this key.")
        if code == self._api.settled_code:
            raise UploadSettled("This upload was already processed.")
        response.raise_for_status()
