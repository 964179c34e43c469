"""Replay the messaging stream's dead-letter queue through the stream handler (`make replay-dlq`).

Each letter is turned back into the Lambda event it came from and handed to the handler: in AWS by
invoking the deployed function (`--function cruddur-messaging-stream`), locally by calling
`messaging_service.lambdas.stream.handler` in this process against the environment's stack. A letter is
deleted only once the handler took it without `batchItemFailures`; anything else stays on the queue.
Letters of the handler (`"source": "messaging-stream"`) carry their record; letters of the event source
mapping (`DDBStreamBatchInfo`) name a shard and sequence range, read back from the stream while it still
holds them (24 h). Safe to repeat: the stream processor is idempotent (docs/ops.md, restore runbook).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import boto3

from messaging_service.stream.dead_letters import SOURCE

log = logging.getLogger("devstack.replay_dlq")
Deliver = Callable[[dict[str, Any]], dict[str, Any]]


@dataclass
class Outcome:
    """What one run did with the letters it received."""

    replayed: int = 0
    kept: list[str] = field(default_factory=list)  # why each letter left on the queue stays


def records_of(letter: dict[str, Any], *, streams: Any) -> list[Any] | None:
    """The stream records a letter stands for; None when they cannot be recovered from it."""
    if letter.get("source") == SOURCE:
        record = letter.get("record")
        if not isinstance(record, dict) or record.get("truncated"):
            return None  # parked by its keys only: too large for SQS, see docs/ops.md
        return [record]
    info = letter.get("DDBStreamBatchInfo")
    if isinstance(info, dict):
        return _stream_range(streams, info)
    return None


def _stream_range(streams: Any, info: dict[str, Any]) -> list[Any] | None:
    """The records of one shard from startSequenceNumber to endSequenceNumber (None once expired)."""
    try:
        iterator = streams.get_shard_iterator(
            StreamArn=info["streamArn"],
            ShardId=info["shardId"],
            ShardIteratorType="AT_SEQUENCE_NUMBER",
            SequenceNumber=info["startSequenceNumber"],
        )["ShardIterator"]
    except streams.exceptions.TrimmedDataAccessException:
        return None
    end = int(info["endSequenceNumber"])
    records: list[Any] = []
    while iterator:
        response = streams.get_records(ShardIterator=iterator, Limit=1000)
        for record in response["Records"]:
            if int(record["dynamodb"]["SequenceNumber"]) > end:
                return records
            records.append(record)
        if not response["Records"]:
            return records
        iterator = response.get("NextShardIterator")
    return records


def lambda_delivery(function: str, *, client: Any) -> Deliver:
    """Hand each event to the deployed stream function, as its event source mapping would."""

    def deliver(event: dict[str, Any]) -> dict[str, Any]:
        response = client.invoke(FunctionName=function, Payload=json.dumps(event).encode())
        payload = json.loads(response["Payload"].read() or b"{}")
        if response.get("FunctionError"):
            raise RuntimeError(f"{function} failed: {payload}")
        return payload if isinstance(payload, dict) else {}

    return deliver


def local_delivery() -> Deliver:
    """The stream handler in this process, configured from the environment (the devstack's)."""
    from messaging_service.lambdas import stream

    def deliver(event: dict[str, Any]) -> dict[str, Any]:
        result: dict[str, Any] = stream.handler(event, None)
        return result

    return deliver


def replay(*, sqs: Any, queue_url: str, deliver: Deliver, streams: Any, limit: int = 1000) -> Outcome:
    """Replay up to `limit` letters parked before now; keep what cannot be replayed or fails again."""
    started = datetime.now(UTC).isoformat()
    outcome = Outcome()
    while outcome.replayed + len(outcome.kept) < limit:
        # Kept letters stay invisible for the visibility timeout, so the loop ends on an empty receive.
        messages = sqs.receive_message(
            QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=0, VisibilityTimeout=300
        ).get("Messages", [])
        if not messages:
            break
        for message in messages:
            why = _replay_one(message, deliver=deliver, streams=streams, started=started)
            if why is None:
                sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
                outcome.replayed += 1
            else:
                outcome.kept.append(f"{message['MessageId']}: {why}")
    return outcome


def _replay_one(message: dict[str, Any], *, deliver: Deliver, streams: Any, started: str) -> str | None:
    """None once the handler took the letter's records; else why the letter stays."""
    try:
        letter = json.loads(message["Body"])
    except ValueError:
        return "not JSON"
    if not isinstance(letter, dict):
        return "not a letter"
    if str(letter.get("parked_at") or "") >= started:
        return "parked during this replay (it failed again)"
    records = records_of(letter, streams=streams)
    if records is None:
        return "its records cannot be recovered (truncated, or gone from the stream)"
    try:
        result = deliver({"Records": records})
    except Exception as exc:
        return f"the handler failed: {exc}"
    if result.get("batchItemFailures"):
        return f"the handler reported {result['batchItemFailures']}"
    return None


def main(argv: list[str] | None = None) -> int:
    """`python -m devstack.replay_dlq [--queue URL|NAME] [--function NAME]`."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--queue",
        default=os.environ.get("STREAM_DEAD_LETTER_QUEUE", "cruddur-messages-stream-dlq"),
        help="the dead-letter queue's URL or name (the StreamDeadLetters queue of CruddurFunctions)",
    )
    parser.add_argument("--function", help="invoke this Lambda (AWS); without it, the handler runs here")
    parser.add_argument("--limit", type=int, default=1000, help="letters to try at most")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    endpoint = os.environ.get("AWS_ENDPOINT_URL") or None
    sqs = boto3.client("sqs", endpoint_url=endpoint)
    queue_url = args.queue
    if not queue_url.startswith(("https://", "http://")):
        queue_url = sqs.get_queue_url(QueueName=queue_url)["QueueUrl"]
    deliver = (
        lambda_delivery(args.function, client=boto3.client("lambda", endpoint_url=endpoint))
        if args.function
        else local_delivery()
    )
    outcome = replay(
        sqs=sqs,
        queue_url=queue_url,
        deliver=deliver,
        streams=boto3.client("dynamodbstreams", endpoint_url=endpoint),
        limit=args.limit,
    )
    log.info("replayed %d letter(s); %d kept on the queue", outcome.replayed, len(outcome.kept))
    for why in outcome.kept:
        log.info("kept %s", why)
    return 1 if outcome.kept else 0


if __name__ == "__main__":
    sys.exit(main())
