"""One httpx client per process for internal calls: timeouts, request id, service credential, user token."""

from __future__ import annotations

from typing import Annotated

import httpx
from fastapi import Depends, Request

from cruddur_common.internal_auth import InternalAuth
from cruddur_common.logging import request_id_var
from cruddur_common.settings import CommonSettings


async def _forward_request_id(request: httpx.Request) -> None:
    request_id = request_id_var.get()
    if request_id and "x-request-id" not in request.headers:
        request.headers["x-request-id"] = request_id


def create_internal_client(
    *, settings: CommonSettings, caller: str, transport: httpx.AsyncBaseTransport | None = None
) -> httpx.AsyncClient:
    """The shared client; every call carries the request id, calls of /internal/* the service credential."""
    timeout = settings.internal_timeout_seconds
    return httpx.AsyncClient(
        timeout=httpx.Timeout(timeout, connect=min(timeout, 2.0)),
        auth=InternalAuth(secret=settings.internal_secret, caller=caller),
        limits=httpx.Limits(max_connections=100, max_keepalive_connections=20),
        event_hooks={"request": [_forward_request_id]},
        headers={"user-agent": "cruddur-internal"},
        transport=transport,
    )


def auth_headers(token: str | None) -> dict[str, str]:
    """Headers that forward the caller's bearer token to another service."""
    return {"authorization": f"Bearer {token}"} if token else {}


def get_http(request: Request) -> httpx.AsyncClient:
    """The process's internal client."""
    client: httpx.AsyncClient = request.app.state.http
    return client


HttpDep = Annotated[httpx.AsyncClient, Depends(get_http)]
