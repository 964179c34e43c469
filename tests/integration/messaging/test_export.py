"""A person's conversations for their data export (issue 16): `GET /internal/users/{uuid}/export`."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from cruddur_common.contracts import EXPORT_PATH, MessagingExport
from messaging_service.conversations import keys
from messaging_service.conversations.repository import Table, serialize
from messaging_service.moderation import repository as moderation
from tests.integration.messaging.support import me, send, wait_for_preview
from tests.integration.messaging.test_erasure import erase, erasure
from tests.internal import internal_auth
from tests.support import TestUser

pytestmark = pytest.mark.integration


def _export(messaging_url: str, user_uuid: str, **kwargs: Any) -> httpx.Response:
    url = messaging_url + EXPORT_PATH.format(user_uuid=user_uuid)
    return httpx.get(url, timeout=30, **({"auth": internal_auth()} | kwargs))


async def _end(table: Table, message: dict[str, Any]) -> None:
    """Move a disappearing message's end a minute into the past (as if its timer had run out)."""
    item = await moderation.find_message(table, message_uuid=message["uuid"])
    assert item is not None
    past = keys.format_ts(datetime.now(UTC) - timedelta(minutes=1))
    await table.client.update_item(
        TableName=table.name,
        Key=serialize({"pk": item["pk"], "sk": item["sk"]}),
        UpdateExpression="SET expires_at = :past",
        ExpressionAttributeValues=serialize({":past": past}),
    )


async def test_the_export_has_each_conversation_with_its_live_lines_oldest_first(
    api: httpx.Client, messaging_url: str, make_user: Callable[..., TestUser], table: Table
) -> None:
    alice, bob, carol = make_user(), make_user(), make_user()
    mine, bobs, carols = me(api, alice), me(api, bob), me(api, carol)
    with_carol = send(api, carol, "hey alice", handle=alice.handle)["message_group_uuid"]
    group = send(api, alice, "one", handle=bob.handle)["message_group_uuid"]
    send(api, bob, "two", message_group_uuid=group)
    timer = api.put(f"/api/message_groups/{group}", json={"message_ttl": "1-hour"}, headers=alice.headers)
    assert timer.status_code == 200, timer.text
    gone = send(api, alice, "gone already", message_group_uuid=group)
    three = send(api, alice, "three", message_group_uuid=group)
    await _end(table, gone)
    wait_for_preview(api, bob, handle=alice.handle, text="three")

    response = _export(messaging_url, mine["uuid"])
    assert response.status_code == 200, response.text
    exported = MessagingExport.model_validate(response.json())
    first, second = exported.conversations
    assert (str(first.message_group_uuid), str(first.with_uuid)) == (group, bobs["uuid"])
    assert (first.with_handle, first.with_display_name) == (bob.handle, bobs["display_name"])
    lines = [(m.message, m.mine, m.kind) for m in first.messages]
    timer_line = f"{mine['display_name']} set messages to disappear after 1 hour"
    assert lines == [("one", True, "message"), ("two", False, "message"), (timer_line, True, "timer"),
                     ("three", True, "message")], "live lines only, oldest first"  # fmt: skip
    assert [str(m.uuid) for m in first.messages][-1] == three["uuid"]
    assert first.messages[-1].expires_at is not None and first.messages[0].expires_at is None
    assert (str(second.message_group_uuid), second.with_handle) == (with_carol, carol.handle)
    assert [(m.message, m.mine) for m in second.messages] == [("hey alice", False)]

    # the other side of a conversation with someone who deleted their account
    assert erase(messaging_url, erasure(carols)).status_code == 200
    after = MessagingExport.model_validate(_export(messaging_url, mine["uuid"]).json())
    (deleted,) = [c for c in after.conversations if str(c.message_group_uuid) == with_carol]
    assert (deleted.with_uuid, deleted.with_handle, deleted.with_display_name) == (
        None,
        None,
        "Deleted account",
    )
    assert deleted.messages == [], "her lines went with her account"
    assert MessagingExport.model_validate(_export(messaging_url, carols["uuid"]).json()).conversations == []


def test_an_unknown_person_has_an_empty_export_and_the_route_needs_the_credential(messaging_url: str) -> None:
    response = _export(messaging_url, str(uuid.uuid4()))
    assert response.status_code == 200 and response.json() == {"conversations": []}
    assert _export(messaging_url, str(uuid.uuid4()), auth=None).status_code == 401
    assert _export(messaging_url, "not-a-uuid").status_code == 422
