"""Faults injected into the test stack: Postgres or moto down, a child process killed.

Each is a context manager that puts the fault in place on entry and undoes it on exit (even when the
body fails), then waits until every service is ready again, so the next test finds a whole stack.
"""

from __future__ import annotations

import contextlib
import os
import signal
import time
from collections.abc import Iterator

import httpx

from cruddur_common.registry import load_registry
from devstack import processes
from devstack.processes import Child
from devstack.stack import LocalStack

READY_TIMEOUT = 60.0


def child_named(stack: LocalStack, name: str) -> Child:
    """The stack's child process called `name` (a service, a worker, `gateway` or `moto`)."""
    for child in stack.children:
        if child.name == name:
            return child
    raise LookupError(f"no child {name!r}; the stack runs {[c.name for c in stack.children]}")


def wait_port(port: int, *, timeout: float = READY_TIMEOUT) -> None:
    """Block until something accepts connections on 127.0.0.1:port."""
    processes.wait_port(port, timeout=timeout)


def wait_ready(stack: LocalStack, *, timeout: float = READY_TIMEOUT) -> float:
    """Block until every service answers its readiness probe with 200; return the seconds waited."""
    started = time.monotonic()
    deadline = started + timeout
    pending = list(load_registry())
    with httpx.Client(timeout=1) as http:  # one client: httpx.get makes one (and a TLS context) per poll
        while pending:
            entry = pending[0]
            try:
                ok = http.get(f"{stack.cfg.service_url(entry)}{entry.ready_path}").status_code == 200
            except httpx.HTTPError:
                ok = False
            if ok:
                pending.pop(0)
                continue
            if time.monotonic() > deadline:
                raise TimeoutError(f"{entry.name} not ready {timeout}s after the fault was undone")
            time.sleep(0.1)
    return time.monotonic() - started


@contextlib.contextmanager
def postgres_down(stack: LocalStack) -> Iterator[None]:
    """Stop the test Postgres (fast shutdown: sessions are cut) for the body; start it again after."""
    postgres = stack.postgres
    if postgres is None:
        raise RuntimeError("the stack uses an outside DATABASE_URL; its Postgres is not ours to stop")
    with stack.unsupervised("postgres"):  # the supervisor would start it again within a second
        postgres.stop()
        try:
            yield
        finally:
            postgres.start()
    wait_ready(stack)


@contextlib.contextmanager
def moto_down(stack: LocalStack) -> Iterator[None]:
    """Stop moto (Cognito, DynamoDB, S3, SQS) for the body; start it again with its saved state after.

    SIGTERM lets moto pickle its state first, so users, tables and objects survive the outage.
    """
    moto = child_named(stack, "moto")
    with stack.unsupervised("moto"):
        moto.stop()
        try:
            yield
        finally:
            moto.start()
            wait_port(stack.cfg.moto_port)
    wait_ready(stack)


@contextlib.contextmanager
def kill_child(stack: LocalStack, name: str, *, sig: signal.Signals = signal.SIGKILL) -> Iterator[Child]:
    """Send `sig` to a child's process group (a crash), yield it; after the body, start it if it is down.

    The body sees what the stack does on its own (its supervisor restarts the child); without a supervisor
    the exit starts it, so the next test finds the child running.
    """
    child = child_named(stack, name)
    assert child.proc is not None, f"{name} was never started"
    with contextlib.suppress(ProcessLookupError):
        os.killpg(child.proc.pid, sig)
    try:
        yield child
    finally:
        if stack.supervisor is None and not child.alive():  # else the supervisor restarts it
            with contextlib.suppress(ProcessLookupError):
                os.killpg(child.proc.pid, signal.SIGKILL)  # leftovers of the group (uvicorn workers)
            child.proc.wait()
            child.start()
        if name == "gateway":  # its own port: behind the edge (nginx) the public one never went down
            behind_edge = any(c.name == "edge" for c in stack.children)
            wait_port(stack.cfg.gateway_app_port if behind_edge else stack.cfg.gateway_port)
        elif name == "moto":
            wait_port(stack.cfg.moto_port)
        wait_ready(stack)
