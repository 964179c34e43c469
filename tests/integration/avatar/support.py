"""Helpers for the avatar tests: grant, upload with httpx like a browser would, wait for the verdict."""

from __future__ import annotations

import io
import time
from typing import Any

import boto3
import httpx
from botocore.config import Config
from PIL import Image

from devstack.stack import LocalStack
from tests.support import TestUser

EXT = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}


def grant(api: httpx.Client, user: TestUser, content_type: str = "image/jpeg") -> dict[str, Any]:
    """POST /api/profile/avatar."""
    response = api.post("/api/profile/avatar", json={"content_type": content_type}, headers=user.headers)
    assert response.status_code == 201, response.text
    return dict(response.json())


def upload(
    grant_body: dict[str, Any], data: bytes, *, content_type: str | None = None, key: str | None = None
) -> None:
    """Send the file as the presigned POST form (what the SPA does)."""
    fields = dict(grant_body["fields"])
    if key is not None:
        fields["key"] = key
    ctype = content_type or grant_body["content_type"]
    fields["Content-Type"] = ctype  # S3 stores the form field's type (a lying client can change it)
    files = {"file": (f"avatar.{EXT.get(ctype, 'bin')}", data, ctype)}
    response = httpx.post(grant_body["url"], data=fields, files=files, timeout=30)
    assert response.status_code in (200, 201, 204), response.text


def wait_settled(api: httpx.Client, user: TestUser, *, timeout: float = 30) -> dict[str, Any]:
    """Poll GET /api/profile/avatar until it is no longer processing."""
    deadline = time.monotonic() + timeout
    while True:
        response = api.get("/api/profile/avatar", headers=user.headers)
        assert response.status_code == 200, response.text
        body = dict(response.json())
        if body["status"] != "processing" or time.monotonic() > deadline:
            return body
        time.sleep(0.2)


def image_at(api: httpx.Client, url: str) -> Image.Image:
    """Fetch an asset through the gateway and decode it."""
    response = api.get(url)
    assert response.status_code == 200, (url, response.status_code)
    image = Image.open(io.BytesIO(response.content))
    image.load()
    return image


def s3_client(stack: LocalStack) -> Any:
    """boto3 against the test stack's moto."""
    return boto3.client(
        "s3",
        endpoint_url=stack.cfg.aws_url,
        region_name="us-east-1",
        aws_access_key_id="cruddur",
        aws_secret_access_key="cruddur",
        config=Config(s3={"addressing_style": "path"}),
    )


def keys_under(stack: LocalStack, bucket: str, prefix: str) -> list[str]:
    """Object keys under a prefix."""
    listed = s3_client(stack).list_objects_v2(Bucket=bucket, Prefix=prefix)
    return [o["Key"] for o in listed.get("Contents", [])]
