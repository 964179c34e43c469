"""`make replay-dlq` (devstack.replay_dlq) against the test stack's moto SQS and the real stream handler:
a parked record is applied once replayed and leaves the queue; a letter that cannot be replayed stays."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import httpx
import pytest

from devstack.replay_dlq import local_delivery, replay
from messaging_service.conversations import keys, repository
from messaging_service.settings import Settings, get_settings
from messaging_service.stream.dead_letters import letter
from tests.integration.messaging.support import me, send, wait_for_preview
from tests.support import TestUser

pytestmark = pytest.mark.integration
DEAD_LETTER_QUEUE = Settings.model_fields["stream_dead_letter_queue"].default


@pytest.fixture
def clients(aws_env: dict[str, str]) -> Iterator[dict[str, Any]]:
    get_settings.cache_clear()  # the handler reads the stack's environment that aws_env just set
    yield {
        name: boto3.client(  # type: ignore[call-overload]
            name,
            endpoint_url=aws_env["AWS_ENDPOINT_URL"],
            region_name=aws_env["AWS_REGION"],
            aws_access_key_id="test",
            aws_secret_access_key="test",
        )
        for name in ("sqs", "dynamodbstreams")
    }
    get_settings.cache_clear()


def stream_record(group: str, sender: dict[str, Any], recipient: dict[str, Any], text: str) -> dict[str, Any]:
    """The INSERT record of a message, as the stream delivers it to the handler."""
    message_uuid, created = str(uuid.uuid4()), keys.now_ts()
    item = {
        "pk": keys.group_pk(group),
        "sk": keys.message_sk(created, message_uuid),
        "type": "message",
        "message_group_uuid": group,
        "message_uuid": message_uuid,
        "created_at": created,
        "message": text,
        "sender_uuid": sender["uuid"],
        "sender_handle": sender["handle"],
        "sender_display_name": sender["display_name"],
        "recipient_uuid": recipient["uuid"],
        "recipient_sub": recipient["cognito_user_id"],
    }
    image = repository.serialize(item)
    return {
        "eventID": uuid.uuid4().hex,
        "eventName": "INSERT",
        "dynamodb": {
            "Keys": {"pk": image["pk"], "sk": image["sk"]},
            "NewImage": image,
            "SequenceNumber": str(uuid.uuid4().int)[:20],
        },
    }


def parked(record: dict[str, Any]) -> str:
    """A letter as the handler parked it an hour ago (the notification service refused it then)."""
    body = json.loads(letter(record, reason="refused", error="notification: 503"))
    body["parked_at"] = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
    return json.dumps(body)


def notified(api: httpx.Client, user: TestUser, message_uuid: str) -> bool:
    response = api.get("/api/notifications", headers=user.headers)
    assert response.status_code == 200, response.text
    return message_uuid in [n["uuid"] for n in response.json()["items"]]


def test_a_parked_record_is_replayed_through_the_handler_and_leaves_the_queue(
    api: httpx.Client, pair: tuple[TestUser, TestUser], clients: dict[str, Any]
) -> None:
    alice, bob = pair
    group = send(api, alice, "before", handle=bob.handle)["message_group_uuid"]
    wait_for_preview(api, bob, handle=alice.handle, text="before")
    sqs = clients["sqs"]
    queue = sqs.get_queue_url(QueueName=DEAD_LETTER_QUEUE)["QueueUrl"]
    sqs.purge_queue(QueueUrl=queue)
    record = stream_record(group, me(api, alice), me(api, bob), "lost while notification was down")
    message_uuid = record["dynamodb"]["NewImage"]["message_uuid"]["S"]
    sqs.send_message(QueueUrl=queue, MessageBody=parked(record))
    truncated = json.loads(parked(record)) | {"record": {"dynamodb": {"Keys": {}}, "truncated": True}}
    sqs.send_message(QueueUrl=queue, MessageBody=json.dumps(truncated))
    assert not notified(api, bob, message_uuid)

    outcome = replay(sqs=sqs, queue_url=queue, deliver=local_delivery(), streams=clients["dynamodbstreams"])

    assert outcome.replayed == 1
    assert len(outcome.kept) == 1 and "cannot be recovered" in outcome.kept[0], outcome.kept
    assert notified(api, bob, message_uuid)
    wait_for_preview(api, bob, handle=alice.handle, text="lost while notification was down")
    # The kept letter is back after its visibility timeout; the replayed one is gone for good.
    attributes = sqs.get_queue_attributes(
        QueueUrl=queue,
        AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    )["Attributes"]
    assert (
        int(attributes["ApproximateNumberOfMessages"])
        + int(attributes["ApproximateNumberOfMessagesNotVisible"])
        == 1
    )
    # A second run replays nothing more (the kept letter is still invisible) and fails nothing.
    again = replay(sqs=sqs, queue_url=queue, deliver=local_delivery(), streams=clients["dynamodbstreams"])
    assert again.replayed == 0
