"""Child processes that die with their parent (no orphans) and stop cleanly on SIGTERM.

A child runs either as its own interpreter (`subprocess.Popen`) or, for `-m module` children given a
`Zygote`, forked from the zygote's pre-loaded interpreter (devstack/zygote.py). Both look the same to the
stack, the supervisor and the tests: `child.proc` has `pid`, `poll()` and `wait()`, and its pid leads its own
process group.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import logging
import os
import queue
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO, Any

logger = logging.getLogger("devstack.processes")
PR_SET_PDEATHSIG = 1
PR_SET_NAME = 15


def die_with_parent() -> None:
    """Have the kernel send this process SIGTERM when its parent ends (no orphans of a killed stack)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def name_process(name: str) -> None:
    """Set this process's name as `ps -o comm` and /proc/<pid>/comm show it (the kernel keeps 15 bytes)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_NAME, name.encode()[:15], 0, 0, 0)


class Forked:
    """A child forked by the zygote, with the part of `subprocess.Popen` the stack and tests use."""

    def __init__(self, pid: int, zygote: Zygote) -> None:
        self.pid = pid
        self._zygote = zygote

    @property
    def returncode(self) -> int | None:
        """Its exit status once it ended (negative: the signal that killed it), as Popen's."""
        return self.poll()

    def poll(self) -> int | None:
        """Its exit status, or None while it runs."""
        return self._zygote.exit_code(self.pid)

    def wait(self, timeout: float | None = None) -> int:
        """Wait for it to end; `subprocess.TimeoutExpired` after `timeout` seconds."""
        code = self._zygote.wait_exit(self.pid, timeout)
        if code is None:
            raise subprocess.TimeoutExpired(f"pid {self.pid}", timeout or 0.0)
        return code


class Zygote:
    """The stack's side of devstack/zygote.py: start it early, ask it for children, hear of their exits."""

    def __init__(self, *, env: dict[str, str], log_dir: Path, preload: Sequence[str] = ()) -> None:
        """Start it; it imports `preload` (by default the services' shared libraries and apps) first."""
        log_dir.mkdir(parents=True, exist_ok=True)
        with (log_dir / "zygote.log").open("ab") as err:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "devstack.zygote", *preload],
                env=env,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=err,
                preexec_fn=die_with_parent,
                start_new_session=True,  # Ctrl-C is the stack's to handle; the zygote ends at EOF
            )
        self._replies: queue.Queue[dict[str, Any]] = queue.Queue()
        self._exits: dict[int, int] = {}
        self._changed = threading.Condition()
        self._ask = threading.Lock()
        self.ready = threading.Event()  # set once it has preloaded and serves forks
        assert self.proc.stdout is not None
        out = self.proc.stdout
        self._reader = threading.Thread(target=self._read, args=(out,), name="zygote-replies", daemon=True)
        self._reader.start()

    def _read(self, out: IO[bytes]) -> None:
        for line in out:
            try:
                message = json.loads(line)
            except ValueError:  # not the zygote's (it keeps stray output off this pipe): ignore it
                logger.warning("zygote: unexpected output %r", line[:200])
                continue
            if "exit" in message:
                with self._changed:
                    self._exits[message["exit"]] = message["code"]
                    self._changed.notify_all()
            elif "ready" in message:
                self.ready.set()
            else:
                if "pid" in message:  # a pid the kernel gave again: forget the exit of its earlier holder
                    with self._changed:
                        self._exits.pop(message["pid"], None)
                self._replies.put(message)
        with self._changed:  # the zygote ended: its children got SIGTERM (parent-death signal)
            self._changed.notify_all()
        self._replies.put({"error": "the zygote ended"})

    def alive(self) -> bool:
        """Whether the zygote still runs."""
        return self.proc.poll() is None

    def fork(
        self, name: str, argv: list[str], *, env: dict[str, str], log_path: Path, timeout: float = 120
    ) -> Forked:
        """Fork `python <argv>` (`-m module ...`) from the zygote; its output appended to `log_path`."""
        request = json.dumps({"name": name, "argv": argv, "env": env, "log": str(log_path)})
        with self._ask:
            if not self.alive():
                raise RuntimeError("the zygote is not running")
            assert self.proc.stdin is not None
            self.proc.stdin.write(request.encode() + b"\n")
            self.proc.stdin.flush()
            try:
                reply = self._replies.get(timeout=timeout)
            except queue.Empty:
                raise RuntimeError(f"the zygote did not fork {name} within {timeout}s") from None
        if "pid" not in reply:
            raise RuntimeError(f"the zygote could not fork {name}: {reply.get('error')}")
        return Forked(reply["pid"], self)

    def exit_code(self, pid: int) -> int | None:
        """A forked child's exit status; None while it runs. Once the zygote is gone, a child that is gone
        too counts as ended by the SIGTERM the zygote's end sent it."""
        with self._changed:
            if pid in self._exits:
                return self._exits[pid]
        if not self.alive() and not running(pid):
            return -signal.SIGTERM
        return None

    def wait_exit(self, pid: int, timeout: float | None) -> int | None:
        """Block until a forked child ended (its status) or `timeout` passed (None)."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while (code := self.exit_code(pid)) is None:
            left = None if deadline is None else deadline - time.monotonic()
            if left is not None and left <= 0:
                return None
            with self._changed:
                self._changed.wait(0.2 if left is None else min(left, 0.2))
        return code

    def stop(self, timeout: float = 5.0) -> None:
        """Close its stdin (it exits at EOF); SIGKILL it if it has not after `timeout`."""
        if self.proc.stdin is not None:
            with contextlib.suppress(OSError):
                self.proc.stdin.close()
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self._reader.join(timeout)  # it reads the exits the zygote reported last, then EOF
        if self.proc.stdout is not None:
            self.proc.stdout.close()


def running(pid: int) -> bool:
    """Whether process `pid` runs: it exists and is not a zombie (which `kill -0` would still find)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] not in ("Z", "X")


