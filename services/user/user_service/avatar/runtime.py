"""Build a Processor from settings: aioboto3 S3 and an httpx client to the user service."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from cruddur_common.aws import AwsClients
from cruddur_common.http import create_internal_client
from user_service.avatar.clients import UserServiceClient
from user_service.avatar.pipeline import CpuRunner, Processor, _inline
from user_service.avatar.settings import AvatarSettings


@asynccontextmanager
async def open_processor(
    settings: AvatarSettings, *, run_cpu: CpuRunner = _inline
) -> AsyncIterator[Processor]:
    """A processor whose clients close on exit."""
    aws = AwsClients()
    http = create_internal_client(settings=settings, caller="avatar_processor")
    try:
        await aws.open(settings, "s3")
        yield Processor(
            s3=aws["s3"],
            users=UserServiceClient(http, base_url=settings.user_url),
            assets_bucket=settings.assets_bucket,
            run_cpu=run_cpu,
        )
    finally:
        await aws.close()
        await http.aclose()
