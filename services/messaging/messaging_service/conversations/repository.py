"""The only code that touches the messages table: the item shapes, and one DynamoDB request per function."""

from __future__ import annotations

import math
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from botocore.exceptions import ClientError

from messaging_service.conversations import keys
from messaging_service.conversations.schemas import MessageKind, Person

# The table's TTL attribute (epoch seconds): DynamoDB deletes an item some time after it; locally
# messaging_service/expiry.py does. Reserved in expressions: always written as `#ttl`.
TTL = "ttl"
_serializer = TypeSerializer()
_deserializer = TypeDeserializer()
Item = dict[str, Any]


class ConditionFailed(Exception):
    """A condition of the transaction failed: another request changed an item first."""

    def __init__(self, failed: tuple[int, ...] = ()) -> None:
        super().__init__(f"conditions failed: {failed}")
        self.failed = failed  # the positions of the writes whose condition failed


class ConversationExists(ConditionFailed):
    """Another request created the conversation of this pair first."""


class AccountErased(Exception):
    """One of the two deleted their account (its tombstone exists): no conversation can start."""

    def __init__(self, user_uuid: str) -> None:
        super().__init__(f"account {user_uuid} was deleted")
        self.user_uuid = user_uuid


class TransactionConflict(Exception):
    """DynamoDB cancelled the transaction because of a concurrent one; retry."""


@dataclass(frozen=True)
class Table:
    """The aioboto3 DynamoDB client and the table name."""

    client: Any
    name: str


def serialize(item: Item) -> dict[str, Any]:
    """Plain Python values to DynamoDB JSON."""
    return {k: _serializer.serialize(v) for k, v in item.items() if v is not None}


def deserialize(image: dict[str, Any]) -> Item:
    """DynamoDB JSON (a GetItem/Query item or a stream image) to plain Python values."""
    return {k: _deserializer.deserialize(v) for k, v in image.items()}


# Item shapes (docs/messaging.md has the access pattern each key serves).


def _member(person: Person) -> Item:
    return {
        "uuid": str(person.uuid),
        "sub": person.cognito_user_id,
        "handle": person.handle,
        "display_name": person.display_name,
        "avatar_url": person.avatar_url,
    }


def group_item(*, group_uuid: str, members: tuple[Person, Person], created_at: str) -> Item:
    """The conversation's metadata item: who is in it."""
    return {
        "pk": keys.group_pk(group_uuid),
        "sk": keys.GROUP_META_SK,
        "type": "group",
        "message_group_uuid": group_uuid,
        "created_at": created_at,
        "members": [_member(p) for p in members],
        "member_subs": [p.cognito_user_id for p in members],
    }


def entry_item(*, owner: Person, other: Person, group_uuid: str, first: Item) -> Item:
    """`owner`'s entry for the conversation with `other`, showing the first message."""
    return {
        "pk": keys.user_pk(owner.uuid),
        "sk": keys.entry_sk(other.uuid),
        "gsi1pk": keys.user_pk(owner.uuid),
        "gsi1sk": keys.entry_gsi1sk(first["created_at"], group_uuid),
        "type": "conversation",
        "message_group_uuid": group_uuid,
        "owner_uuid": str(owner.uuid),
        "other_uuid": str(other.uuid),
        "other_sub": other.cognito_user_id,
        "other_handle": other.handle,
        "other_display_name": other.display_name,
        "other_avatar_url": other.avatar_url,
        "last_message": first["message"],
        "last_message_at": first["created_at"],
        "last_message_sk": first["sk"],
        "unread_count": int(first.get("sender_uuid") != str(owner.uuid)),
    }


def message_item(
    *,
    group_uuid: str,
    sender: Person,
    recipient: Item,
    text: str,
    created_at: str,
    expires_at: datetime | None = None,
    kind: MessageKind = "message",
    message_ttl: str | None = None,
) -> Item:
    """A message with denormalised sender fields and the recipient the stream processor notifies.

    Sent under a timer it carries `expires_at` (the stored time format, for reads) and `ttl` (epoch
    seconds, the table's TTL attribute; rounded up so an item is never deleted before it reads expired).
    A `timer` line (kind) names the timer just set in `message_ttl`.
    """
    message_uuid = str(uuid.uuid4())
    item: Item = {
        "pk": keys.group_pk(group_uuid),
        "sk": keys.message_sk(created_at, message_uuid),
        "gsi1pk": keys.message_id_pk(message_uuid),
        "gsi1sk": keys.MESSAGE_ID_SK,
        "type": "message",
        "kind": kind,
        "message_group_uuid": group_uuid,
        "message_uuid": message_uuid,
        "message": text,
        "created_at": created_at,
        "sender_uuid": str(sender.uuid),
        "sender_handle": sender.handle,
        "sender_display_name": sender.display_name,
        "sender_avatar_url": sender.avatar_url,
        "recipient_uuid": recipient["uuid"],
        "recipient_sub": recipient["sub"],
        "message_ttl": message_ttl,
    }
    if expires_at is not None:
        item |= {"expires_at": keys.format_ts(expires_at), TTL: math.ceil(expires_at.timestamp())}
    return item


