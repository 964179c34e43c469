"""The stream processor: each new message moves both participants' previews and notifies the recipient.

The same code runs in the Lambda (lambdas/stream.py) and in the local poller (stream_poller.py). It is
idempotent and order-safe: a preview only moves forward (a conditional update on the message's sort
key), so redelivered and late, older records change nothing; notifications are deduplicated downstream
by event id (the message id).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from cruddur_common.aws import AwsClients
from cruddur_common.http import create_internal_client
from messaging_service import keys, repository
from messaging_service.clients import EventRejected, NotificationClient
from messaging_service.repository import Item, Table
from messaging_service.settings import Settings

log = logging.getLogger("messaging.stream")
PREVIEW_CHARS = 140


def message_event(message: Item) -> dict[str, Any]:
    """The notification ingest event for a new message (event id = message id, so retries dedupe)."""
    return {
        "event_id": message["message_uuid"],
        "kind": "message",
        "recipient": {"uuid": message["recipient_uuid"], "sub": message["recipient_sub"]},
        "actor": {
            "uuid": message["sender_uuid"],
            "handle": message["sender_handle"],
            "display_name": message["sender_display_name"],
            "avatar_url": message["sender_avatar_url"],
        },
        "target": {
            "message_group_uuid": message["message_group_uuid"],
            "preview": message["message"][:PREVIEW_CHARS],
            "message": message["message"],
        },
        "created_at": message["created_at"],
    }


@dataclass(frozen=True)
class Processor:
    """Applies DynamoDB stream records of the messages table."""

    table: Table
    notifications: NotificationClient

    async def process(self, records: list[dict[str, Any]]) -> list[str]:
        """Apply records in order; on a failure return its sequence number (retry from there), else []."""
        for record in records:
            try:
                await self.apply(record)
            except Exception:
                sequence = record.get("dynamodb", {}).get("SequenceNumber", "")
                log.exception("stream record failed", extra={"sequence_number": sequence})
                return [sequence]
        return []

    async def apply(self, record: dict[str, Any]) -> None:
        """One record: only inserted messages matter (messages are immutable; previews are our own writes)."""
        if record.get("eventName") != "INSERT":
            return
        image = record.get("dynamodb", {}).get("NewImage")
        if not image:
            return
        message = repository.deserialize(image)
        if not keys.is_message_key(str(message.get("pk", "")), str(message.get("sk", ""))):
            return
        sender, recipient = message["sender_uuid"], message["recipient_uuid"]
        await asyncio.gather(
            repository.set_last_message(self.table, owner_uuid=sender, other_uuid=recipient, message=message),
            repository.set_last_message(self.table, owner_uuid=recipient, other_uuid=sender, message=message),
        )
        try:
            await self.notifications.send(message_event(message))
        except EventRejected as exc:  # a permanent refusal: retrying the batch would block the shard
            log.error("notification event rejected: %s", exc, extra={"message_uuid": message["message_uuid"]})


@asynccontextmanager
async def open_processor(settings: Settings, *extra_aws: str) -> AsyncIterator[tuple[Processor, AwsClients]]:
    """A processor with its own DynamoDB client (plus `extra_aws` clients) and HTTP client."""
    aws = AwsClients()
    http = create_internal_client(settings=settings, caller="messaging_stream")
    try:
        await aws.open(settings, "dynamodb", *extra_aws)
        processor = Processor(
            table=Table(client=aws["dynamodb"], name=settings.messages_table),
            notifications=NotificationClient(http=http, base_url=settings.notification_url),
        )
        yield processor, aws
    finally:
        await aws.close()
        await http.aclose()
