"""The stream processor against real moto: idempotent, order-safe, at-least-once towards notifications."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import aioboto3
import httpx
import pytest

from messaging_service.conversations import keys, repository
from messaging_service.conversations.repository import Table
from messaging_service.conversations.schemas import Person
from messaging_service.lambdas import stream as stream_lambda
from messaging_service.settings import get_settings
from messaging_service.stream.clients import NotificationClient
from messaging_service.stream.dead_letters import DeadLetters
from messaging_service.stream.processor import Processor
from tests.integration.messaging.support import groups, me, send, wait_for_preview
from tests.support import TestUser

pytestmark = pytest.mark.integration
_sequence = iter(range(10**6))


def person(api: httpx.Client, user: TestUser) -> Person:
    """The user as the messaging service stores them."""
    return Person.model_validate(me(api, user) | {"avatar_url": "https://avatar.test/x.png"})


def record(item: dict[str, Any], *, event: str = "INSERT") -> dict[str, Any]:
    """A DynamoDB stream record shaped like the real one."""
    return {
        "eventID": str(next(_sequence)),
        "eventName": event,
        "eventSource": "aws:dynamodb",
        "dynamodb": {
            "Keys": repository.serialize({"pk": item["pk"], "sk": item["sk"]}),
            "NewImage": repository.serialize(item),
            "SequenceNumber": f"{next(_sequence):021d}",
            "StreamViewType": "NEW_AND_OLD_IMAGES",
        },
    }


def message(sender: Person, recipient: Person, group: str, text: str, at: datetime) -> dict[str, Any]:
    """A message item at a chosen time."""
    target = {"uuid": str(recipient.uuid), "sub": recipient.cognito_user_id}
    return repository.message_item(
        group_uuid=group, sender=sender, recipient=target, text=text, created_at=keys.format_ts(at)
    )


@pytest.fixture
async def dead_letters(aws_env: dict[str, str]) -> AsyncIterator[DeadLetters]:
    """A dead-letter queue of this test's own on the stack's moto."""
    async with aioboto3.Session().client(
        "sqs", endpoint_url=aws_env["AWS_ENDPOINT_URL"], region_name=aws_env["AWS_REGION"]
    ) as sqs:
        url = (await sqs.create_queue(QueueName=f"test-dlq-{next(_sequence)}-{id(sqs)}"))["QueueUrl"]
        yield DeadLetters(sqs=sqs, queue=url)


def fake_notifications(status: int = 202) -> tuple[NotificationClient, list[dict[str, Any]]]:
    """A notification service peer that records what it receives."""
    received: list[dict[str, Any]] = []

    def answer(request: httpx.Request) -> httpx.Response:
        received.append(json.loads(request.content))
        return httpx.Response(status, json={"status": "stored"})

    http = httpx.AsyncClient(transport=httpx.MockTransport(answer))
    return NotificationClient(http=http, base_url="http://notification.test"), received


async def test_replayed_and_out_of_order_records_never_move_a_preview_back(
    api: httpx.Client, pair: tuple[TestUser, TestUser], table: Table, dead_letters: DeadLetters
) -> None:
    alice, bob = pair
    group = send(api, alice, "first", handle=bob.handle)["message_group_uuid"]
    wait_for_preview(api, bob, handle=alice.handle, text="first")
    a, b = person(api, alice), person(api, bob)
    now = datetime.now(UTC)
    newer = message(b, a, group, "newer", now + timedelta(seconds=2))
    older = message(a, b, group, "older", now + timedelta(seconds=1))
    notifier, received = fake_notifications()
    processor = Processor(table=table, notifications=notifier, dead_letters=dead_letters)

    assert (await processor.process([record(newer)])).failure is None
    assert (await processor.process([record(older), record(newer), record(newer)])).failure is None
    entry_item = await repository.get_entry(table, user_uuid=str(a.uuid), other_uuid=str(b.uuid))
    assert entry_item is not None
    assert (await processor.process([record(entry_item, event="MODIFY"), record(entry_item)])).failure is None

    for user, other in ((alice, bob), (bob, alice)):
        listed = groups(api, user)
        assert [(g["handle"], g["message"]) for g in listed] == [(other.handle, "newer")]
    assert [e["event_id"] for e in received] == [newer["message_uuid"], older["message_uuid"]] + [
        newer["message_uuid"]
    ] * 2, "every delivery notifies (at least once); the event id dedupes downstream"
    event = received[0]
    assert event["kind"] == "message" and event["recipient"]["sub"] == a.cognito_user_id
    assert event["actor"]["handle"] == bob.handle
    assert event["target"] == {"message_group_uuid": group, "preview": "newer", "message": "newer"}


async def test_a_failed_notification_reports_the_record_to_retry_from(
    api: httpx.Client, pair: tuple[TestUser, TestUser], table: Table, dead_letters: DeadLetters
) -> None:
    alice, bob = pair
    group = send(api, alice, "hello", handle=bob.handle)["message_group_uuid"]
    a, b = person(api, alice), person(api, bob)
    now = datetime.now(UTC)
    first, second = (message(a, b, group, f"m{i}", now + timedelta(seconds=i + 1)) for i in range(2))
    down, _ = fake_notifications(status=503)
    records = [record(first), record(second)]
    failed = await Processor(table=table, notifications=down, dead_letters=dead_letters).process(records)
    assert failed.failure is not None
    assert failed.failure.sequence_number == records[0]["dynamodb"]["SequenceNumber"]
    rejecting, _ = fake_notifications(status=422)
    rejected = await Processor(table=table, notifications=rejecting, dead_letters=dead_letters).process(
        records
    )
    assert (rejected.failure, rejected.parked) == (None, 2), "a permanent refusal is parked, not retried"
    assert await dead_letters.count() == 2
    wait_for_preview(api, bob, handle=alice.handle, text="m1")


def test_lambda_handler_applies_a_batch_and_notifies_for_real(
    api: httpx.Client,
    pair: tuple[TestUser, TestUser],
    aws_env: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    alice, bob = pair
    group = send(api, alice, "hi", handle=bob.handle)["message_group_uuid"]
    a, b = person(api, alice), person(api, bob)
    late = message(a, b, group, "from the lambda", datetime.now(UTC) + timedelta(seconds=1))
    event = {"Records": [record(late)]}
    get_settings.cache_clear()
    try:
        assert stream_lambda.handler(event, None) == {"batchItemFailures": []}
        wait_for_preview(api, bob, handle=alice.handle, text="from the lambda")
        listed = api.get("/api/notifications", headers=bob.headers).json()["items"]
        assert late["message_uuid"] in [n["uuid"] for n in listed]

        monkeypatch.setattr(stream_lambda, "RETRY_DELAYS", (0.01,))
        monkeypatch.setenv("NOTIFICATION_URL", "http://127.0.0.1:9")  # nothing listens
        get_settings.cache_clear()
        result = stream_lambda.handler(event, None)
        assert result == {
            "batchItemFailures": [{"itemIdentifier": event["Records"][0]["dynamodb"]["SequenceNumber"]}]
        }
    finally:
        get_settings.cache_clear()
