"""Calls an export makes: the user's parts at activity and messaging (EXPORT_PATH), and S3.

A peer that cannot be reached, answers anything but 200 (a 404 included: the route is the contract's) or
answers outside the contract fails the collection with `ExportFailed`, whose words the person sees; the
job retries it with backoff.
"""

from __future__ import annotations

import logging
import uuid
from pathlib import Path
from typing import Any, TypeVar

import httpx
from botocore.exceptions import ClientError
from pydantic import BaseModel, ValidationError

from cruddur_common.contracts import EXPORT_PATH, ActivityExport, MessagingExport
from user_service.exports.errors import ExportFailed
from user_service.settings import Settings

log = logging.getLogger(__name__)
Part = TypeVar("Part", bound=BaseModel)
# A bulk read nobody waits on: longer than a request's internal timeout (settings.internal_timeout_seconds).
EXPORT_TIMEOUT = httpx.Timeout(60.0, connect=2.0)


async def _part(
    http: httpx.AsyncClient, base_url: str, *, user: uuid.UUID, shape: type[Part], peer: str, what: str
) -> Part:
    url = base_url.rstrip("/") + EXPORT_PATH.format(user_uuid=user)
    failed = ExportFailed(f"Your {what} could not be collected: the {peer} service did not answer.")
    try:
        response = await http.get(url, timeout=EXPORT_TIMEOUT)
    except httpx.HTTPError as exc:
        log.warning("export part unreachable", extra={"peer": peer, "error": type(exc).__name__})
        raise failed from exc
    if response.status_code != 200:
        log.warning("export part refused", extra={"peer": peer, "status": response.status_code})
        raise failed
    try:
        return shape.model_validate_json(response.content)
    except ValidationError as exc:
        log.warning("export part outside the contract", extra={"peer": peer, "error": str(exc)[:300]})
        raise failed from exc


async def activity_export(http: httpx.AsyncClient, *, settings: Settings, user: uuid.UUID) -> ActivityExport:
    """The user's live cruds and replies, likes and reposts (activity)."""
    return await _part(
        http, settings.activity_url, user=user, shape=ActivityExport, peer="activity", what="cruds and likes"
    )


async def messaging_export(
    http: httpx.AsyncClient, *, settings: Settings, user: uuid.UUID
) -> MessagingExport:
    """The user's conversations and their lines (messaging)."""
    return await _part(
        http, settings.messaging_url, user=user, shape=MessagingExport, peer="messaging", what="messages"
    )


async def download(s3: Any, *, bucket: str, key: str, to: Path) -> bool:
    """Copy one object to a local file (streamed); False when it is gone (a crud that just ended)."""
    try:
        await s3.download_file(bucket, key, str(to))
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
            return False
        raise
    return True


async def upload(s3: Any, *, bucket: str, key: str, path: Path, filename: str) -> None:
    """Put the zip in the bucket, named `filename` when downloaded."""
    extra = {"ContentType": "application/zip", "ContentDisposition": f'attachment; filename="{filename}"'}
    await s3.upload_file(str(path), bucket, key, ExtraArgs=extra)  # streamed from the file, in parts


async def presigned_get(s3: Any, *, bucket: str, key: str, seconds: int) -> str:
    """A GET of the object that works for `seconds` from now."""
    url: str = await s3.generate_presigned_url(
        "get_object", Params={"Bucket": bucket, "Key": key}, ExpiresIn=seconds
    )
    return url
