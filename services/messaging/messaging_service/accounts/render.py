"""Items of the messages table to the export contract (`render_<thing>`)."""

from __future__ import annotations

from cruddur_common.contracts import ExportConversation, ExportMessage
from messaging_service.conversations import keys
from messaging_service.conversations.repository import Item
from messaging_service.conversations.schemas import DELETED_ACCOUNT


def render_export_line(item: Item, *, user_uuid: str) -> ExportMessage:
    """One line of a conversation as the export has it (`mine`: the exporting person sent it)."""
    expires_at = item.get("expires_at")
    return ExportMessage(
        uuid=item["message_uuid"],
        mine=item["sender_uuid"] == user_uuid,
        kind=item.get("kind", "message"),
        message=item["message"],
        created_at=keys.parse_ts(item["created_at"]),
        expires_at=keys.parse_ts(expires_at) if expires_at is not None else None,
    )


def render_export(entry: Item, lines: list[Item], *, user_uuid: str) -> ExportConversation:
    """A conversation entry and its lines (oldest first); a deleted other member shows no uuid or handle."""
    deleted = bool(entry.get("other_deleted"))
    return ExportConversation(
        message_group_uuid=entry["message_group_uuid"],
        with_uuid=None if deleted else entry["other_uuid"],
        with_handle=None if deleted else entry["other_handle"],
        with_display_name=DELETED_ACCOUNT if deleted else entry["other_display_name"],
        messages=[render_export_line(line, user_uuid=user_uuid) for line in lines],
    )
