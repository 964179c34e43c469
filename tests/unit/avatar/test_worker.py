"""The local avatar worker: SQS batches through the Lambda's code, deleting only what succeeded."""

from __future__ import annotations

import json
from typing import Any

from cruddur_common.aws import AwsClients
from cruddur_common.settings import CommonSettings
from tests.unit.lambdas.support import boto
from tests.unit.lambdas.test_avatar_processor import s3_event
from user_service.avatar_worker import poll_once, sqs_event
from user_service.avatars.pipeline import Outcome, UploadedObject


class FlakyProcessor:
    """Fails every object whose key contains "bad"."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    async def handle(self, obj: UploadedObject) -> Outcome:
        self.seen.append(obj.key)
        if "bad" in obj.key:
            raise ConnectionError("user service unreachable")
        return Outcome(key=obj.key, status="ready")


def test_sqs_event_has_the_lambda_shape() -> None:
    event = sqs_event([{"MessageId": "m1", "ReceiptHandle": "r1", "Body": "{}"}], queue_url="q")
    (record,) = event["Records"]
    assert record["eventSource"] == "aws:sqs" and record["messageId"] == "m1" and record["body"] == "{}"


async def test_poll_once_deletes_successes_and_keeps_failures(aws_env: str) -> None:
    sqs = boto("sqs", aws_env)
    queue_url = sqs.create_queue(QueueName="worker-test")["QueueUrl"]
    for key in ("uploads/good.jpg", "uploads/bad.jpg"):
        sqs.send_message(QueueUrl=queue_url, MessageBody=json.dumps(s3_event(key, 10)))
    clients = AwsClients()
    await clients.open(CommonSettings(aws_endpoint_url=aws_env), "sqs")
    processor: Any = FlakyProcessor()
    try:
        assert await poll_once(clients["sqs"], processor, queue_url=queue_url, wait_seconds=1) == 2
    finally:
        await clients.close()
    assert sorted(processor.seen) == ["uploads/bad.jpg", "uploads/good.jpg"]
    attributes = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["All"])["Attributes"]
    assert attributes["ApproximateNumberOfMessages"] == "0"
    assert attributes["ApproximateNumberOfMessagesNotVisible"] == "1"  # the failure comes back later
