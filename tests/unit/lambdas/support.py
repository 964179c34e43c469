"""Helpers of the handler tests: boto3 clients on the module's moto server."""

from __future__ import annotations

from typing import Any

import boto3
from botocore.config import Config


def boto(name: str, endpoint_url: str) -> Any:
    """A boto3 client on the test moto."""
    return boto3.client(
        name,  # type: ignore[call-overload]
        endpoint_url=endpoint_url,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
        config=Config(s3={"addressing_style": "path"}),
    )
