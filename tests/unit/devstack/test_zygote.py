"""The zygote (devstack/zygote.py) with real forks: what a forked child gets, and what the stack hears back.

The zygote here preloads one small module, not the services (`Zygote(preload=...)`), so each test starts in
a fraction of a second; `make test`'s stacks fork every service from the full one.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from devstack.processes import Child, Zygote, running
from devstack.supervisor import RestartPolicy
from tests.support import wait_for

CHILD = ["-m", "tests.unit.devstack.zygote_child"]
FAST = RestartPolicy(first=0.05, cap=0.2, max_restarts=3, window=60, poll=0.02)


@pytest.fixture
def zygote(tmp_path: Path) -> Iterator[Zygote]:
    found = Zygote(env=dict(os.environ), log_dir=tmp_path, preload=["json"])
    yield found
    found.stop()


def _child(zygote: Zygote, tmp_path: Path, what: str, name: str = "probe") -> Child:
    env = {"ZYGOTE_PROBE": "own environment"}  # no PATH: the child gets this, not the zygote's
    return Child(name, [*CHILD, what], env=env, log_dir=tmp_path, zygote=zygote)


def test_a_forked_child_has_its_own_environment_argv_name_log_and_group(
    zygote: Zygote, tmp_path: Path
) -> None:
    child = _child(zygote, tmp_path, "3")
    child.start()
    assert child.proc is not None and child.zygote is zygote
    assert child.proc.wait(10) == 3 and child.exit_code() == 3 and not child.alive()
    log = child.log_path.read_text()
    assert "probe=own environment leader=True comm=probe" in log
    assert "argv=['3'] path_set=False" in log
    assert "ctrl_c_interrupts=True" in log  # not the zygote's SIG_IGN


def test_output_while_preloading_and_ctrl_c_leave_the_zygote_serving(tmp_path: Path) -> None:
    noisy = Zygote(env=dict(os.environ), log_dir=tmp_path, preload=["this"])  # `import this` prints
    try:
        assert noisy.ready.wait(30)
        os.kill(noisy.proc.pid, signal.SIGINT)  # as Ctrl-C in `make run`'s terminal would, if it reached it
        child = _child(noisy, tmp_path, "0")
        child.start()
        assert child.zygote is noisy and child.proc is not None and child.proc.wait(10) == 0
        assert noisy.alive()
        assert "Beautiful is better than ugly." in (tmp_path / "zygote.log").read_text()
    finally:
        noisy.stop()


def test_a_module_that_raises_at_preload_leaves_the_others_forked(tmp_path: Path) -> None:
    broken = Zygote(
        env=dict(os.environ), log_dir=tmp_path, preload=["tests.unit.devstack.zygote_broken", "json"]
    )
    try:
        assert broken.ready.wait(30)
        child = _child(broken, tmp_path, "0")
        child.start()
        assert child.zygote is broken and child.proc is not None and child.proc.wait(10) == 0
        log = (tmp_path / "zygote.log").read_text()
        assert "tests.unit.devstack.zygote_broken not preloaded" in log and "broken at import" in log
        assert "1 of 2 modules and their imports preloaded" in log
    finally:
        broken.stop()


def test_an_uncaught_exception_is_logged_and_exits_1(zygote: Zygote, tmp_path: Path) -> None:
    child = _child(zygote, tmp_path, "raise")
    child.start()
    assert child.proc is not None and child.proc.wait(10) == 1
    assert "RuntimeError: boom in the child" in child.log_path.read_text()


def test_a_signal_is_reported_as_popen_does_and_wait_can_time_out(zygote: Zygote, tmp_path: Path) -> None:
    child = _child(zygote, tmp_path, "sleep")
    child.start()
    assert child.proc is not None
    wait_for(lambda: "comm=probe" in child.log_path.read_text(), what="the child to start")
    assert child.alive() and child.proc.poll() is None
    with pytest.raises(subprocess.TimeoutExpired):
        child.proc.wait(0.1)
    child.stop()  # SIGTERM to its process group
    assert child.exit_code() == -signal.SIGTERM


def test_children_end_with_the_zygote(zygote: Zygote, tmp_path: Path) -> None:
    child = _child(zygote, tmp_path, "sleep")
    child.start()
    assert child.proc is not None
    pid = child.proc.pid
    wait_for(lambda: "comm=probe" in child.log_path.read_text(), what="the child to start")
    zygote.proc.kill()  # as if the stack died: the zygote sees EOF, or is killed with it
    zygote.proc.wait()
    wait_for(lambda: not running(pid), what="the child to end with the zygote")
    assert child.exit_code() == -signal.SIGTERM


def test_what_the_zygote_cannot_run_starts_as_its_own_interpreter(
    zygote: Zygote, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    assert Child("script", ["-c", "pass"], env={}, log_dir=tmp_path, zygote=zygote).zygote is None
    zygote.stop()
    child = Child("late", [*CHILD, "0"], env=dict(os.environ), log_dir=tmp_path, zygote=zygote)
    with caplog.at_level(logging.WARNING, logger="devstack.processes"):
        child.start()
    assert "late starts as its own interpreter: the zygote is not running" in caplog.text
    assert child.proc is not None and child.proc.wait(30) == 0 and child.zygote is None