def is_expired(item: Item, *, now: str, field: str = "expires_at") -> bool:
    """Whether a message (or an entry's preview, `field="last_message_expires_at"`) has expired at `now`.

    Stored times are fixed-width strings, so string order is time order.
    """
    expires_at = item.get(field)
    return expires_at is not None and str(expires_at) <= now


async def _query(
    table: Table,
    *,
    pk: str,
    limit: int,
    start: Item | None,
    index: str | None = None,
    consistent: bool = False,
) -> list[Item]:
    """One Query of a partition (of the table, or of `index`), newest first, from after `start`."""
    kwargs: dict[str, Any] = {"ConsistentRead": True} if consistent else {}
    if index is not None:
        kwargs["IndexName"] = index
    if start is not None:
        kwargs["ExclusiveStartKey"] = serialize(start)
    response = await table.client.query(
        TableName=table.name,
        KeyConditionExpression=f"{'gsi1pk' if index == keys.GSI1 else 'pk'} = :pk",
        ExpressionAttributeValues={":pk": {"S": pk}},
        ScanIndexForward=False,
        Limit=limit,
        **kwargs,
    )
    return [deserialize(i) for i in response.get("Items", [])]


async def query_entries(table: Table, *, user_uuid: str, limit: int, start: Item | None) -> list[Item]:
    """Up to `limit` of my conversation entries by last activity, newest first (one Query on gsi1)."""
    return await _query(table, pk=keys.user_pk(user_uuid), limit=limit, start=start, index=keys.GSI1)


async def mark_entry_read(table: Table, *, owner_uuid: str, other_uuid: str) -> None:
    """Nothing unread in my entry for the conversation with `other_uuid` (one UpdateItem)."""
    await table.client.update_item(
        TableName=table.name,
        Key=serialize({"pk": keys.user_pk(owner_uuid), "sk": keys.entry_sk(other_uuid)}),
        UpdateExpression="SET unread_count = :zero",
        ConditionExpression="attribute_exists(pk)",
        ExpressionAttributeValues=serialize({":zero": 0}),
    )


async def unread_counts(table: Table, *, user_uuid: str) -> list[int]:
    """The unread count of each of my conversations that has any (Queries of my entries' partition)."""
    counts: list[int] = []
    start: dict[str, Any] | None = None
    while True:
        kwargs: dict[str, Any] = {"ExclusiveStartKey": start} if start else {}
        response = await table.client.query(
            TableName=table.name,
            KeyConditionExpression="pk = :pk",
            FilterExpression="unread_count > :zero",
            ProjectionExpression="unread_count",
            ExpressionAttributeValues=serialize({":pk": keys.user_pk(user_uuid), ":zero": 0}),
            **kwargs,
        )
        counts += [int(deserialize(i)["unread_count"]) for i in response.get("Items", [])]
        start = response.get("LastEvaluatedKey")
        if not start:
            return counts


async def get_item(table: Table, *, pk: str, sk: str) -> Item | None:
    """One item by its keys, or None (one consistent GetItem)."""
    response = await table.client.get_item(
        TableName=table.name, Key=serialize({"pk": pk, "sk": sk}), ConsistentRead=True
    )
    item = response.get("Item")
    return deserialize(item) if item else None


async def get_entry(table: Table, *, user_uuid: str, other_uuid: str) -> Item | None:
    """My entry for the conversation with `other_uuid` (one GetItem)."""
    return await get_item(table, pk=keys.user_pk(user_uuid), sk=keys.entry_sk(other_uuid))


async def get_group(table: Table, *, group_uuid: str) -> Item | None:
    """A conversation's metadata item (members), or None (one GetItem)."""
    return await get_item(table, pk=keys.group_pk(group_uuid), sk=keys.GROUP_META_SK)


