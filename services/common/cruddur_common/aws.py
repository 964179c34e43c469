"""aioboto3 clients opened once in the lifespan and shared by the requests of a process.

aioboto3 is imported when clients are opened, not with this module: every service imports this module
(cruddur_common.app), and a service without AWS clients (notification) would otherwise spend a second of
CPU on every start loading boto3 and aiobotocore for nothing (docs/performance.md, "Warm start").
"""

from __future__ import annotations

from contextlib import AsyncExitStack
from typing import Any

from cruddur_common.settings import CommonSettings


class AwsClients:
    """A bag of long-lived aioboto3 clients keyed by service name (dynamodb, s3, ...)."""

    def __init__(self) -> None:
        self._clients: dict[str, Any] = {}
        self._stack = AsyncExitStack()

    async def open(self, settings: CommonSettings, *names: str) -> None:
        """Open one client per AWS service name."""
        import aioboto3
        from botocore.config import Config

        session = aioboto3.Session()
        config = Config(
            retries={"max_attempts": 3, "mode": "standard"},
            max_pool_connections=50,
            connect_timeout=3,
            read_timeout=10,
            # Emulators need path-style URLs; in AWS let botocore pick (virtual-hosted).
            s3={"addressing_style": "path"} if settings.aws_endpoint_url else {},
        )
        for name in names:
            client = session.client(
                name,
                region_name=settings.aws_region,
                endpoint_url=settings.aws_endpoint_url,
                # Presigned S3 URLs and POSTs signed with SigV4: botocore would otherwise sign them
                # with SigV2 in some regions, which buckets made since mid-2020 refuse.
                config=config.merge(Config(signature_version="s3v4")) if name == "s3" else config,
            )
            self._clients[name] = await self._stack.enter_async_context(client)

    def __getitem__(self, name: str) -> Any:
        return self._clients[name]

    async def close(self) -> None:
        """Close every client."""
        await self._stack.aclose()
        self._clients.clear()
