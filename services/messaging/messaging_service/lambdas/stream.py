"""Lambda: the DynamoDB stream of the messages table (event source mapping with ReportBatchItemFailures).

Poison records are parked on the dead-letter queue by the processor and the batch goes on. A transient
failure is retried here a few times with backoff (a redeploy of the notification service takes seconds),
then reported in `batchItemFailures` so Lambda retries from that record, in order; the mapping bounds
those retries and the record age, then sends the batch's position to the same queue (infra).
"""

from __future__ import annotations

import asyncio
from typing import Any

from cruddur_common.lambda_secrets import with_internal_secret
from messaging_service.settings import Settings, get_settings
from messaging_service.stream.failures import Verdict
from messaging_service.stream.processor import BatchResult, Processor, open_processor

# Seconds between in-invocation attempts: 7 s of waiting, inside the function's 60 s timeout even when
# each of the 4 attempts spends the full 5 s internal timeout.
RETRY_DELAYS = (1.0, 2.0, 4.0)


async def process_with_backoff(processor: Processor, records: list[Any]) -> BatchResult:
    """Process the batch; retry a transient failure from the failed record, after each delay."""
    done = parked = 0
    offset = 0
    for delay in (*RETRY_DELAYS, None):
        result = await processor.process(records[offset:])
        done, parked = done + result.done, parked + result.parked
        failure = result.failure
        if failure is None or failure.verdict is not Verdict.TRANSIENT or delay is None:
            return BatchResult(done=done, parked=parked, failure=failure)
        offset += failure.index
        await asyncio.sleep(delay)
    raise AssertionError("unreachable: the last delay is None")


async def process_event(event: dict[str, Any], settings: Settings | None = None) -> dict[str, Any]:
    """Apply the batch; report the first record that still fails so Lambda retries from it."""
    records = event.get("Records")
    async with open_processor(settings or get_settings()) as (processor, _):
        result = await process_with_backoff(processor, list(records) if isinstance(records, list) else [])
    failure = result.failure
    return {"batchItemFailures": [{"itemIdentifier": failure.sequence_number}] if failure else []}


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Lambda entry point."""
    return asyncio.run(process_event(event, with_internal_secret(get_settings())))
