"""The stream processor: each new message moves both participants' previews and notifies the recipient.

The same code runs in the Lambda (lambdas/stream.py) and in the local poller (stream/poller.py). It is
idempotent and order-safe: a preview only moves forward (a conditional update on the message's sort
key), so redelivered and late, older records change nothing; notifications are deduplicated downstream
by event id (the message id). A record that can never be applied (invalid data, a permanent refusal by
the notification service) is parked on the dead-letter queue and the batch goes on; any other failure
stops the batch at that record so the caller retries from it, in order.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from cruddur_common.aws import AwsClients
from cruddur_common.contracts import PREVIEW_MAX, EventRecipient, EventTarget, IngestEvent, Person
from cruddur_common.http import create_internal_client
from cruddur_common.text import shorten
from messaging_service.conversations import keys
from messaging_service.conversations import repository as conversations
from messaging_service.conversations.repository import Table
from messaging_service.settings import Settings
from messaging_service.stream.clients import NotificationClient
from messaging_service.stream.dead_letters import DeadLetters
from messaging_service.stream.failures import Verdict, classify, describe
from messaging_service.stream.records import StreamMessage, decode_expired, decode_message

log = logging.getLogger("messaging.stream")


def message_event(message: StreamMessage) -> dict[str, Any]:
    """The notification ingest event for a new message (event id = message id, so retries dedupe).

    It carries the message's `expires_at` (the notification goes with it). A timer line is a `message`
    event whose `target.message_kind` is `timer`: the notification service pushes it to the live stream
    and stores nothing (no unread notification, no bell).

    Built with the one ingest contract (cruddur_common.contracts) that the outboxes use too; a message that
    cannot make a valid event raises pydantic's ValidationError here, which parks the record.
    """
    event = IngestEvent(
        event_id=message.message_uuid,
        kind="message",
        recipient=EventRecipient(uuid=message.recipient_uuid, sub=message.recipient_sub),
        actor=Person(
            uuid=message.sender_uuid,
            handle=message.sender_handle,
            display_name=message.sender_display_name,
            avatar_url=message.sender_avatar_url,
        ),
        target=EventTarget(
            message_group_uuid=message.message_group_uuid,
            preview=shorten(message.message, PREVIEW_MAX),
            message=message.message,
            message_kind="timer" if message.kind == "timer" else None,  # plain messages: as before
            message_ttl=message.message_ttl,
        ),
        expires_at=keys.parse_ts(message.expires_at) if message.expires_at else None,
        created_at=keys.parse_ts(message.created_at),
    )
    return event.model_dump(mode="json", exclude_none=True)


def sequence_number(record: Any) -> str:
    """The record's stream sequence number ("" when the record is too broken to have one)."""
    dynamodb = record.get("dynamodb") if isinstance(record, dict) else None
    return str(dynamodb.get("SequenceNumber", "")) if isinstance(dynamodb, dict) else ""


@dataclass(frozen=True)
class Failure:
    """The record a batch stopped at: retry from it."""

    index: int
    sequence_number: str
    verdict: Verdict
    error: str


@dataclass(frozen=True)
class BatchResult:
    """What one pass over a batch did: records done (applied or skipped), parked, and where it stopped."""

    done: int = 0
    parked: int = 0
    failure: Failure | None = None


@dataclass(frozen=True)
class Processor:
    """Applies DynamoDB stream records of the messages table."""

    table: Table
    notifications: NotificationClient
    dead_letters: DeadLetters

    async def process(self, records: list[Any]) -> BatchResult:
        """Apply records in order; park permanent failures; stop at the first other failure."""
        done = parked = 0
        for index, record in enumerate(records):
            try:
                await self.apply(record)
            except Exception as exc:
                verdict = classify(exc)
                if verdict is Verdict.PERMANENT and await self.park(record, reason="invalid_record", exc=exc):
                    parked += 1
                    continue
                failure = Failure(index, sequence_number(record), verdict, describe(exc))
                log.warning(
                    "stream record failed (%s), retrying from it: %s",
                    failure.verdict,
                    failure.error,
                    exc_info=verdict is Verdict.UNEXPECTED,
                    extra={"sequence_number": failure.sequence_number},
                )
                return BatchResult(done=done, parked=parked, failure=failure)
            done += 1
        return BatchResult(done=done, parked=parked)

    async def park(self, record: Any, *, reason: str, exc: BaseException) -> bool:
        """Put a record on the dead-letter queue with its error; False when the queue refused it."""
        sequence = sequence_number(record)
        try:
            await self.dead_letters.park(record, reason=reason, error=describe(exc, with_body=True))
        except Exception as park_exc:  # the record stays where it is and is retried, never dropped
            log.error("could not park stream record %s: %s", sequence, describe(park_exc))
            return False
        log.error(
            "stream record parked on the dead-letter queue (%s): %s",
            reason,
            describe(exc),
            extra={"sequence_number": sequence, "parked": 1},
        )
        return True

    async def apply(self, record: Any) -> None:
        """One record: inserted messages, and disappearing ones deleted (their previews' text goes too).

        Messages are immutable and previews are our own writes, so nothing else matters.
        """
        expired = decode_expired(record)
        if expired is not None:
            ends = (expired.sender_uuid, expired.recipient_uuid)
            gone = {"sk": expired.sk, "expires_at": expired.expires_at}
            await asyncio.gather(
                *(
                    conversations.empty_preview(self.table, owner_uuid=a, other_uuid=b, message=gone)
                    for a, b in (ends, ends[::-1])
                )
            )
            return
        message = decode_message(record)
        if message is None:
            return
        item = message.item()
        sender, recipient = str(message.sender_uuid), str(message.recipient_uuid)
        await asyncio.gather(
            conversations.set_last_message(self.table, owner_uuid=sender, other_uuid=recipient, message=item),
            conversations.set_last_message(self.table, owner_uuid=recipient, other_uuid=sender, message=item),
        )
        await self.notifications.send(message_event(message))


@asynccontextmanager
async def open_processor(settings: Settings, *extra_aws: str) -> AsyncIterator[tuple[Processor, AwsClients]]:
    """A processor with its own DynamoDB and SQS clients (plus `extra_aws` clients) and HTTP client."""
    aws = AwsClients()
    http = create_internal_client(settings=settings, caller="messaging_stream")
    try:
        await aws.open(settings, "dynamodb", "sqs", *extra_aws)
        processor = Processor(
            table=Table(client=aws["dynamodb"], name=settings.messages_table),
            notifications=NotificationClient(http=http, base_url=settings.notification_url),
            dead_letters=DeadLetters(sqs=aws["sqs"], queue=settings.stream_dead_letter_queue),
        )
        yield processor, aws
    finally:
        await aws.close()
        await http.aclose()
