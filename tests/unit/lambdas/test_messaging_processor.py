"""The stream processor tells permanent from transient failures (moto DynamoDB and SQS, a fake notifier)."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator, Callable
from typing import Any

import aioboto3
import httpx
import pytest

from messaging_service.conversations.repository import Table
from messaging_service.lambdas.stream import process_with_backoff
from messaging_service.stream import dead_letters
from messaging_service.stream.clients import NotificationClient
from messaging_service.stream.dead_letters import DeadLetters
from messaging_service.stream.failures import Verdict
from messaging_service.stream.processor import Processor
from tests.unit.lambdas import test_messaging_stream as shapes
from tests.unit.lambdas.support import boto

TABLE = "processor-test-messages"
Answer = Callable[[httpx.Request], httpx.Response]


@pytest.fixture
async def make_processor(aws_env: str) -> AsyncIterator[Callable[[Answer], Processor]]:
    """Processors on moto whose notification service answers with `answer`."""
    dynamodb = boto("dynamodb", aws_env)
    if TABLE not in dynamodb.list_tables()["TableNames"]:
        dynamodb.create_table(
            TableName=TABLE,
            BillingMode="PAY_PER_REQUEST",
            KeySchema=[
                {"AttributeName": "pk", "KeyType": "HASH"},
                {"AttributeName": "sk", "KeyType": "RANGE"},
            ],
            AttributeDefinitions=[{"AttributeName": n, "AttributeType": "S"} for n in ("pk", "sk")],
        )
    queue = boto("sqs", aws_env).create_queue(QueueName=f"processor-dlq-{uuid.uuid4().hex[:8]}")["QueueUrl"]
    session = aioboto3.Session()
    async with (
        session.client("dynamodb", endpoint_url=aws_env) as ddb,
        session.client("sqs", endpoint_url=aws_env) as asqs,
    ):

        def make(answer: Answer) -> Processor:
            http = httpx.AsyncClient(transport=httpx.MockTransport(answer))
            return Processor(
                table=Table(client=ddb, name=TABLE),
                notifications=NotificationClient(http=http, base_url="http://notification.test"),
                dead_letters=DeadLetters(sqs=asqs, queue=queue),
            )

        yield make


def _records(count: int) -> list[dict[str, Any]]:
    images = [shapes._message_image() for _ in range(count)]
    return [
        shapes._record("INSERT", str(100 + i), new=image, keys={"pk": image["pk"], "sk": image["sk"]})
        for i, image in enumerate(images)
    ]


async def _parked(processor: Processor, endpoint: str) -> list[dict[str, Any]]:
    url = await processor.dead_letters.url()
    response = boto("sqs", endpoint).receive_message(QueueUrl=url, MaxNumberOfMessages=10)
    return [json.loads(m["Body"]) for m in response.get("Messages", [])]


@pytest.mark.parametrize("status", [400, 413, 422])
async def test_a_permanent_refusal_is_parked_and_later_records_flow(
    make_processor: Callable[[Answer], Processor], aws_env: str, status: int
) -> None:
    records = _records(3)
    poison = records[1]["dynamodb"]["NewImage"]["message_uuid"]["S"]
    sent: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        event_id = json.loads(request.content)["event_id"]
        sent.append(event_id)
        if event_id == poison:
            return httpx.Response(status, json={"error": {"code": "bad", "message": "no"}})
        return httpx.Response(202, json={"status": "stored"})

    processor = make_processor(answer)
    result = await processor.process(records)

    assert (result.done, result.parked, result.failure) == (2, 1, None)
    assert len(sent) == 3
    (letter,) = await _parked(processor, aws_env)
    assert letter["message_uuid"] == poison and letter["reason"] == "invalid_record"
    assert f"{status}" in letter["error"]


@pytest.mark.parametrize("status", [401, 403, 404, 408, 409, 425, 429, 500, 502, 503])
async def test_a_transient_refusal_stops_the_batch_at_that_record(
    make_processor: Callable[[Answer], Processor], aws_env: str, status: int
) -> None:
    records = _records(3)
    calls = iter(range(10))

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(202 if next(calls) == 0 else status, json={})

    processor = make_processor(answer)
    result = await processor.process(records)

    assert result.failure is not None
    assert (result.done, result.parked, result.failure.index) == (1, 0, 1)
    assert result.failure.sequence_number == "101"
    assert result.failure.verdict is Verdict.TRANSIENT
    assert await _parked(processor, aws_env) == []


async def test_connection_errors_are_transient_and_bugs_unexpected(
    make_processor: Callable[[Answer], Processor],
) -> None:
    def refused(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    def buggy(request: httpx.Request) -> httpx.Response:
        raise RuntimeError("a bug")

    for answer, verdict in ((refused, Verdict.TRANSIENT), (buggy, Verdict.UNEXPECTED)):
        result = await make_processor(answer).process(_records(1))
        assert result.failure is not None and result.failure.verdict is verdict


async def test_the_lambda_retries_a_transient_failure_in_place_then_succeeds(
    make_processor: Callable[[Answer], Processor], monkeypatch: pytest.MonkeyPatch
) -> None:
    from messaging_service.lambdas import stream as stream_lambda

    monkeypatch.setattr(stream_lambda, "RETRY_DELAYS", (0.01, 0.01, 0.01))
    statuses = iter([202, 503, 502, 202, 202])
    sent: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(json.loads(request.content)["event_id"])
        return httpx.Response(next(statuses), json={})

    records = _records(3)
    result = await process_with_backoff(make_processor(answer), records)

    assert (result.done, result.parked, result.failure) == (3, 0, None)
    ids = [r["dynamodb"]["NewImage"]["message_uuid"]["S"] for r in records]
    assert sent == [ids[0], ids[1], ids[1], ids[1], ids[2]], "retried in order from the failed record"


def test_a_letter_too_big_for_sqs_keeps_the_keys_and_the_error() -> None:
    image = shapes._message_image(message="x" * 300_000)
    record = shapes._record("INSERT", "9", new=image, keys={"pk": image["pk"], "sk": image["sk"]})
    body = dead_letters.letter(record, reason="invalid_record", error="message: too long")
    assert len(body.encode()) < dead_letters.MAX_BODY_BYTES
    letter = json.loads(body)
    assert letter["record"] == {"dynamodb": {"Keys": record["dynamodb"]["Keys"]}, "truncated": True}
    assert letter["message_uuid"] == image["message_uuid"]["S"] and letter["error"] == "message: too long"


def test_a_letter_holds_what_json_cannot() -> None:
    record = {"eventID": "1", "dynamodb": {"NewImage": {"b": b"\x00\x01"}, "When": uuid.UUID(int=0)}}
    letter = json.loads(dead_letters.letter(record, reason="invalid_record", error="e"))
    assert letter["record"]["dynamodb"]["NewImage"]["b"] == "AAE="
