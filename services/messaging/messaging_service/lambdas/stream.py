"""Lambda: the DynamoDB stream of the messages table (event source mapping with ReportBatchItemFailures)."""

from __future__ import annotations

import asyncio
from typing import Any

from messaging_service.processor import open_processor
from messaging_service.settings import get_settings


async def process_event(event: dict[str, Any]) -> dict[str, Any]:
    """Apply the batch; report the first failed record so Lambda retries from it."""
    async with open_processor(get_settings()) as (processor, _):
        failures = await processor.process(list(event.get("Records", [])))
    return {"batchItemFailures": [{"itemIdentifier": sequence} for sequence in failures]}


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Lambda entry point."""
    return asyncio.run(process_event(event))
