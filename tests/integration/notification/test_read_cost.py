"""Issue 18: what resolving actors' current names costs a notifications list (printed; `-s` shows it).

Reproduce: CRUDDUR_TEST_SLOT=<n> .venv/bin/pytest -q -s -p no:cacheprovider \
tests/integration/notification/test_read_cost.py
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

import httpx
import pytest

from cruddur_common.registry import load_registry
from devstack.stack import LocalStack
from tests.integration.notification.support import event, identity, ingest_all
from tests.internal import internal_auth
from tests.support import TestUser

pytestmark = pytest.mark.integration
ROUNDS = 30


def _median(call: Callable[[], httpx.Response]) -> float:
    times = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        assert call().status_code == 200
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def test_a_page_of_twenty_actors_costs_one_cached_batch_call(
    api: httpx.Client, notification_url: str, stack: LocalStack, make_user: Callable[..., TestUser]
) -> None:
    user = make_user()
    recipient = identity(api, user)
    actors = [identity(api, make_user()) for _ in range(20)]
    assert all(r["ok"] for r in ingest_all(notification_url, [event("reply", recipient, a) for a in actors]))
    user_url = stack.cfg.service_url(next(e for e in load_registry() if e.name == "user"))
    listing = _median(lambda: api.get("/api/notifications", headers=user.headers))
    uuids = {"uuids": [a["uuid"] for a in actors]}
    lookup = _median(lambda: httpx.post(f"{user_url}/internal/users/batch", json=uuids, auth=internal_auth()))
    print(f"\nnotifications list (20 actors, names cached): median {listing * 1000:.1f} ms")
    print(f"added on a cache miss (one batch lookup of 20 users): median {lookup * 1000:.1f} ms")
    assert listing < 1.0 and lookup < 1.0