async def query_group(
    table: Table, *, group_uuid: str, limit: int, before_sk: str | None, consistent: bool = False
) -> list[Item]:
    """A conversation's items newest first: the metadata item first when `before_sk` is None (one Query).

    `consistent`: a strongly consistent read (an erasure must see every message written before it).
    """
    pk = keys.group_pk(group_uuid)
    start = None if before_sk is None else {"pk": pk, "sk": before_sk}
    return await _query(table, pk=pk, limit=limit, start=start, consistent=consistent)


async def put_message(table: Table, message: Item) -> None:
    """Store one message (one PutItem; never overwrites)."""
    await table.client.put_item(
        TableName=table.name,
        Item=serialize(message),
        ConditionExpression="attribute_not_exists(pk)",
    )


async def _transact(table: Table, writes: list[Item]) -> None:
    """One TransactWriteItems: ConditionFailed when a condition failed, TransactionConflict otherwise."""
    try:
        await table.client.transact_write_items(TransactItems=writes)
    except ClientError as exc:
        if exc.response["Error"]["Code"] != "TransactionCanceledException":
            raise
        reasons = [r.get("Code") for r in exc.response.get("CancellationReasons", [])]
        failed = tuple(i for i, code in enumerate(reasons) if code == "ConditionalCheckFailed")
        if failed:
            raise ConditionFailed(failed) from exc
        raise TransactionConflict from exc


def _put(table: Table, item: Item) -> Item:
    return {
        "Put": {
            "TableName": table.name,
            "Item": serialize(item),
            "ConditionExpression": "attribute_not_exists(pk)",
        }
    }


def _not_erased(table: Table, user_uuid: str) -> Item:
    """A transaction's check that `user_uuid` has no tombstone (did not delete their account)."""
    key = {"pk": keys.erased_pk(user_uuid), "sk": keys.ERASED_SK}
    return {
        "ConditionCheck": {
            "TableName": table.name,
            "Key": serialize(key),
            "ConditionExpression": "attribute_not_exists(pk)",
        }
    }


async def create_group(table: Table, *, group: Item, entries: list[Item], message: Item) -> None:
    """The conversation, both entries and the first message in one TransactWriteItems.

    It also checks that neither member has a tombstone: AccountErased names one who deleted their
    account (checked in the same request, so no extra round trip and no race with the erasure).
    """
    members = [m["uuid"] for m in group["members"]]
    writes = [_put(table, item) for item in (group, *entries, message)]
    try:
        await _transact(table, [*writes, *(_not_erased(table, m) for m in members)])
    except ConditionFailed as exc:
        erased = [members[i - len(writes)] for i in exc.failed if i >= len(writes)]
        if erased:
            raise AccountErased(erased[0]) from exc
        raise ConversationExists(exc.failed) from exc


async def set_timer(
    table: Table, *, group: Item, message_ttl: str | None, line: Item, previous: str | None
) -> None:
    """The conversation's timer on its metadata item and both entries, and its system line: one transaction.

    `previous` is the metadata item's `message_ttl_updated_at` as read: a concurrent change by the other
    member fails the condition (ConditionFailed), so the lines' order is the timer's history.
    """
    ttl_update = "SET message_ttl = :ttl" if message_ttl is not None else "REMOVE message_ttl"
    ttl_values = {":ttl": message_ttl} if message_ttl is not None else {}
    unchanged = (
        "attribute_not_exists(message_ttl_updated_at)"
        if previous is None
        else "message_ttl_updated_at = :previous"
    )
    meta_values = ttl_values | {":at": line["created_at"], ":by": line["sender_handle"]}
    if previous is not None:
        meta_values[":previous"] = previous
    meta_set = "message_ttl_updated_at = :at, message_ttl_updated_by = :by"
    meta_update = f"{ttl_update}, {meta_set}" if message_ttl is not None else f"SET {meta_set} {ttl_update}"
    first, second = group["members"]
    writes = [
        _update(
            table,
            {"pk": group["pk"], "sk": group["sk"]},
            meta_update,
            f"attribute_exists(pk) AND {unchanged}",
            meta_values,
        ),
        *(
            _update(
                table,
                {"pk": keys.user_pk(owner["uuid"]), "sk": keys.entry_sk(other["uuid"])},
                ttl_update,
                "attribute_exists(pk)",
                ttl_values,
            )
            for owner, other in ((first, second), (second, first))
        ),
        _put(table, line),
    ]
    await _transact(table, writes)


