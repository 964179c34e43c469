"""Local stand-in for the Lambda event source mapping: polls the table's stream and runs the same code.

Run as `python -m messaging_service.stream_poller` (devstack starts it; that module is only the entry).
It reads shards with describe_table -> LatestStreamArn, describe_stream, get_shard_iterator and a
get_records loop. A record that fails transiently is retried from, in order, with exponential backoff;
one that fails permanently is parked by the processor; one that keeps failing in an unexpected way is
parked after `stream_max_attempts`. Positions are checkpointed (checkpoints.py), so a restart resumes.
The loop survives any exception: it logs, backs off and starts over.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass
from typing import Any

from messaging_service.settings import Settings
from messaging_service.stream.checkpoints import Checkpoints
from messaging_service.stream.failures import Verdict
from messaging_service.stream.processor import Failure, Processor, open_processor

log = logging.getLogger("messaging.stream_poller")
SHARD_REFRESH_SECONDS = 10.0
# Backoff of a failing record: 0.5 s doubling to 10 s, so a restarted local service is picked up fast.
RETRY_BASE_SECONDS = 0.5
RETRY_MAX_SECONDS = 10.0
# Backoff of the whole loop after an error outside a record (moto restarting, no table yet).
LOOP_BASE_SECONDS = 1.0
LOOP_MAX_SECONDS = 30.0
STATS_EVERY_SECONDS = 60.0


def backoff(attempt: int, *, base: float, cap: float) -> float:
    """Seconds to wait before attempt `attempt + 1` (exponential, capped)."""
    return float(min(cap, base * 2 ** max(attempt - 1, 0)))


@dataclass
class Retry:
    """A shard's record that failed: how often, and not to be tried again before `not_before`."""

    sequence_number: str
    attempts: int
    not_before: float


@dataclass
class Stats:
    """What this poller did since it started (logged, and read by tests)."""

    applied: int = 0
    parked: int = 0
    retries: int = 0
    loop_errors: int = 0


