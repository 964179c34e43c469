"""Faults on the test stack under load (issue 12, build item 9): contained, recovered, nothing lost.

The other chaos cases live beside the code they exercise: a poison DM
(tests/integration/messaging/test_stream_poison.py), a killed service or Postgres restarted by the
supervisor (tests/integration/test_supervisor.py), 500 held streams
(tests/integration/notification/test_stream_limit.py), moto down
(tests/integration/test_dependency_outage.py).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import httpx
import pytest

from devstack.stack import LocalStack
from tests.chaos.faults import postgres_down, wait_ready
from tests.chaos.load import WriteLoad
from tests.support import TestUser

pytestmark = pytest.mark.integration
OUTAGE_SECONDS = 10.0
WARM_SECONDS = 2.0  # acknowledged writes before the fault, so there is something to lose


@pytest.fixture
def writers(make_user: Callable[..., TestUser]) -> list[TestUser]:
    """Two users who post and like each other's cruds."""
    return [make_user(), make_user()]


@pytest.fixture
def healthy_after(stack: LocalStack) -> Iterator[None]:
    """Whatever a test did, the next one finds every service ready."""
    yield
    wait_ready(stack)


def _first_success_after(load: WriteLoad, moment: float) -> float | None:
    """Seconds from `moment` to the first request started after it that got a 2xx."""
    starts = [o.started for o in load.outcomes if o.started >= moment and o.status and o.status < 300]
    return min(starts) - moment if starts else None


def _wait_for(check: Callable[[], bool], *, timeout: float, every: float = 0.2) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(every)
    return False


def _notified_likes(users: list[TestUser], gateway_url: str) -> set[str]:
    """The cruds each user was notified of a like on, over every page (a run can pass 100 likes)."""
    seen: set[str] = set()
    for user in users:
        params: dict[str, str | int] = {"limit": 100}
        while True:
            response = httpx.get(
                f"{gateway_url}/api/notifications", params=params, headers=user.headers, timeout=5
            )
            if response.status_code != 200:
                return seen  # read again on the next poll
            body = response.json()
            seen |= {str(n["activity_uuid"]) for n in body["items"] if n["kind"] == "like"}
            if not body["next_cursor"]:
                break
            params["cursor"] = body["next_cursor"]
    return seen


@pytest.mark.usefixtures("healthy_after")
def test_postgres_outage_under_load(stack: LocalStack, gateway_url: str, writers: list[TestUser]) -> None:
    """Postgres stopped for 10 s under writes: 503s with the code, recovery within 1 s, nothing lost."""
    with WriteLoad(gateway_url, writers) as load:
        time.sleep(WARM_SECONDS)
        with postgres_down(stack):
            down = time.monotonic()
            time.sleep(OUTAGE_SECONDS)
            up = time.monotonic()
        restarted = time.monotonic()  # postgres_down returned: every service is ready again
        time.sleep(WARM_SECONDS)

    # Contained: what failed while Postgres was down failed fast, with the code and Retry-After.
    during = [o for o in load.between(down + 1.0, up) if o.status is None or o.status >= 300]
    assert during, "no request failed while Postgres was down"
    wrong = [o for o in during if (o.status, o.code) != (503, "dependency_unavailable") or not o.retry_after]
    assert wrong == [], wrong[:5]
    assert max(o.elapsed for o in during) < 5.0, "a request hung instead of answering 503"
    # Never a 500, not even in flight as Postgres goes away (a pooled connection cut mid-shutdown was one).
    assert [o for o in load.outcomes if o.status is not None and o.status >= 500 and o.status != 503] == []

    # Recovered by itself, within a second of the services being ready again.
    recovery = _first_success_after(load, restarted)
    assert recovery is not None and recovery < 1.0, (recovery, load.summary())

    # Lost nothing acknowledged, and the outbox drained: every acknowledged like was notified.
    acked = {kind: sum(a.kind == kind for a in load.acks) for kind in ("post", "like")}
    assert acked["post"] > 0 and acked["like"] > 0, (acked, load.summary())
    assert load.missing() == [], load.summary()
    liked = {str(a.activity_uuid): a.at for a in load.acks if a.kind == "like"}
    notified: set[str] = set()

    def all_notified() -> bool:
        notified.update(_notified_likes(writers, gateway_url))
        return liked.keys() <= notified

    assert _wait_for(all_notified, timeout=15), (
        f"{len(liked.keys() - notified)} of {len(liked)} acknowledged likes never notified; acknowledged at "
        f"(s after Postgres stopped for {OUTAGE_SECONDS} s): "
        f"{sorted(round(at - down, 2) for key, at in liked.items() if key not in notified)[:20]}"
    )
