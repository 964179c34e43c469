"""Avatar processor Lambda: S3 ObjectCreated on the uploads bucket. Thin over `user_service.avatars.pipeline`.

The one image processor: avatars (reported to the user service, `USER_URL`) and crud pictures under
`uploads/media/` (reported to the activity service, `ACTIVITY_URL`); the key's kind decides.

Event sources: S3 → Lambda directly (how infra wires it; S3 invokes asynchronously and retries twice, so
a failure raises and the whole event is retried — processing is idempotent), or SQS carrying S3
notifications (then failed messages are returned as `batchItemFailures`, with ReportBatchItemFailures).
"""

from __future__ import annotations

import asyncio
import functools
from typing import Any

from cruddur_common.lambda_secrets import with_internal_secret
from cruddur_common.logging import configure_logging
from user_service.avatars.pipeline import open_processor, process_event
from user_service.settings import Settings, get_settings


async def run(event: dict[str, Any], settings: Settings) -> dict[str, Any]:
    """Process one Lambda event with fresh clients."""
    async with open_processor(settings) as processor:
        return await process_event(event, processor=processor)


@functools.cache
def _configure_logging() -> None:
    configure_logging(service="avatar_processor", level=get_settings().log_level)


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Lambda entry point. Errors propagate so S3 (or SQS) retries; nothing is swallowed."""
    _configure_logging()  # once per execution environment
    # INTERNAL_SECRET from Secrets Manager once per execution environment, before the event loop starts
    return asyncio.run(run(event, with_internal_secret(get_settings())))
