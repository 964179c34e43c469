"""Lambda: the DynamoDB stream of the messages table (event source mapping with ReportBatchItemFailures)."""

from __future__ import annotations

import asyncio
from typing import Any

from cruddur_common.lambda_secrets import with_internal_secret
from messaging_service.processor import open_processor
from messaging_service.settings import Settings, get_settings


async def process_event(event: dict[str, Any], settings: Settings | None = None) -> dict[str, Any]:
    """Apply the batch; report the first failed record so Lambda retries from it."""
    async with open_processor(settings or get_settings()) as (processor, _):
        failures = await processor.process(list(event.get("Records", [])))
    return {"batchItemFailures": [{"itemIdentifier": sequence} for sequence in failures]}


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Lambda entry point."""
    return asyncio.run(process_event(event, with_internal_secret(get_settings())))
