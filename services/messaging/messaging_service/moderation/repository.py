"""DynamoDB requests of moderation on the messages table (the item shapes live in conversations/)."""

from __future__ import annotations

import math
from typing import Any

from botocore.exceptions import ClientError

from messaging_service.conversations import keys
from messaging_service.conversations import repository as conversations
from messaging_service.conversations.repository import TTL, Item, Table, deserialize, get_item, serialize

_HOLD_ATTEMPTS = 3


def _failed_condition(exc: ClientError) -> bool:
    return bool(exc.response["Error"]["Code"] == "ConditionalCheckFailedException")


async def find_message(table: Table, *, message_uuid: str) -> Item | None:
    """A message by its id: one Query of its gsi1 partition (items written since issue 14 have one)."""
    response = await table.client.query(
        TableName=table.name,
        IndexName=keys.GSI1,
        KeyConditionExpression="gsi1pk = :pk AND gsi1sk = :sk",
        ExpressionAttributeValues=serialize(
            {":pk": keys.message_id_pk(message_uuid), ":sk": keys.MESSAGE_ID_SK}
        ),
        Limit=1,
    )
    items = response.get("Items", [])
    return deserialize(items[0]) if items else None


async def messages_before(table: Table, *, message: Item, limit: int) -> list[Item]:
    """Up to `limit` messages of the conversation before `message`, newest first (one Query).

    A group's partition holds its messages and its metadata item, which sorts after them (`~META`), so
    every key below a message's is an older message.
    """
    response = await table.client.query(
        TableName=table.name,
        KeyConditionExpression="pk = :pk AND sk < :sk",
        ExpressionAttributeValues=serialize({":pk": message["pk"], ":sk": message["sk"]}),
        ScanIndexForward=False,
        Limit=limit,
    )
    return [deserialize(i) for i in response.get("Items", [])]


async def put_hold(table: Table, *, report_id: str, message: Item, reporter: str, until: str) -> None:
    """The report's hold item (which message it keeps); a redelivery writes the same item again."""
    await table.client.put_item(
        TableName=table.name,
        Item=serialize(
            {
                "pk": keys.hold_pk(report_id),
                "sk": keys.HOLD_SK,
                "type": "hold",
                "report_id": report_id,
                "message_pk": message["pk"],
                "message_sk": message["sk"],
                "message_uuid": message["message_uuid"],
                "reporter_uuid": reporter,
                "until": until,
            }
        ),
    )


async def get_hold(table: Table, *, report_id: str) -> Item | None:
    """A report's hold item, or None (one GetItem)."""
    return await get_item(table, pk=keys.hold_pk(report_id), sk=keys.HOLD_SK)


async def delete_hold(table: Table, *, report_id: str) -> None:
    """Forget a report's hold item (one DeleteItem; nothing when it is gone)."""
    await table.client.delete_item(
        TableName=table.name, Key=serialize({"pk": keys.hold_pk(report_id), "sk": keys.HOLD_SK})
    )


async def mark_held(table: Table, *, key: Item, report_id: str, until: str) -> bool:
    """Record the hold on the message item: `holds[report_id] = until`; False when the message is gone.

    A held disappearing message loses its `ttl` (DynamoDB's TTL cannot skip held items, and the local
    sweep keys on it too); `unmark_held` puts it back from `expires_at` when the last hold ends.
    DynamoDB cannot set a key of a map that does not exist, so a message's first hold creates the map
    (one UpdateItem, the usual case) and a later report's adds its key (a second one); a race between
    two first holds goes round again.
    """
    names = {"#ttl": TTL}
    for _ in range(_HOLD_ATTEMPTS):
        try:
            first = "attribute_exists(pk) AND attribute_not_exists(holds)"
            await _update(table, key, "SET holds = :m REMOVE #ttl", first, {":m": {report_id: until}}, names)
            return True
        except ClientError as exc:
            if not _failed_condition(exc):
                raise
        try:
            update, condition = "SET holds.#r = :u REMOVE #ttl", "attribute_exists(holds)"
            await _update(table, key, update, condition, {":u": until}, names | {"#r": report_id})
            return True
        except ClientError as exc:
            if not _failed_condition(exc):
                raise
    return False