def _update(table: Table, key: Item, update: str, condition: str, values: Item) -> Item:
    write: Item = {
        "TableName": table.name,
        "Key": serialize(key),
        "UpdateExpression": update,
        "ConditionExpression": condition,
    }
    if values:
        write["ExpressionAttributeValues"] = serialize(values)
    return {"Update": write}


def preview_shows(shown: Item | None) -> tuple[list[str], list[str], Item]:
    """What makes an entry's preview show `shown` (None: an empty text that keeps its time).

    The SET clauses, the attributes to REMOVE and the values, for a preview stepped back to an older
    line (moderation's removal, an erasure): `shown_sk` names the line shown, so the stream processor
    and a later removal or expiry of that line know it; it disappears with the line (its expiry copied).
    """
    sets, removed = ["last_message = :m"], []
    values: Item = {":m": shown["message"] if shown else ""}
    if shown is not None:
        sets += ["last_message_at = :t", "gsi1sk = :g", "shown_sk = :shown"]
        values |= {
            ":t": shown["created_at"],
            ":g": keys.entry_gsi1sk(shown["created_at"], shown["message_group_uuid"]),
            ":shown": shown["sk"],
        }
    else:
        removed.append("shown_sk")
    if shown is not None and "expires_at" in shown:
        sets.append("last_message_expires_at = :e")
        values[":e"] = shown["expires_at"]
    else:
        removed.append("last_message_expires_at")
    return sets, removed, values


async def set_last_message(table: Table, *, owner_uuid: str, other_uuid: str, message: Item) -> bool:
    """Move an entry's preview to `message` unless it already shows this or a newer one (one UpdateItem);
    a message from the other person counts as unread once (a redelivered record fails the condition)."""
    sk = message["sk"]
    unread = int(message.get("kind", "message") == "message" and message.get("sender_uuid") != owner_uuid)
    expires_at = message.get("expires_at")
    values: Item = {":e": expires_at} if expires_at is not None else {}
    expiry, removed = (
        ("last_message_expires_at = :e, ", "") if expires_at else ("", ", last_message_expires_at")
    )
    try:
        await table.client.update_item(
            TableName=table.name,
            Key=serialize({"pk": keys.user_pk(owner_uuid), "sk": keys.entry_sk(other_uuid)}),
            UpdateExpression=f"SET {expiry}last_message = :m, last_message_at = :t, "
            f"last_message_sk = :sk, gsi1sk = :g ADD unread_count :u REMOVE shown_sk{removed}",
            ConditionExpression="attribute_exists(pk) AND "
            "(attribute_not_exists(last_message_sk) OR last_message_sk < :sk)",
            ExpressionAttributeValues=serialize(
                {
                    ":m": message["message"],
                    ":t": message["created_at"],
                    ":sk": sk,
                    ":g": keys.entry_gsi1sk(message["created_at"], message["message_group_uuid"]),
                    ":u": unread,
                }
                | values
            ),
        )
    except ClientError as exc:
        if exc.response["Error"]["Code"] == "ConditionalCheckFailedException":
            return False
        raise
    return True


async def empty_preview(table: Table, *, owner_uuid: str, other_uuid: str, message: Item) -> bool:
    """An entry whose preview shows a disappeared message keeps its time but loses the text (one UpdateItem).

    It shows it when its key is the preview's (and no stepped-back message is shown instead, moderation's
    `shown_sk`) or when it is the stepped-back one; the expiry must match too. False when it shows another.
    """
    shows_it = "(last_message_sk = :sk AND attribute_not_exists(shown_sk)) OR shown_sk = :sk"
    try:
        await table.client.update_item(
            TableName=table.name,
            Key=serialize({"pk": keys.user_pk(owner_uuid), "sk": keys.entry_sk(other_uuid)}),
            UpdateExpression="SET last_message = :empty",
            ConditionExpression=f"attribute_exists(pk) AND last_message_expires_at = :e AND ({shows_it})",
            ExpressionAttributeValues=serialize(
                {":empty": "", ":sk": message["sk"], ":e": message["expires_at"]}
            ),
        )
    except ClientError as exc:
        if exc.response["Error"]["Code"] == "ConditionalCheckFailedException":
            return False
        raise
    return True
