"""Finding 7: a crashed process is restarted by the stack's supervisor; the rest keep serving."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable

import httpx
import pytest

from devstack.stack import LocalStack, _PostgresPart
from tests.support import TestUser

pytestmark = pytest.mark.integration


def test_a_killed_service_is_restarted_while_the_others_serve(
    stack: LocalStack, api: httpx.Client, make_user: Callable[..., TestUser]
) -> None:
    user = make_user()
    assert stack.supervisor is not None
    child = next(ch for ch in stack.children if ch.name == "notification")
    assert child.proc is not None and api.get("/api/notifications", headers=user.headers).status_code == 200
    before = stack.supervisor.restarts("notification")
    os.kill(child.proc.pid, signal.SIGKILL)
    killed = time.monotonic()
    # Generous: on a loaded 2-core machine importing a service alone took 50 s (10 s idle).
    others: list[int] = []
    while True:
        others.append(api.get("/api/users/me", headers=user.headers).status_code)
        if api.get("/api/notifications", headers=user.headers).status_code == 200 and child.alive():
            break
        assert time.monotonic() - killed < 90, f"notification not back after 90s:\n{child.tail()}"
        time.sleep(0.2)
    assert stack.supervisor.restarts("notification") == before + 1
    assert set(others) == {200}, "the other services must keep serving meanwhile"
    assert all(ch.alive() for ch in stack.children), "nothing else stopped"


def test_a_killed_postgres_is_started_again(stack: LocalStack, api: httpx.Client) -> None:
    if stack.postgres is None:
        pytest.skip("DATABASE_URL replaces the embedded Postgres")
    part = _PostgresPart(stack.postgres)
    pid = int((stack.postgres.data_dir / "postmaster.pid").read_text().split("\n", 1)[0])
    os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + 90

    def restarted() -> bool:
        try:
            return part.alive() and int(part._pid_file.read_text().split("\n", 1)[0]) != pid
        except (OSError, ValueError):
            return False

    while not restarted():
        assert time.monotonic() < deadline, f"postgres not restarted:\n{part.tail()}"
        time.sleep(0.2)
    assert stack.postgres.is_running()
    while api.get("/api/health-check").status_code != 200:  # the pools reconnect by themselves
        assert time.monotonic() < deadline, api.get("/api/health-check").text
        time.sleep(0.5)
