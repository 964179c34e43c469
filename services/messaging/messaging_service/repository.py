"""The only code that touches the messages table; every function is one DynamoDB request."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from botocore.exceptions import ClientError

from messaging_service import keys

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


async def query_entries(table: Table, *, user_uuid: str, limit: int, start: Item | None) -> list[Item]:
    """Up to `limit` of my conversation entries by last activity, newest first (one Query on gsi1)."""
    kwargs: dict[str, Any] = {}
    if start is not None:
        kwargs["ExclusiveStartKey"] = serialize(start)
    response = await table.client.query(
        TableName=table.name,
        IndexName=keys.GSI1,
        KeyConditionExpression="gsi1pk = :pk",
        ExpressionAttributeValues={":pk": {"S": keys.user_pk(user_uuid)}},
        ScanIndexForward=False,
        Limit=limit,
        **kwargs,
    )
    return [deserialize(i) for i in response.get("Items", [])]


async def get_entry(table: Table, *, user_uuid: str, other_uuid: str) -> Item | None:
    """My entry for the conversation with `other_uuid` (one GetItem)."""
    response = await table.client.get_item(
        TableName=table.name,
        Key=serialize({"pk": keys.user_pk(user_uuid), "sk": keys.entry_sk(other_uuid)}),
        ConsistentRead=True,
    )
    item = response.get("Item")
    return deserialize(item) if item else None


async def get_group(table: Table, *, group_uuid: str) -> Item | None:
    """A conversation's metadata item (members), or None (one GetItem)."""
    response = await table.client.get_item(
        TableName=table.name,
        Key=serialize({"pk": keys.group_pk(group_uuid), "sk": keys.GROUP_META_SK}),
        ConsistentRead=True,
    )
    item = response.get("Item")
    return deserialize(item) if item else None


async def query_group(table: Table, *, group_uuid: str, limit: int, before_sk: str | None) -> list[Item]:
    """A conversation's items newest first: the metadata item first when `before_sk` is None (one Query)."""
    kwargs: dict[str, Any] = {}
    if before_sk is not None:
        kwargs["ExclusiveStartKey"] = serialize({"pk": keys.group_pk(group_uuid), "sk": before_sk})
    response = await table.client.query(
        TableName=table.name,
        KeyConditionExpression="pk = :pk",
        ExpressionAttributeValues={":pk": {"S": keys.group_pk(group_uuid)}},
        ScanIndexForward=False,
        Limit=limit,
        **kwargs,
    )
    return [deserialize(i) for i in response.get("Items", [])]


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
            "last_message_sk = :sk, gsi1sk = :g",
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
