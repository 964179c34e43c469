"""The local stack and the service image start uvicorn alike; each difference is listed with its reason.

devstack.stack.uvicorn_args is the local stack's definition; docker/service.Dockerfile's CMD cannot call
Python, so this test holds the two together: a flag added to one side fails here until it is added to the
other or explained below.
"""

from __future__ import annotations

import json
import shlex
from pathlib import Path

import pytest

from cruddur_common.registry import ServiceEntry, load_registry
from devstack.stack import uvicorn_args

DOCKERFILE = Path(__file__).resolve().parents[3] / "docker" / "service.Dockerfile"
# Flags whose value differs on purpose.
DIFFERENT = {
    "--host": "the container listens on every interface for the ALB; the local stack only on loopback",
    "--port": "the image's comes from the registry at build time (or PORT); the stack's from its config",
}
# Flags only the image passes.
IMAGE_ONLY = {
    "--proxy-headers": "uvicorn's default already; explicit in the image, which sits behind the ALB",
    "--forwarded-allow-ips": "the ALB's address is not known ahead; locally the gateway is on 127.0.0.1, "
    "the address uvicorn trusts by default",
}
# Flags only the local stack passes.
STACK_ONLY = {
    "--no-access-log": "cruddur_common.logging disables uvicorn's access log in the app either way",
    "--timeout-graceful-shutdown": "Ctrl-C stops the whole stack in seconds; ECS has its stop timeout",
    "--workers": "CRUDDUR_WORKERS locally; in ECS one process per task, scaled by tasks",
    "--log-level": "keeps uvicorn's startup lines off the console of make run",
}
BOOLEAN = {"--factory", "--no-access-log", "--proxy-headers"}


def _options(args: list[str]) -> tuple[str, dict[str, str | None]]:
    """The app target and the options (flag -> value, None for a switch) of uvicorn's arguments."""
    app, *rest = args
    options: dict[str, str | None] = {}
    while rest:
        flag = rest.pop(0)
        assert flag.startswith("--"), (flag, args)
        options[flag] = None if flag in BOOLEAN else rest.pop(0)
    return app, options


def _image_args(entry: ServiceEntry) -> list[str]:
    """uvicorn's arguments in the service image's CMD, for the image built with SERVICE=<entry.name>."""
    lines = DOCKERFILE.read_text(encoding="utf-8").splitlines()
    (cmd,) = [line.removeprefix("CMD ") for line in lines if line.startswith("CMD [")]
    shell, flag, script = json.loads(cmd)
    assert (shell, flag) == ("sh", "-c")
    words = shlex.split(script)
    assert words[:2] == ["exec", "uvicorn"], words
    return [word.replace("${SERVICE}", entry.name) for word in words[2:]]


@pytest.mark.parametrize("entry", load_registry(), ids=lambda e: e.name)
def test_the_image_and_the_stack_start_the_same_app(entry: ServiceEntry) -> None:
    image_app, image = _options(_image_args(entry))
    stack_app, stack = _options(uvicorn_args(entry, port=entry.port, workers=1))
    assert image_app == stack_app == f"{entry.package}.main:create_app"
    shared = (image.keys() & stack.keys()) - DIFFERENT.keys()
    assert {flag: image[flag] for flag in shared} == {flag: stack[flag] for flag in shared}
    assert DIFFERENT.keys() <= image.keys() & stack.keys()
    assert image.keys() - stack.keys() == IMAGE_ONLY.keys()
    assert stack.keys() - image.keys() == STACK_ONLY.keys()
    assert "--factory" in shared
