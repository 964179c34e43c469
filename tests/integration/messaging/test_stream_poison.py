"""Poison stream records against the live local poller: parked with their error, later DMs still flow."""

from __future__ import annotations

import json
import uuid
from typing import Any

import boto3
import httpx
import pytest

from cruddur_common.registry import load_registry
from devstack.stack import LocalStack
from messaging_service.conversations import keys, repository
from messaging_service.settings import Settings
from tests.integration.messaging.support import me, send, wait_for_preview
from tests.support import TestUser, wait_for

pytestmark = pytest.mark.integration
DEAD_LETTER_QUEUE = Settings.model_fields["stream_dead_letter_queue"].default


@pytest.fixture
def boto(aws_env: dict[str, str]) -> Any:
    """boto3 clients on the test stack's moto."""

    def make(name: str) -> Any:
        return boto3.client(  # type: ignore[call-overload]
            name,
            endpoint_url=aws_env["AWS_ENDPOINT_URL"],
            region_name=aws_env["AWS_REGION"],
            aws_access_key_id="test",
            aws_secret_access_key="test",
        )

    return make


class DeadLetters:
    """Reads (and removes) what the poller parked on the stack's dead-letter queue."""

    def __init__(self, sqs: Any) -> None:
        self.sqs = sqs
        self.url = sqs.get_queue_url(QueueName=DEAD_LETTER_QUEUE)["QueueUrl"]

    def drain(self) -> list[dict[str, Any]]:
        """The parked letters received now (deleted from the queue)."""
        letters = []
        response = self.sqs.receive_message(QueueUrl=self.url, MaxNumberOfMessages=10, WaitTimeSeconds=0)
        for message in response.get("Messages", []):
            letters.append(json.loads(message["Body"]))
            self.sqs.delete_message(QueueUrl=self.url, ReceiptHandle=message["ReceiptHandle"])
        return letters


def notified(api: httpx.Client, user: TestUser, message_uuid: str) -> bool:
    """Whether `user` has the notification of this message."""
    response = api.get("/api/notifications", headers=user.headers)
    assert response.status_code == 200, response.text
    return message_uuid in [n["uuid"] for n in response.json()["items"]]


def poison_items(group: str, sender: dict[str, Any], recipient: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Message items the API can no longer write but an old writer, a bug or a hand edit could."""
    base = {
        "type": "message",
        "message_group_uuid": group,
        "sender_uuid": sender["uuid"],
        "sender_handle": sender["handle"],
        "sender_display_name": sender["display_name"],
        "sender_avatar_url": "/assets/x.png",
        "recipient_uuid": recipient["uuid"],
        "recipient_sub": recipient["cognito_user_id"],
    }
    shapes = {
        "nul": {"message": "nul \x00 inside"},  # Postgres cannot store U+0000 in text
        "missing": {"message": "no sender", "sender_handle": None, "recipient_sub": None},
        "typed": {"message": 12345},  # a number where text belongs
    }
    out = {}
    for name, extra in shapes.items():
        message_uuid, created = str(uuid.uuid4()), keys.now_ts()
        item = base | extra | {"message_uuid": message_uuid, "created_at": created}
        out[name] = {
            "pk": keys.group_pk(group),
            "sk": keys.message_sk(created, message_uuid),
            **{k: v for k, v in item.items() if v is not None},
        }
    return out


def test_poison_records_are_parked_and_the_next_dm_is_delivered(
    api: httpx.Client,
    pair: tuple[TestUser, TestUser],
    aws_env: dict[str, str],
    boto: Any,
    stack: LocalStack,
) -> None:
    alice, bob = pair
    group = send(api, alice, "before", handle=bob.handle)["message_group_uuid"]
    wait_for_preview(api, bob, handle=alice.handle, text="before")
    dead_letters = DeadLetters(boto("sqs"))
    dead_letters.drain()
    dynamodb = boto("dynamodb")
    poison = poison_items(group, me(api, alice), me(api, bob))
    for item in poison.values():  # straight into the table: the stream carries them to the poller
        dynamodb.put_item(TableName=aws_env["MESSAGES_TABLE"], Item=repository.serialize(item))

    after = send(api, alice, "after the poison", handle=bob.handle)

    wait_for(lambda: notified(api, bob, after["uuid"]), what="the DM after the poison to be notified")
    wait_for_preview(api, bob, handle=alice.handle, text="after the poison")
    wait_for_preview(api, alice, handle=bob.handle, text="after the poison")
    # The stream is applied in order: the poison before "after" is parked by now, and readiness counts it.
    messaging = next(e for e in load_registry() if e.name == "messaging")
    ready = httpx.get(f"{stack.cfg.service_url(messaging)}{messaging.ready_path}", timeout=10).json()
    assert ready["detail"]["stream"]["parked"] >= len(poison), ready
    letters: list[dict[str, Any]] = []
    poison_ids = {item["message_uuid"] for item in poison.values()}

    def all_parked() -> bool:
        letters.extend(x for x in dead_letters.drain() if x.get("message_uuid") in poison_ids)
        return {x["message_uuid"] for x in letters} == poison_ids

    wait_for(all_parked, what="the three poison records in the dead-letter queue")
    for letter in letters:
        assert letter["reason"] == "invalid_record"
        assert letter["error"]
        assert letter["record"]["dynamodb"]["NewImage"]["message_uuid"]["S"] in poison_ids
    for item in poison.values():
        assert not notified(api, bob, item["message_uuid"])