async def unmark_held(table: Table, *, key: Item, report_id: str) -> None:
    """Take a report's hold off the message item (nothing when the message or the hold is gone).

    The last hold of a disappearing message gives it its `ttl` back (a second UpdateItem, conditional on
    no hold having come meanwhile): one that expired while held is then deleted like any other.
    """
    try:
        response = await table.client.update_item(
            TableName=table.name,
            Key=serialize({"pk": key["pk"], "sk": key["sk"]}),
            UpdateExpression="REMOVE holds.#r",
            ConditionExpression="attribute_exists(holds)",
            ExpressionAttributeNames={"#r": report_id},
            ReturnValues="ALL_NEW",
        )
    except ClientError as exc:
        if not _failed_condition(exc):
            raise
        return
    message = deserialize(response.get("Attributes", {}))
    if message.get("holds") or "expires_at" not in message:
        return
    ttl = math.ceil(keys.parse_ts(message["expires_at"]).timestamp())
    try:
        await _update(
            table,
            key,
            "SET #ttl = :ttl",
            "attribute_exists(pk) AND (attribute_not_exists(holds) OR size(holds) = :none)",
            {":ttl": ttl, ":none": 0},
            {"#ttl": TTL},
        )
    except ClientError as exc:
        if not _failed_condition(exc):
            raise


async def delete_message(table: Table, *, key: Item) -> None:
    """Delete a message item (one DeleteItem; nothing when it is gone already)."""
    await table.client.delete_item(TableName=table.name, Key=serialize({"pk": key["pk"], "sk": key["sk"]}))


async def show_instead(
    table: Table, *, owner_uuid: str, other_uuid: str, removed: Item, shown: Item | None
) -> None:
    """An entry whose preview shows `removed` (or, the stream lagging, something older) shows `shown`.

    `last_message_sk` is what the stream processor compares with: a preview moves only to a newer key.
    It is raised to the removed message's key, so a late or redelivered record of that message never
    brings its text back; `shown_sk` names the message the preview shows meanwhile (the processor drops
    it when the preview moves on), so removing that one too steps back again. With no message left the
    preview is empty and keeps its time (the list's order does not jump).
    """
    key = {"pk": keys.user_pk(owner_uuid), "sk": keys.entry_sk(other_uuid)}
    sets, removed_attrs, values = conversations.preview_shows(shown)
    values[":removed"] = removed["sk"]
    cleared = f" REMOVE {', '.join(removed_attrs)}" if removed_attrs else ""
    shows_it_or_older = "attribute_not_exists(last_message_sk) OR last_message_sk <= :removed"
    attempts = (  # the preview shows it (or older) / shows it as a stepped-back preview
        (f"SET {', '.join([*sets, 'last_message_sk = :removed'])}{cleared}", shows_it_or_older),
        (f"SET {', '.join(sets)}{cleared}", "shown_sk = :removed"),
    )
    for expression, condition in attempts:
        try:
            await _update(table, key, expression, f"attribute_exists(pk) AND ({condition})", values)
            return
        except ClientError as exc:
            if not _failed_condition(exc):
                raise
    # else the preview shows a newer message: it stays


async def _update(
    table: Table, key: Item, update: str, condition: str, values: Item, names: dict[str, str] | None = None
) -> None:
    kwargs: dict[str, Any] = {"ExpressionAttributeNames": names} if names else {}
    if values:
        kwargs["ExpressionAttributeValues"] = serialize(values)
    await table.client.update_item(
        TableName=table.name,
        Key=serialize({"pk": key["pk"], "sk": key["sk"]}),
        UpdateExpression=update,
        ConditionExpression=condition,
        **kwargs,
    )