class StreamPoller:
    """Follows every shard of the table's stream and remembers the last applied sequence number."""

    def __init__(
        self,
        *,
        settings: Settings,
        processor: Processor,
        streams: Any,
        checkpoints: Checkpoints | None = None,
    ) -> None:
        self.settings = settings
        self.processor = processor
        self.streams = streams
        self.checkpoints_store = checkpoints
        self.iterators: dict[str, str] = {}
        self.checkpoints: dict[str, str] = {}
        self.retries: dict[str, Retry] = {}
        self.stats = Stats()
        self.stream_arn: str | None = None
        self._positions_of: str | None = None  # the stream whose positions `checkpoints` holds
        self._shards_seen_at = 0.0

    async def _refresh(self) -> None:
        loop = asyncio.get_running_loop()
        if self.stream_arn is not None and loop.time() - self._shards_seen_at < SHARD_REFRESH_SECONDS:
            return
        table = await self.processor.table.client.describe_table(TableName=self.processor.table.name)
        stream_arn = table["Table"]["LatestStreamArn"]
        if (
            stream_arn != self._positions_of
        ):  # first look, or the table was recreated: positions are per stream
            self.iterators.clear()
            self.retries.clear()
            self.checkpoints = await self.checkpoints_store.load(stream_arn) if self.checkpoints_store else {}
            self._positions_of = stream_arn
            if self.checkpoints:
                log.info(
                    "stream poller resumes from its checkpoints", extra={"shards": len(self.checkpoints)}
                )
        self.stream_arn = stream_arn
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

    async def _advance(self, shard_id: str, sequence_number: str) -> None:
        self.checkpoints[shard_id] = sequence_number
        if self.checkpoints_store is not None and self.stream_arn is not None:
            await self.checkpoints_store.save(self.stream_arn, shard_id, sequence_number)

    async def poll_once(self) -> int:
        """One get_records per shard that is not backing off; returns how many records were done."""
        await self._refresh()
        now = asyncio.get_running_loop().time()
        done = 0
        for shard_id, iterator in list(self.iterators.items()):
            retry = self.retries.get(shard_id)
            if retry is not None and now < retry.not_before:
                continue
            response = await self.streams.get_records(
                ShardIterator=iterator, Limit=self.settings.stream_batch_size
            )
            records = response.get("Records", [])
            result = await self.processor.process(records) if records else None
            if result is not None:
                self.stats.parked += result.parked
                done += result.done + result.parked
            if result is not None and result.failure is not None:
                done += await self._failed(shard_id, records, result.failure)
                continue
            self.retries.pop(shard_id, None)
            if records:
                await self._advance(shard_id, records[-1]["dynamodb"]["SequenceNumber"])
            next_iterator = response.get("NextShardIterator")
            if next_iterator is None:
                del self.iterators[shard_id]  # the shard is closed and drained
            else:
                self.iterators[shard_id] = next_iterator
        self.stats.applied += done
        return done

    async def _failed(self, shard_id: str, records: list[dict[str, Any]], failure: Failure) -> int:
        """Retry from the failed record after a backoff, or park it when it keeps failing unexpectedly."""
        if failure.index > 0:  # the records before it are done
            await self._advance(shard_id, records[failure.index - 1]["dynamodb"]["SequenceNumber"])
        previous = self.retries.get(shard_id)
        same = previous is not None and previous.sequence_number == failure.sequence_number
        attempts = previous.attempts + 1 if previous is not None and same else 1
        record = records[failure.index]
        if failure.verdict is Verdict.UNEXPECTED and attempts >= self.settings.stream_max_attempts:
            error = RuntimeError(f"{failure.error} (after {attempts} attempts)")
            if await self.processor.park(record, reason="retries_exhausted", exc=error):
                self.stats.parked += 1
                self.retries.pop(shard_id, None)
                await self._advance(shard_id, failure.sequence_number)
                self.iterators[shard_id] = await self._iterator(shard_id)
                return 1
        delay = backoff(attempts, base=RETRY_BASE_SECONDS, cap=RETRY_MAX_SECONDS)
        now = asyncio.get_running_loop().time()
        self.retries[shard_id] = Retry(failure.sequence_number, attempts, now + delay)
        self.stats.retries += 1
        self.iterators[shard_id] = await self._iterator(shard_id, at=failure.sequence_number)
        return 0

    async def run(self, stop: asyncio.Event) -> None:
        """Poll until `stop` is set; on any error log it, back off and start over (never die)."""
        errors = parked = 0
        stats_at = asyncio.get_running_loop().time()
        while not stop.is_set():
            try:
                done = await self.poll_once()
                errors = 0
            except Exception as exc:  # a background loop that dies silently stalls every DM notification
                errors += 1
                self.stats.loop_errors += 1
                delay = backoff(errors, base=LOOP_BASE_SECONDS, cap=LOOP_MAX_SECONDS)
                log.warning("stream poll failed (%s), retrying in %.1fs: %s", type(exc).__name__, delay, exc)
                self.iterators.clear()
                self.stream_arn = None  # re-reads the stream, then resumes from the checkpoints
                await _sleep(stop, delay)
                continue
            now = asyncio.get_running_loop().time()
            if now - stats_at >= STATS_EVERY_SECONDS or self.stats.parked != parked:
                stats_at, parked = now, self.stats.parked
                log.info("stream poller stats", extra=self.stats_fields())
            if not done:
                await _sleep(stop, self.settings.stream_poll_seconds)

    def stats_fields(self) -> dict[str, Any]:
        """The counters and the backlog of failing shards, as log fields."""
        return {
            "applied": self.stats.applied,
            "parked": self.stats.parked,
            "retries": self.stats.retries,
            "loop_errors": self.stats.loop_errors,
            "retrying_shards": len(self.retries),
        }


async def _sleep(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), timeout=seconds)


async def serve(settings: Settings, stop: asyncio.Event) -> None:
    """Open the clients and poll until `stop`; reopen after a failure to open them (moto not up yet)."""
    attempt = 0
    while not stop.is_set():
        try:
            async with open_processor(settings, "dynamodbstreams") as (processor, aws):
                checkpoints = Checkpoints(client=aws["dynamodb"], table=settings.stream_checkpoint_table)
                poller = StreamPoller(
                    settings=settings,
                    processor=processor,
                    streams=aws["dynamodbstreams"],
                    checkpoints=checkpoints,
                )
                log.info("stream poller started", extra={"table": settings.messages_table})
                await poller.run(stop)
                log.info("stream poller stopped", extra=poller.stats_fields())
                return
        except Exception as exc:
            attempt += 1
            delay = backoff(attempt, base=LOOP_BASE_SECONDS, cap=LOOP_MAX_SECONDS)
            log.warning("stream poller could not start (%s), retrying in %.1fs", exc, delay)
            await _sleep(stop, delay)
