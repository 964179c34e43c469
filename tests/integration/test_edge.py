"""The local edge (nginx, devstack/edge.py) in front of the Python gateway, on the running test stack."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
from collections.abc import Callable, Iterator

import httpx
import pytest

from devstack import edge
from devstack.stack import LocalStack
from tests.chaos.faults import child_named, wait_port, wait_ready
from tests.support import TestUser, expect_error

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(
        edge.find_nginx() is None, reason="nginx is not installed: the Python gateway serves all"
    ),
]


@contextlib.contextmanager
def _down(stack: LocalStack, name: str) -> Iterator[None]:
    """Child `name` killed for the block, then started again and ready (or listening: the gateway)."""
    child = child_named(stack, name)
    assert child.proc is not None
    with stack.unsupervised(name):
        os.killpg(child.proc.pid, signal.SIGKILL)
        child.proc.wait()
        try:
            yield
        finally:
            child.start()
            if name == "gateway":
                wait_port(stack.cfg.gateway_app_port, timeout=120)
            else:
                wait_ready(stack, timeout=120)


def test_the_edge_listens_in_front_of_the_python_gateway(stack: LocalStack) -> None:
    assert {"edge", "gateway"} <= {child.name for child in stack.children}
    config = (stack.cfg.data_dir / "edge" / "nginx.conf").read_text()
    assert f"listen 127.0.0.1:{stack.cfg.gateway_port} " in config
    assert f"server 127.0.0.1:{stack.cfg.gateway_app_port};" in config


def test_the_api_does_not_pass_through_the_python_gateway(
    stack: LocalStack, api: httpx.Client, make_user: Callable[..., TestUser]
) -> None:
    user = make_user()
    with _down(stack, "gateway"):
        me = api.get("/api/users/me", headers=user.headers | {"x-request-id": "edge-trace-1"})
        assert me.status_code == 200, me.text
        assert me.headers["x-request-id"] == "edge-trace-1" and me.headers["x-cruddur-service"] == "user"
        home = api.get("/api/activities/home", headers=user.headers)
        assert home.status_code == 200 and home.headers["x-cruddur-service"] == "activity"
        # what only the Python gateway serves is unavailable meanwhile, as JSON with the headers
        config = api.get("/config.json")
        expect_error(config, 503, "service_unavailable")
        assert config.headers["x-frame-options"] == "DENY" and config.headers["x-request-id"]
    assert api.get("/config.json").status_code == 200


def test_a_service_that_is_down_is_a_json_503_from_the_edge(stack: LocalStack, api: httpx.Client) -> None:
    with _down(stack, "messaging"):
        response = api.get("/api/message_groups", headers={"x-request-id": "down-1"})
        expect_error(response, 503, "service_unavailable")
        assert response.headers["x-request-id"] == "down-1"
        assert response.headers.get_list("x-content-type-options") == ["nosniff"]
        assert response.headers.get_list("server") == []
    assert api.get("/api/message_groups").status_code == 401  # back: the service answers (no token)


def test_a_request_line_nginx_refuses_is_a_json_400(stack: LocalStack) -> None:
    with socket.create_connection(("127.0.0.1", stack.cfg.gateway_port), timeout=10) as sock:
        sock.sendall(b"GET /api/users/@%00 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400"), head
    assert b'"code":"bad_request"' in body


def test_query_strings_stay_out_of_the_edges_log(
    stack: LocalStack, api: httpx.Client, make_user: Callable[..., TestUser]
) -> None:
    user = make_user()
    with _down(stack, "notification"):  # an upstream error is what nginx would log, request line and all
        response = api.get("/api/notifications/stream", params={"access_token": user.token})
        expect_error(response, 503, "service_unavailable")
    assert user.token[-40:] not in (stack.log_dir / "edge.log").read_text()
