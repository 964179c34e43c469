"""The local supervisor with real child processes: restart with backoff, stop on a crash loop."""

from __future__ import annotations

import logging
import os
import signal
import time
from pathlib import Path

import pytest

from devstack.processes import Child, Zygote
from devstack.supervisor import RestartPolicy, Supervisor, describe_exit
from tests.support import wait_for

FAST = RestartPolicy(first=0.05, cap=0.2, max_restarts=3, window=60, poll=0.02)


def test_the_backoff_doubles_up_to_its_cap() -> None:
    policy = RestartPolicy()
    assert [policy.delay(n) for n in range(7)] == [0.5, 1.0, 2.0, 4.0, 8.0, 10.0, 10.0]


def test_exits_are_described_by_code_or_signal() -> None:
    assert describe_exit(3) == "exit code 3"
    assert describe_exit(-9) == "killed by signal 9 (exit code -9)"


@pytest.mark.parametrize("forked", [False, True], ids=["own interpreter", "forked by the zygote"])
def test_a_killed_child_is_restarted_with_a_log_line(
    forked: bool, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    zygote = Zygote(env=dict(os.environ), log_dir=tmp_path, preload=["json"]) if forked else None
    args = ["-m", "tests.unit.devstack.zygote_child", "sleep"]
    child = Child("sleeper", args, env=dict(os.environ), log_dir=tmp_path, zygote=zygote)
    child.start()
    supervisor = Supervisor(lambda: [child], policy=FAST)
    supervisor.start()
    try:
        assert child.proc is not None
        first = child.proc.pid
        with caplog.at_level(logging.WARNING, logger="devstack.supervisor"):
            os.kill(first, signal.SIGKILL)
            wait_for(
                lambda: child.alive() and child.proc is not None and child.proc.pid != first,
                what="the restart",
            )
        assert child.zygote is zygote  # forked again from the same zygote
        assert supervisor.restarts("sleeper") == 1 and not supervisor.failed.is_set()
        assert "sleeper died (killed by signal 9 (exit code -9))" in caplog.text
    finally:
        supervisor.stop()
        child.stop()
        if zygote is not None:
            zygote.stop()


def test_a_crash_loop_stops_with_the_last_log_lines(tmp_path: Path) -> None:
    script = "import sys; print('boom: bad config', flush=True); sys.exit(3)"
    child = Child("crasher", ["-c", script], env=dict(os.environ), log_dir=tmp_path)
    child.start()
    supervisor = Supervisor(lambda: [child], policy=FAST)
    supervisor.start()
    try:
        assert supervisor.failed.wait(15), "a crash loop must end supervision"
        assert supervisor.restarts("crasher") == FAST.max_restarts
        assert "crasher died (exit code 3) after 3 restarts" in supervisor.failure
        assert "boom: bad config" in supervisor.failure
    finally:
        supervisor.stop()


def test_a_held_part_is_left_down(tmp_path: Path) -> None:
    child = Child("held", ["-c", "pass"], env=dict(os.environ), log_dir=tmp_path)
    child.start()
    assert child.proc is not None
    child.proc.wait()
    supervisor = Supervisor(lambda: [child], policy=FAST)
    supervisor.hold("held")
    supervisor.start()
    try:
        time.sleep(0.3)
        assert supervisor.restarts("held") == 0 and not child.alive()
    finally:
        supervisor.stop()
