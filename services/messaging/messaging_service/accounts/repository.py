"""DynamoDB requests of erasure and export on the messages table (the item shapes live in conversations/)."""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError

from messaging_service.conversations import keys
from messaging_service.conversations import repository as conversations
from messaging_service.conversations.repository import Item, Table, deserialize, serialize


def _failed_condition(exc: ClientError) -> bool:
    return bool(exc.response["Error"]["Code"] == "ConditionalCheckFailedException")


async def put_tombstone(table: Table, *, user_uuid: str, erased_at: str) -> None:
    """Remember that `user_uuid` deleted their account (one PutItem; a redelivery writes it again)."""
    item = {
        "pk": keys.erased_pk(user_uuid),
        "sk": keys.ERASED_SK,
        "type": "erased",
        "user_uuid": user_uuid,
        "erased_at": erased_at,
    }
    await table.client.put_item(TableName=table.name, Item=serialize(item))


async def entries_of(table: Table, *, user_uuid: str) -> list[Item]:
    """Every conversation entry of a person (a consistent Query of their partition, page by page)."""
    entries: list[Item] = []
    start: dict[str, Any] | None = None
    while True:
        page = {"ExclusiveStartKey": start} if start is not None else {}
        response = await table.client.query(
            TableName=table.name,
            KeyConditionExpression="pk = :pk AND begins_with(sk, :with)",
            ExpressionAttributeValues=serialize({":pk": keys.user_pk(user_uuid), ":with": keys.WITH}),
            ConsistentRead=True,
            **page,
        )
        entries.extend(deserialize(i) for i in response.get("Items", []))
        start = response.get("LastEvaluatedKey")
        if start is None:
            return entries


async def forget_member(table: Table, *, group: Item, user_uuid: str) -> None:
    """The conversation's metadata item without the person: `members` keeps their uuid marked `deleted`,
    `member_subs` loses their sub (they can read nothing more), the timer's `updated_by` their handle."""
    gone = next((m for m in group["members"] if m["uuid"] == user_uuid), None)
    if gone is None:
        return
    members = [{"uuid": user_uuid, "deleted": True} if m is gone else m for m in group["members"]]
    subs = [s for s in group["member_subs"] if s != gone.get("sub")]
    update = "SET members = :members, member_subs = :subs"
    if group.get("message_ttl_updated_by") is not None and group["message_ttl_updated_by"] == gone.get(
        "handle"
    ):
        update += " REMOVE message_ttl_updated_by"
    await table.client.update_item(
        TableName=table.name,
        Key=serialize({"pk": group["pk"], "sk": group["sk"]}),
        UpdateExpression=update,
        ConditionExpression="attribute_exists(pk)",
        ExpressionAttributeValues=serialize({":members": members, ":subs": subs}),
    )


async def erase_message(table: Table, *, message: Item, now: str) -> bool:
    """Delete a message unless a report holds it; True when it went.

    A held message stays as evidence, expired from `now` (every member's read leaves it out, moderators
    still see it); when its last hold is released it gets its `ttl` and goes like any disappeared one.
    The DeleteItem is conditional on no hold, so a hold placed meanwhile keeps it.
    """
    key = serialize({"pk": message["pk"], "sk": message["sk"]})
    try:
        await table.client.delete_item(
            TableName=table.name,
            Key=key,
            ConditionExpression="attribute_not_exists(holds) OR size(holds) = :none",
            ExpressionAttributeValues=serialize({":none": 0}),
        )
        return True
    except ClientError as exc:
        if not _failed_condition(exc):
            raise
    try:
        await table.client.update_item(
            TableName=table.name,
            Key=key,
            UpdateExpression="SET expires_at = :now",
            ConditionExpression="attribute_exists(pk) AND "
            "(attribute_not_exists(expires_at) OR expires_at > :now)",
            ExpressionAttributeValues=serialize({":now": now}),
        )
    except ClientError as exc:
        if not _failed_condition(exc):
            raise
    return False


async def show_deleted(table: Table, *, owner_uuid: str, other_uuid: str, shown: Item | None) -> None:
    """`owner`'s entry for the conversation with `other`, who deleted their account (one UpdateItem).

    The other's fields go (`other_deleted` says why); the preview shows `shown`, the newest line left
    (or nothing, keeping its time), and `last_message_sk` is frozen above every message key so that no
    late stream record of the other's messages can bring their text back. `shown_sk` names the line
    shown, so its own expiry or removal still steps the preview as usual.
    """
    sets, removed, values = conversations.preview_shows(shown)
    sets += ["other_deleted = :yes", "last_message_sk = :frozen"]
    removed += ["other_handle", "other_display_name", "other_avatar_url", "other_sub"]
    values |= {":yes": True, ":frozen": keys.FROZEN_SK}
    try:
        await table.client.update_item(
            TableName=table.name,
            Key=serialize({"pk": keys.user_pk(owner_uuid), "sk": keys.entry_sk(other_uuid)}),
            UpdateExpression=f"SET {', '.join(sets)} REMOVE {', '.join(removed)}",
            ConditionExpression="attribute_exists(pk)",
            ExpressionAttributeValues=serialize(values),
        )
    except ClientError as exc:
        if not _failed_condition(exc):
            raise  # else the owner deleted their account too: their entry is gone


async def delete_entry(table: Table, *, owner_uuid: str, other_uuid: str) -> None:
    """Delete a conversation entry (one DeleteItem; nothing when it is gone already)."""
    await table.client.delete_item(
        TableName=table.name,
        Key=serialize({"pk": keys.user_pk(owner_uuid), "sk": keys.entry_sk(other_uuid)}),
    )
