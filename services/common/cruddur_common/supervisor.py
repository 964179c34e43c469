"""Supervised background tasks: loops that run for the life of a process, reported by readiness."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI

log = logging.getLogger("cruddur.app")


def _always(app: FastAPI) -> bool:
    return True


@dataclass(frozen=True, kw_only=True)
class BackgroundTask:
    """A loop that runs for the life of the process; if it ever ends, readiness fails and says why."""

    name: str
    run: Callable[[FastAPI], Awaitable[None]]
    # extra figures for the /ready detail (e.g. an outbox's lag); reported, never a reason to fail
    detail: Callable[[FastAPI], Awaitable[dict[str, Any]]] | None = None
    enabled: Callable[[FastAPI], bool] = _always


class Supervisor:
    """Runs the service's background tasks and remembers how each one ended."""

    def __init__(self) -> None:
        self.tasks: dict[str, asyncio.Task[None]] = {}
        self.stopping = False

    def start(self, app: FastAPI, spec: BackgroundTask) -> None:
        """Start one task (after the startup hooks, so it may use what they opened)."""
        task = asyncio.create_task(_call(spec.run, app), name=spec.name)
        task.add_done_callback(self._ended)
        self.tasks[spec.name] = task

    def _ended(self, task: asyncio.Task[None]) -> None:
        if self.stopping:
            return
        if task.cancelled():
            log.error("background task %s was cancelled", task.get_name())
            return
        log.error("background task %s stopped", task.get_name(), exc_info=task.exception())

    def status(self, name: str) -> str:
        """`ok` while the task runs, else `error: ...` with how it ended."""
        task = self.tasks[name]
        if not task.done():
            return "ok"
        if task.cancelled():
            return "error: stopped: cancelled"
        exc = task.exception()
        if exc is None:
            return "error: stopped: returned"
        return f"error: stopped: {type(exc).__name__}: {' '.join(str(exc).split())[:200]}"

    async def stop(self) -> None:
        """Cancel every task and wait for them (shutdown)."""
        self.stopping = True
        for task in self.tasks.values():
            task.cancel()
        await asyncio.gather(*self.tasks.values(), return_exceptions=True)


async def _call(run: Callable[[FastAPI], Awaitable[None]], app: FastAPI) -> None:
    await run(app)
