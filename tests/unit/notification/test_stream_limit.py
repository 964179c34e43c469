"""At most N streams per person: a new one closes the oldest (finding 8)."""

from __future__ import annotations

from contextlib import ExitStack

from notification_service.live import broker
from notification_service.settings import Settings


def test_a_stream_past_the_limit_closes_the_oldest() -> None:
    hub = broker.Hub()
    with ExitStack() as streams:
        held = [streams.enter_context(hub.subscribe("a", limit=3)) for _ in range(3)]
        other = streams.enter_context(hub.subscribe("b", limit=3))
        assert not any(s.closed for s in held) and hub.open_streams("a") == 3
        newest = streams.enter_context(hub.subscribe("a", limit=3))
        assert held[0].closed and held[0].pending.popleft() is broker.CLOSED, "the oldest is woken"
        assert not any(s.closed for s in (*held[1:], newest, other))
        assert hub.open_streams("a") == 3 and hub.open_streams("b") == 1
    assert hub.connections == 0


def test_closing_a_full_inbox_still_flags_it() -> None:
    inbox = broker.Subscription("a")
    for i in range(broker.QUEUE_SIZE):
        inbox.offer(broker.framed({"id": i, "event": "notification", "data": {}}))
    inbox.close()
    assert inbox.closed and len(inbox.pending) == broker.QUEUE_SIZE


def test_the_limit_is_a_setting_defaulting_to_five() -> None:
    assert Settings.model_fields["max_streams_per_user"].default == 5
