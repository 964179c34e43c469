"""The messaging stream Lambda fed real-shaped DynamoDB stream events (moto DynamoDB and SQS)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from messaging_service.lambdas import stream as stream_lambda
from messaging_service.lambdas.stream import handler
from messaging_service.settings import get_settings
from tests.unit.lambdas.support import boto

TABLE = "stream-test-messages"


def _record(
    event_name: str, sequence: str, *, new: dict[str, Any] | None, keys: dict[str, Any]
) -> dict[str, Any]:
    """One record of a DynamoDB stream event (NEW_AND_OLD_IMAGES) as Lambda delivers it."""
    dynamodb: dict[str, Any] = {
        "ApproximateCreationDateTime": 1795356000.0,
        "Keys": keys,
        "SequenceNumber": sequence,
        "SizeBytes": 321,
        "StreamViewType": "NEW_AND_OLD_IMAGES",
    }
    if new is not None:
        dynamodb["NewImage"] = new
    return {
        "eventID": f"event-{sequence}",
        "eventName": event_name,
        "eventVersion": "1.1",
        "eventSource": "aws:dynamodb",
        "awsRegion": "us-east-1",
        "dynamodb": dynamodb,
        "eventSourceARN": f"arn:aws:dynamodb:us-east-1:123456789012:table/{TABLE}/stream/2026-11-22T00:00:00",
    }


def _message_image(**override: str) -> dict[str, Any]:
    group, message = str(uuid.uuid4()), str(uuid.uuid4())
    created = "2026-11-22T12:00:00.000000Z"
    values = {
        "pk": f"GRP#{group}",
        "sk": f"MSG#{created}#{message}",
        "message_uuid": message,
        "message_group_uuid": group,
        "message": "hello there",
        "created_at": created,
        "sender_uuid": str(uuid.uuid4()),
        "sender_handle": "alice",
        "sender_display_name": "Alice",
        "sender_avatar_url": "/assets/avatars/default/v1/0-A.svg",
        "recipient_uuid": str(uuid.uuid4()),
        "recipient_sub": str(uuid.uuid4()),
    } | override
    return {k: {"S": v} for k, v in values.items()}


@pytest.fixture
def stream_env(aws_env: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The table, a fresh dead-letter queue (its URL is yielded) and a notifier nobody answers."""
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
    sqs = boto("sqs", aws_env)
    url = sqs.create_queue(QueueName=f"stream-test-dlq-{uuid.uuid4().hex[:8]}")["QueueUrl"]
    monkeypatch.setenv("MESSAGES_TABLE", TABLE)
    monkeypatch.setenv("STREAM_DEAD_LETTER_QUEUE", url)
    monkeypatch.setattr(stream_lambda, "RETRY_DELAYS", (0.01, 0.01, 0.01))
    monkeypatch.setenv("NOTIFICATION_URL", "http://127.0.0.1:9")  # nothing listens: delivery fails
    monkeypatch.setenv("INTERNAL_TIMEOUT_SECONDS", "1")
    get_settings.cache_clear()
    yield url
    get_settings.cache_clear()


def test_records_that_are_not_new_messages_change_nothing(stream_env: str) -> None:
    preview_keys = {"pk": {"S": "USER#a"}, "sk": {"S": "WITH#b"}}
    event = {
        "Records": [
            _record("MODIFY", "100", new={**preview_keys, "last_message": {"S": "hi"}}, keys=preview_keys),
            _record("REMOVE", "101", new=None, keys=preview_keys),
        ]
    }
    assert handler(event, None) == {"batchItemFailures": []}


def test_a_failed_record_is_reported_so_lambda_retries_from_it(stream_env: str) -> None:
    image = _message_image()
    keys = {"pk": image["pk"], "sk": image["sk"]}
    preview_keys = {"pk": {"S": "USER#a"}, "sk": {"S": "WITH#b"}}
    event = {
        "Records": [
            _record("MODIFY", "200", new=preview_keys, keys=preview_keys),
            _record("INSERT", "201", new=image, keys=keys),
        ]
    }
    assert handler(event, None) == {"batchItemFailures": [{"itemIdentifier": "201"}]}


def _parked(endpoint: str, url: str) -> list[dict[str, Any]]:
    response = boto("sqs", endpoint).receive_message(QueueUrl=url, MaxNumberOfMessages=10)
    return [json.loads(m["Body"]) for m in response.get("Messages", [])]


def test_poison_records_are_parked_with_their_error_and_the_batch_goes_on(
    stream_env: str, aws_env: str
) -> None:
    nul, typed, good = _message_image(message="a \x00 b"), _message_image(), _message_image()
    typed["message"] = {"N": "12345"}
    del typed["sender_handle"]
    event = {
        "Records": [
            _record("INSERT", str(300 + i), new=image, keys={"pk": image["pk"], "sk": image["sk"]})
            for i, image in enumerate((nul, typed, good))
        ]
    }
    # The two poisons are parked; the good one reaches the (dead) notifier and is reported for retry.
    assert handler(event, None) == {"batchItemFailures": [{"itemIdentifier": "302"}]}
    letters = {letter["sequence_number"]: letter for letter in _parked(aws_env, stream_env)}
    assert set(letters) == {"300", "301"}
    assert letters["300"]["reason"] == "invalid_record"
    assert "message: Value error, contains a control character" in letters["300"]["error"]
    assert "\x00" not in letters["300"]["error"], "the error names the field, never the DM's text"
    assert letters["300"]["record"]["dynamodb"]["NewImage"]["message"] == {"S": "a \x00 b"}
    assert "sender_handle" in letters["301"]["error"] and "message" in letters["301"]["error"]
    assert letters["301"]["message_uuid"] == typed["message_uuid"]["S"]


def test_an_undecodable_record_is_parked_too(stream_env: str, aws_env: str) -> None:
    broken = {"pk": {"S": "GRP#x"}, "sk": {"Q": "?"}}
    event = {"Records": [_record("INSERT", "400", new=broken, keys={}), "not a record"]}
    assert handler(event, None) == {"batchItemFailures": []}
    assert [letter["reason"] for letter in _parked(aws_env, stream_env)] == ["invalid_record"] * 2


def test_a_poison_record_is_retried_not_dropped_when_the_queue_is_gone(
    stream_env: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STREAM_DEAD_LETTER_QUEUE", "no-such-queue")
    get_settings.cache_clear()
    image = _message_image(message="a \x00 b")
    event = {"Records": [_record("INSERT", "500", new=image, keys={"pk": image["pk"], "sk": image["sk"]})]}
    assert handler(event, None) == {"batchItemFailures": [{"itemIdentifier": "500"}]}
