"""Local stand-in for the Lambda event source mapping: polls the table's stream and runs the same code.

Run as `python -m messaging_service.stream_poller` (devstack starts it). It reads shards with
describe_table -> LatestStreamArn, describe_stream, get_shard_iterator and a get_records loop, and
retries a failed batch from the failed record, like Lambda with ReportBatchItemFailures.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from typing import Any

from cruddur_common.logging import configure_logging
from messaging_service.processor import Processor, open_processor
from messaging_service.settings import Settings, get_settings

log = logging.getLogger("messaging.stream_poller")
SHARD_REFRESH_SECONDS = 10.0


class StreamPoller:
    """Follows every shard of the table's stream and remembers the last applied sequence number."""

    def __init__(self, *, settings: Settings, processor: Processor, streams: Any) -> None:
        self.settings = settings
        self.processor = processor
        self.streams = streams
        self.iterators: dict[str, str] = {}
        self.checkpoints: dict[str, str] = {}
        self.stream_arn: str | None = None
        self._shards_seen_at = 0.0

    async def _refresh(self) -> None:
        loop = asyncio.get_running_loop()
        if self.stream_arn is not None and loop.time() - self._shards_seen_at < SHARD_REFRESH_SECONDS:
            return
        table = await self.processor.table.client.describe_table(TableName=self.processor.table.name)
        self.stream_arn = table["Table"]["LatestStreamArn"]
        description = await self.streams.describe_stream(StreamArn=self.stream_arn)
        for shard in description["StreamDescription"].get("Shards", []):
            shard_id = shard["ShardId"]
            if shard_id not in self.iterators:
                self.iterators[shard_id] = await self._iterator(shard_id)
        self._shards_seen_at = loop.time()

    async def _iterator(self, shard_id: str, *, at: str | None = None) -> str:
        if at is not None:
            kind, extra = "AT_SEQUENCE_NUMBER", {"SequenceNumber": at}
        elif shard_id in self.checkpoints:
            kind, extra = "AFTER_SEQUENCE_NUMBER", {"SequenceNumber": self.checkpoints[shard_id]}
        else:
            kind, extra = "TRIM_HORIZON", {}
        response = await self.streams.get_shard_iterator(
            StreamArn=self.stream_arn, ShardId=shard_id, ShardIteratorType=kind, **extra
        )
        return str(response["ShardIterator"])

    async def poll_once(self) -> int:
        """One get_records per shard; returns how many records were applied."""
        await self._refresh()
        applied = 0
        for shard_id, iterator in list(self.iterators.items()):
            response = await self.streams.get_records(
                ShardIterator=iterator, Limit=self.settings.stream_batch_size
            )
            records = response.get("Records", [])
            failures = await self.processor.process(records) if records else []
            if failures:
                self.iterators[shard_id] = await self._iterator(shard_id, at=failures[0])
                await asyncio.sleep(1.0)
                continue
            if records:
                self.checkpoints[shard_id] = records[-1]["dynamodb"]["SequenceNumber"]
                applied += len(records)
            next_iterator = response.get("NextShardIterator")
            if next_iterator is None:
                del self.iterators[shard_id]  # the shard is closed and drained
            else:
                self.iterators[shard_id] = next_iterator
        return applied

    async def run(self, stop: asyncio.Event) -> None:
        """Poll until `stop` is set; on errors (moto restarting, no table yet) back off and start over."""
        while not stop.is_set():
            try:
                applied = await self.poll_once()
            except Exception as exc:
                log.warning("stream poll failed, retrying: %s", exc)
                self.iterators.clear()
                self.stream_arn = None
                applied = 0
                await _sleep(stop, 2.0)
                continue
            if not applied:
                await _sleep(stop, self.settings.stream_poll_seconds)


async def _sleep(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), timeout=seconds)


async def main() -> None:
    """Run the poller until SIGTERM or SIGINT."""
    settings = get_settings()
    configure_logging(service="messaging-stream", level=settings.log_level)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    async with open_processor(settings, "dynamodbstreams") as (processor, aws):
        log.info("stream poller started", extra={"table": settings.messages_table})
        await StreamPoller(settings=settings, processor=processor, streams=aws["dynamodbstreams"]).run(stop)
    log.info("stream poller stopped")


if __name__ == "__main__":
    asyncio.run(main())