class Child:
    """One named child process with its own log file."""

    def __init__(
        self, name: str, args: list[str], *, env: dict[str, str], log_dir: Path, zygote: Zygote | None = None
    ) -> None:
        self.name = name
        self.args = args
        self.env = env
        self.log_path = log_dir / f"{name}.log"
        self.zygote = zygote if args[:1] == ["-m"] else None
        self.proc: subprocess.Popen[bytes] | Forked | None = None

    def start(self) -> None:
        """Start it, appending its output to its log file: forked from the zygote if it has one that runs."""
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        if self.zygote is not None:
            try:
                self.proc = self.zygote.fork(self.name, self.args, env=self.env, log_path=self.log_path)
                return
            except RuntimeError as exc:
                logger.warning("%s starts as its own interpreter: %s", self.name, exc)
                self.zygote = None
        log = self.log_path.open("ab")
        self.proc = subprocess.Popen(
            [sys.executable, *self.args],
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            preexec_fn=die_with_parent,
            start_new_session=True,
        )
        log.close()

    def alive(self) -> bool:
        """Whether it still runs."""
        return self.proc is not None and self.proc.poll() is None

    def exit_code(self) -> int | None:
        """Its exit status once it ended (negative: the signal that killed it)."""
        return None if self.proc is None else self.proc.poll()

    def restart(self) -> None:
        """Start it again, after killing whatever its process group left behind (uvicorn workers)."""
        if self.proc is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        self.start()

    def terminate(self) -> None:
        """Ask its process group to stop (SIGTERM)."""
        if self.proc is not None and self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGTERM)

    def stop(self, timeout: float = 8.0) -> None:
        """SIGTERM its process group, then SIGKILL whatever is left after `timeout`."""
        if self.proc is None or self.proc.poll() is not None:
            return
        self.terminate()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.proc.poll() is None:
            time.sleep(0.05)
        if self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()

    def tail(self, lines: int = 30) -> str:
        """The last lines of its log (for error messages)."""
        if not self.log_path.exists():
            return ""
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])


def wait_port(port: int, *, timeout: float, child: Child | None = None) -> None:
    """Block until something accepts connections on 127.0.0.1:`port`: TimeoutError after `timeout` s,
    RuntimeError (with its log's tail) as soon as `child`, the process meant to listen there, has exited."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if child is not None and not child.alive():
            raise RuntimeError(f"{child.name} exited during start:\n{child.tail()}")
        with socket.socket() as sock:
            sock.settimeout(0.2)
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port} after {timeout}s")


@contextlib.contextmanager
def redis_server(port: int, data_dir: Path) -> Iterator[str]:
    """A throwaway `redis-server` (nothing saved) on 127.0.0.1:`port` for the block; yields its REDIS_URL.

    Debian's package, which `make test` installs (scripts/bootstrap.sh `redis`); FileNotFoundError without it.
    """
    binary = shutil.which("redis-server")
    if binary is None:
        raise FileNotFoundError("redis-server is not installed (apt-get install redis-server)")
    with socket.socket() as sock:  # another server there would answer for ours, which exits at once
        sock.settimeout(0.2)
        if sock.connect_ex(("127.0.0.1", port)) == 0:
            raise RuntimeError(f"port {port} is taken: a redis-server from an earlier run?")
    args = ["--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
    args += ["--dir", str(data_dir)]
    proc = subprocess.Popen([binary, *args], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_port(port, timeout=10)
        if proc.poll() is not None:
            raise RuntimeError(f"redis-server exited with {proc.returncode} as it started on port {port}")
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
