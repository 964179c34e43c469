"""Message items to the moderation schemas (`render_<thing>`)."""

from __future__ import annotations

from messaging_service.conversations import keys
from messaging_service.conversations.repository import Item
from messaging_service.moderation.schemas import MessageSender, ReportedMessage


def render_reported(item: Item) -> ReportedMessage:
    """A message item as the report shows it (the public `render_message` names no conversation)."""
    return ReportedMessage(
        uuid=item["message_uuid"],
        message_group_uuid=item["message_group_uuid"],
        sender=MessageSender(
            uuid=item["sender_uuid"], handle=item["sender_handle"], display_name=item["sender_display_name"]
        ),
        message=item["message"],
        created_at=keys.parse_ts(item["created_at"]),
    )
