"""Extra processes beside a test stack: a throwaway redis-server, more tasks of one service.

Ports are shifted by the test slot (CRUDDUR_TEST_SLOT), like the stack's own.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from cruddur_common.registry import load_registry
from devstack import processes
from devstack.processes import Child
from devstack.stack import LocalStack, uvicorn_args, wait_ready


@contextmanager
def redis_server(port: int, data_dir: Path) -> Iterator[str]:
    """devstack's throwaway redis-server for the block's duration; yields its REDIS_URL.

    Needs Debian's `redis-server` (installed by `make test`): skipped without it, failed in CI.
    """
    if shutil.which("redis-server") is None:
        if os.environ.get("CI"):  # `make test` installs it; in CI a missing server is a failure, not a skip
            pytest.fail("redis-server is not installed (scripts/bootstrap.sh redis)")
        pytest.skip("redis-server is not installed (apt-get install redis-server)")
    with processes.redis_server(port, data_dir) as url:
        yield url


@contextmanager
def service_tasks(stack: LocalStack, service: str, base_port: int) -> Iterator[Callable[..., str]]:
    """`start(name, port_shift, **env)` starts one more task of `service` on the stack's datastores, with
    extra environment, at `base_port + port_shift` (slot-shifted) and returns its URL; all stop on exit."""
    children: list[Child] = []
    entry = next(e for e in load_registry() if e.name == service)

    def start(name: str, port_shift: int, **env: str) -> str:
        port = base_port + port_shift + stack.cfg.port_offset
        args = ["-m", "uvicorn", *uvicorn_args(entry, port=port, workers=1)]
        child = Child(name, args, env=stack.service_env() | env, log_dir=stack.log_dir, zygote=stack.zygote)
        child.start()
        children.append(child)
        url = f"http://127.0.0.1:{port}"
        with httpx.Client(timeout=1) as http:
            wait_ready(f"{url}/ready", child, http=http)
        return url

    try:
        yield start
    finally:
        for child in children:
            child.stop()


@contextmanager
def gateway_task(stack: LocalStack, port_shift: int, **env: str) -> Iterator[str]:
    """One more gateway on the stack's services and Cognito (its gateway.json), with its environment
    changed by `env` (an empty value removes a variable); yields its URL."""
    port = stack.cfg.gateway_port + port_shift
    environment = {k: v for k, v in (stack.service_env() | env).items() if v}
    config = str(stack.cfg.data_dir / "gateway.json")
    args = ["-m", "devstack.gateway", "--config", config, "--port", str(port)]
    child = Child(f"gateway-{port_shift}", args, env=environment, log_dir=stack.log_dir, zygote=stack.zygote)
    child.start()
    try:
        processes.wait_port(port, timeout=30, child=child)
        yield f"http://127.0.0.1:{port}"
    finally:
        child.stop()
