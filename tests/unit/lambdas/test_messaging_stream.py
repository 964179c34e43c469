"""The messaging stream Lambda fed real-shaped DynamoDB stream events (moto DynamoDB, a dead notifier)."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from messaging_service.lambdas.stream import handler
from messaging_service.settings import get_settings
from tests.unit.lambdas.conftest import boto

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


def _message_image() -> dict[str, Any]:
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
    }
    return {k: {"S": v} for k, v in values.items()}


@pytest.fixture
def stream_env(aws_env: str, monkeypatch: pytest.MonkeyPatch) -> None:
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
    monkeypatch.setenv("MESSAGES_TABLE", TABLE)
    monkeypatch.setenv("NOTIFICATION_URL", "http://127.0.0.1:9")  # nothing listens: delivery fails
    monkeypatch.setenv("INTERNAL_TIMEOUT_SECONDS", "1")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_records_that_are_not_new_messages_change_nothing(stream_env: None) -> None:
    preview_keys = {"pk": {"S": "USER#a"}, "sk": {"S": "WITH#b"}}
    event = {
        "Records": [
            _record("MODIFY", "100", new={**preview_keys, "last_message": {"S": "hi"}}, keys=preview_keys),
            _record("REMOVE", "101", new=None, keys=preview_keys),
        ]
    }
    assert handler(event, None) == {"batchItemFailures": []}


def test_a_failed_record_is_reported_so_lambda_retries_from_it(stream_env: None) -> None:
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
