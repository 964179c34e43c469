"""Helpers of the crud-picture tests: grants through the gateway, the processor's two internal calls made as
the processor makes them, its four objects put in moto's assets bucket, and the activity purge's full run.
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any

import httpx
import pytest

from activity_service.purge import PurgeCounts, run
from activity_service.settings import Settings
from devstack.stack import LocalStack
from tests.integration.activity.safety import activity_url
from tests.integration.avatar.support import s3_client
from tests.internal import internal_auth
from tests.support import TestUser

RENDITIONS = ("1600.jpg", "1600.webp", "400.jpg", "400.webp")
ASSETS_BUCKET = "cruddur-assets"


def grant(api: httpx.Client, user: TestUser, content_type: str = "image/jpeg") -> dict[str, Any]:
    """POST /api/activities/media."""
    response = api.post("/api/activities/media", json={"content_type": content_type}, headers=user.headers)
    assert response.status_code == 201, response.text
    return dict(response.json())


def claim(stack: LocalStack, key: str, *, uploaded_at: datetime | None = None) -> httpx.Response:
    """The processor's claim of an uploaded key."""
    body = {"key": key, "uploaded_at": uploaded_at.isoformat() if uploaded_at else None}
    return httpx.post(
        f"{activity_url(stack)}/internal/media/claim", json=body, auth=internal_auth(), timeout=10
    )


def report(stack: LocalStack, key: str, **verdict: Any) -> httpx.Response:
    """The processor's verdict on an upload."""
    body = {"key": key, **verdict}
    return httpx.post(
        f"{activity_url(stack)}/internal/media/result", json=body, auth=internal_auth(), timeout=10
    )


READY = {"status": "ready", "width": 1600, "height": 1200, "thumbnail_width": 400, "thumbnail_height": 300}


def ready_picture(
    api: httpx.Client, stack: LocalStack, user: TestUser, *, sizes: dict[str, int] | None = None
) -> dict[str, Any]:
    """A processed picture as the processor leaves one: claimed, its 4 objects written, reported ready.

    Returns the grant with the picture's `prefix` (its folder in the assets bucket).
    """
    granted = grant(api, user)
    key = granted["fields"]["key"]
    claimed = claim(stack, key)
    assert claimed.status_code == 200, claimed.text
    prefix = f"media/{claimed.json()['user_uuid']}/{claimed.json()['version']}"
    s3 = s3_client(stack)
    for name in RENDITIONS:
        s3.put_object(Bucket=ASSETS_BUCKET, Key=f"{prefix}/{name}", Body=b"picture", ContentType="image/webp")
    verdict = report(stack, key, **(READY | (sizes or {})))
    assert verdict.status_code == 204, verdict.text
    return granted | {"key": key, "prefix": prefix}


def objects_of(stack: LocalStack, prefix: str) -> list[str]:
    """The objects left in a picture's folder."""
    listed = s3_client(stack).list_objects_v2(Bucket=ASSETS_BUCKET, Prefix=prefix + "/")
    return sorted(o["Key"].rsplit("/", 1)[1] for o in listed.get("Contents", []))


def purge_all(stack: LocalStack, monkeypatch: pytest.MonkeyPatch, **settings: Any) -> PurgeCounts:
    """One full run of the activity purge (`activity_service.purge.run`, what the scheduled task runs)."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "cruddur")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "cruddur")
    options = {"assets_bucket": ASSETS_BUCKET, "purge_batch_size": 100} | settings
    return asyncio.run(
        run(Settings(database_url=stack.cfg.db_url, aws_endpoint_url=stack.cfg.aws_url, **options))
    )
