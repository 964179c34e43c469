"""Keep the local stack's processes up, as ECS would: restart the dead with backoff, stop on a crash loop."""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

log = logging.getLogger("devstack.supervisor")


class Watched(Protocol):
    """A part of the stack that can die and be started again."""

    name: str

    def alive(self) -> bool: ...
    def exit_code(self) -> int | None: ...
    def restart(self) -> None: ...
    def tail(self, lines: int = 30) -> str: ...


@dataclass(frozen=True, kw_only=True)
class RestartPolicy:
    """Backoff doubles from `first` to `cap`; `max_restarts` within `window` seconds is a crash loop."""

    first: float = 0.5
    cap: float = 10.0
    max_restarts: int = 5
    window: float = 60.0
    poll: float = 0.2

    def delay(self, recent: int) -> float:
        """The wait before the next start, given how many restarts happened within the window."""
        return min(self.cap, self.first * 2.0**recent)


@dataclass
class _State:
    restarts: deque[float] = field(default_factory=deque)
    due: float | None = None  # when the pending restart is due; None while the part runs


def describe_exit(code: int | None) -> str:
    """`exit code 3`, `killed by signal 9`, or `exit code unknown` (a daemon such as Postgres)."""
    if code is None:
        return "exit code unknown"
    return f"killed by signal {-code} (exit code {code})" if code < 0 else f"exit code {code}"


class Supervisor:
    """One thread that watches every part, restarts the dead and reports a crash loop through `failed`."""

    def __init__(
        self,
        parts: Callable[[], Sequence[Watched]],
        *,
        policy: RestartPolicy | None = None,
        after_restart: Callable[[Watched], None] | None = None,
    ) -> None:
        self._parts = parts
        self.policy = policy or RestartPolicy()
        self._after_restart = after_restart
        self._states: dict[str, _State] = {}
        self._held: set[str] = set()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.failed = threading.Event()
        self.failure = ""

    def start(self) -> None:
        """Watch in a daemon thread."""
        self._thread = threading.Thread(target=self._run, name="devstack-supervisor", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop watching (before the stack stops its parts, so a stopping part is not restarted)."""
        self._stop.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=30)

    def hold(self, name: str) -> None:
        """Leave `name` alone (a test stops it on purpose) until `release(name)`."""
        with self._lock:
            self._held.add(name)

    def release(self, name: str) -> None:
        """Watch `name` again."""
        with self._lock:
            self._held.discard(name)
            self._states.pop(name, None)

    def restarts(self, name: str) -> int:
        """How many times `name` was restarted (within the crash-loop window)."""
        state = self._states.get(name)
        return len(state.restarts) if state else 0

    def _run(self) -> None:
        while not self._stop.wait(self.policy.poll):
            for part in list(self._parts()):
                with self._lock:
                    if part.name in self._held:
                        continue
                if self._stop.is_set() or not self._check(part):
                    return

    def _check(self, part: Watched) -> bool:
        """Handle one part; False once the stack must stop."""
        state = self._states.setdefault(part.name, _State())
        now = time.monotonic()
        if state.due is None:
            if part.alive():
                return True
            while state.restarts and now - state.restarts[0] > self.policy.window:
                state.restarts.popleft()
            code = describe_exit(part.exit_code())
            if len(state.restarts) >= self.policy.max_restarts:
                self.failure = (
                    f"{part.name} died ({code}) after {len(state.restarts)} restarts in "
                    f"{self.policy.window:.0f}s: a crash loop, stopping the stack. Its last log lines:\n"
                    f"{part.tail()}"
                )
                log.error("%s", self.failure)
                self.failed.set()
                return False
            delay = self.policy.delay(len(state.restarts))
            log.warning("%s died (%s); restarting it in %.1fs", part.name, code, delay)
            state.due = now + delay
            return True
        if now < state.due:
            return True
        state.due = None
        state.restarts.append(now)
        try:
            part.restart()
            if self._after_restart is not None:
                self._after_restart(part)
        except Exception as exc:  # a failed start is one more death: the next round backs off further
            log.warning("%s did not restart: %s", part.name, exc)
            return True
        log.warning("%s restarted (%d in the last %.0fs)", part.name, len(state.restarts), self.policy.window)
        return True
