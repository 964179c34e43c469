"""The stream's dead-letter queue (SQS): records that can never be applied are parked there with their error.

In AWS it is the same queue that the event source mapping's on-failure destination writes to; its
letters say `"source": "messaging-stream"` while Lambda's own carry `DDBStreamBatchInfo`.
"""

from __future__ import annotations

import base64
import json
import logging
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

log = logging.getLogger("messaging.stream")
SOURCE = "messaging-stream"
# SQS takes 256 KiB per message and a DynamoDB item may be 400 KB: past this, park the keys only.
MAX_BODY_BYTES = 240_000


def _plain(value: Any) -> Any:
    """JSON for what a stream record may hold besides JSON: bytes, sets, numbers, times."""
    if isinstance(value, bytes | bytearray):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, set | frozenset):
        return sorted(value, key=str)
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    return repr(value)


def letter(record: Any, *, reason: str, error: str) -> str:
    """The SQS body of one parked record: why, when, which record and (if it fits) the record itself."""
    dynamodb = record.get("dynamodb", {}) if isinstance(record, dict) else {}
    dynamodb = dynamodb if isinstance(dynamodb, dict) else {}
    image = dynamodb.get("NewImage")
    message_uuid = image.get("message_uuid") if isinstance(image, dict) else None
    body: dict[str, Any] = {
        "source": SOURCE,
        "reason": reason,
        "error": error,
        "parked_at": datetime.now(UTC).isoformat(),
        "sequence_number": dynamodb.get("SequenceNumber"),
        "event_id": record.get("eventID") if isinstance(record, dict) else None,
        "message_uuid": message_uuid.get("S") if isinstance(message_uuid, dict) else None,
        "record": record,
    }
    text = json.dumps(body, default=_plain)
    if len(text.encode()) > MAX_BODY_BYTES:
        body["record"] = {"dynamodb": {"Keys": dynamodb.get("Keys")}, "truncated": True}
        text = json.dumps(body, default=_plain)
    return text


class DeadLetters:
    """Parks records on the queue named by `queue` (a queue name, or its URL as Lambda is given it)."""

    def __init__(self, *, sqs: Any, queue: str) -> None:
        self._sqs = sqs
        self._queue = queue
        self._url: str | None = queue if queue.startswith(("https://", "http://")) else None

    async def url(self) -> str:
        """The queue's URL (looked up once by name)."""
        if self._url is None:
            response = await self._sqs.get_queue_url(QueueName=self._queue)
            self._url = str(response["QueueUrl"])
        return self._url

    async def park(self, record: Any, *, reason: str, error: str) -> None:
        """Send one record with its error to the queue; raises when the queue cannot take it."""
        await self._sqs.send_message(
            QueueUrl=await self.url(), MessageBody=letter(record, reason=reason, error=error)
        )

    async def count(self) -> int:
        """How many parked records wait on the queue (SQS's approximate count)."""
        response = await self._sqs.get_queue_attributes(
            QueueUrl=await self.url(), AttributeNames=["ApproximateNumberOfMessages"]
        )
        return int(response["Attributes"]["ApproximateNumberOfMessages"])
