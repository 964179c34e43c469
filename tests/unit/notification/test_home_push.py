"""Issue 18's `home` event: pushed to exactly its recipients' streams, id-less, never failing the batch."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from notification_service.live import broker
from notification_service.live.service import frame, push_home


def _event(**changes: Any) -> dict[str, Any]:
    return {
        "activity_uuid": str(uuid.uuid4()),
        "author_uuid": str(uuid.uuid4()),
        "recipients": ["a", "c"],
        "created_at": datetime.now(UTC).isoformat(),
    } | changes


async def test_a_home_event_reaches_its_recipients_only_without_an_id() -> None:
    local = broker.LocalBroker()
    body = _event(reposter_uuid=str(uuid.uuid4()))
    with local.hub.subscribe("a") as a, local.hub.subscribe("b") as b, local.hub.subscribe("c") as c:
        result = await push_home(local, [body])
        assert [r.ok for r in result.results] == [True]
        assert not b.pending and len(a.pending) == len(c.pending) == 1
        item = a.pending.popleft()
    envelope = item.envelope
    assert item is c.pending.popleft(), "framed once for every recipient's streams"
    assert envelope["id"] is None and envelope["event"] == "home"
    assert envelope["data"]["activity_uuid"] == body["activity_uuid"]
    assert envelope["data"]["reposter_uuid"] == body["reposter_uuid"]
    assert "recipients" not in envelope["data"]  # nobody learns who else follows the author
    assert item.data == frame(envelope) and item.data.startswith(b"event: home\n")  # no `id:` line


async def test_a_bad_event_is_refused_alone_and_a_failed_publish_still_counts_as_delivered() -> None:
    class Down(broker.LocalBroker):
        async def publish_many(self, subs: Sequence[str], envelope: broker.Envelope) -> None:
            raise ConnectionError("redis away")

    events: list[object] = [_event(), _event(recipients=[]), {"activity_uuid": "x"}, _event()]
    result = await push_home(Down(), events)
    assert [r.ok for r in result.results] == [True, False, False, True]
