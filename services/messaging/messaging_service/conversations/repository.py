"""The only code that touches the messages table: the item shapes, and one DynamoDB request per function."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from botocore.exceptions import ClientError

from messaging_service.conversations import keys
from messaging_service.conversations.schemas import Person

_serializer = TypeSerializer()
_deserializer = TypeDeserializer()
Item = dict[str, Any]


class ConversationExists(Exception):
    """Another request created the conversation of this pair first."""


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
    }


def message_item(*, group_uuid: str, sender: Person, recipient: Item, text: str, created_at: str) -> Item:
    """A message with denormalised sender fields and the recipient the stream processor notifies."""
    message_uuid = str(uuid.uuid4())
    return {
        "pk": keys.group_pk(group_uuid),
        "sk": keys.message_sk(created_at, message_uuid),
        "gsi1pk": keys.message_id_pk(message_uuid),
        "gsi1sk": keys.MESSAGE_ID_SK,
        "type": "message",
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
    }


async def _query(
    table: Table, *, pk: str, limit: int, start: Item | None, index: str | None = None
) -> list[Item]:
    """One Query of a partition (of the table, or of `index`), newest first, from after `start`."""
    kwargs: dict[str, Any] = {}
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


async def query_group(table: Table, *, group_uuid: str, limit: int, before_sk: str | None) -> list[Item]:
    """A conversation's items newest first: the metadata item first when `before_sk` is None (one Query)."""
    pk = keys.group_pk(group_uuid)
    start = None if before_sk is None else {"pk": pk, "sk": before_sk}
    return await _query(table, pk=pk, limit=limit, start=start)


async def put_message(table: Table, message: Item) -> None:
    """Store one message (one PutItem; never overwrites)."""
    await table.client.put_item(
        TableName=table.name,
        Item=serialize(message),
        ConditionExpression="attribute_not_exists(pk)",
    )


async def create_group(table: Table, *, group: Item, entries: list[Item], message: Item) -> None:
    """The conversation, both entries and the first message in one TransactWriteItems."""
    puts = [
        {
            "Put": {
                "TableName": table.name,
                "Item": serialize(item),
                "ConditionExpression": "attribute_not_exists(pk)",
            }
        }
        for item in (group, *entries, message)
    ]
    try:
        await table.client.transact_write_items(TransactItems=puts)
    except ClientError as exc:
        if exc.response["Error"]["Code"] != "TransactionCanceledException":
            raise
        reasons = [r.get("Code") for r in exc.response.get("CancellationReasons", [])]
        if "ConditionalCheckFailed" in reasons:
            raise ConversationExists from exc
        raise TransactionConflict from exc


async def set_last_message(table: Table, *, owner_uuid: str, other_uuid: str, message: Item) -> bool:
    """Move an entry's preview to `message` unless it already shows this or a newer one (one UpdateItem)."""
    sk = message["sk"]
    try:
        await table.client.update_item(
            TableName=table.name,
            Key=serialize({"pk": keys.user_pk(owner_uuid), "sk": keys.entry_sk(other_uuid)}),
            UpdateExpression="SET last_message = :m, last_message_at = :t, "
            "last_message_sk = :sk, gsi1sk = :g REMOVE shown_sk",
            ConditionExpression="attribute_exists(pk) AND "
            "(attribute_not_exists(last_message_sk) OR last_message_sk < :sk)",
            ExpressionAttributeValues=serialize(
                {
                    ":m": message["message"],
                    ":t": message["created_at"],
                    ":sk": sk,
                    ":g": keys.entry_gsi1sk(message["created_at"], message["message_group_uuid"]),
                }
            ),
        )
    except ClientError as exc:
        if exc.response["Error"]["Code"] == "ConditionalCheckFailedException":
            return False
        raise
    return True
