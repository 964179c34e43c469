"""Structured JSON logs: one line per request, request ids generated at the edge and propagated."""

from __future__ import annotations

import contextvars
import logging
import os
import re
import sys
import time
from typing import Any

import orjson
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from cruddur_common.errors import internal_error

REQUEST_ID_HEADER = "x-request-id"
# A caller's X-Request-Id is kept when it matches this (the local edge's nginx map uses the same pattern).
REQUEST_ID_PATTERN = r"^[A-Za-z0-9._:-]{1,128}$"
_VALID_REQUEST_ID = re.compile(REQUEST_ID_PATTERN)
request_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)

# asyncpg quotes a refused bound value in its error ("invalid input for query argument $1: 'a DM…' (…)");
# SQLAlchemy's own "[parameters: …]" is off (hide_parameters). Values never reach a log line.
_ASYNCPG_ARGUMENT = re.compile(r"(query argument \$\d+: ).*?( \(|$)", re.MULTILINE)
_errors_log = logging.getLogger("cruddur.errors")
_RESERVED = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    """Render a record as one JSON object per line."""

    def __init__(self, *, service: str) -> None:
        super().__init__()
        self.service = service

    def format(self, record: logging.LogRecord) -> str:
        """Serialise the record with its extra fields."""
        data: dict[str, Any] = {
            "ts": round(record.created, 3),
            "level": record.levelname.lower(),
            "service": self.service,
            "logger": record.name,
            "msg": redact(record.getMessage()),
        }
        request_id = request_id_var.get()
        if request_id:
            data["request_id"] = request_id
        for key, value in record.__dict__.items():
            if key not in _RESERVED and not key.startswith("_"):
                data[key] = value
        if record.exc_info:
            data["exc"] = redact(self.formatException(record.exc_info))
        return orjson.dumps(data, default=str).decode()


def redact(text: str) -> str:
    """Remove bound parameter values that a database error quotes."""
    return _ASYNCPG_ARGUMENT.sub(r"\1[value hidden]\2", text)


def configure_logging(*, service: str, level: str = "INFO") -> None:
    """Send every log line to stdout as JSON; silence uvicorn's own access log."""
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(JsonFormatter(service=service))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    logging.getLogger("uvicorn.access").disabled = True
    for name in ("uvicorn", "uvicorn.error"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True


def new_request_id() -> str:
    """A fresh request id: 128 random bits in hex (as `uuid4().hex`, without building a UUID)."""
    return os.urandom(16).hex()


def accept_request_id(value: str | None) -> str:
    """Keep a well-formed incoming request id; replace anything else."""
    if value and _VALID_REQUEST_ID.match(value):
        return value
    return new_request_id()


class RequestContextMiddleware:
    """Pure ASGI: request id in and out, body-size limit, and one access-log line per request."""

    def __init__(self, app: ASGIApp, *, service: str, max_body_bytes: int) -> None:
        self.app = app
        self.service = service
        self.max_body_bytes = max_body_bytes
        self.log = logging.getLogger("cruddur.access")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        request_id = accept_request_id(headers.get(b"x-request-id", b"").decode("latin-1"))
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        status = 500
        started_response = False
        state = scope.setdefault("state", {})
        try:
            length = headers.get(b"content-length")
            if length is not None and (not length.isdigit() or int(length) > self.max_body_bytes):
                status = 413 if length.isdigit() else 400
                await _send_error(send, status, request_id, self.max_body_bytes)
                return

            async def send_wrapper(message: Message) -> None:
                nonlocal status, started_response
                if message["type"] == "http.response.start":
                    started_response = True
                    status = message["status"]
                    message.setdefault("headers", [])
                    message["headers"] = [
                        *message["headers"],
                        (b"x-request-id", request_id.encode()),
                        (b"x-cruddur-service", self.service.encode()),
                    ]
                await send(message)

            try:
                await self.app(scope, _limited(receive, self.max_body_bytes), send_wrapper)
            except _BodyTooLarge:
                if started_response:
                    raise
                status = 413
                await _send_error(send, status, request_id, self.max_body_bytes)
            except Exception:
                if started_response:  # half a response: only closing the connection tells the client
                    raise
                # Answered here rather than by Starlette's ServerErrorMiddleware, which re-raises after its
                # 500 so that the server closes the keep-alive connection, and which sits outside this
                # middleware, so its 500 carried no X-Request-Id.
                _errors_log.exception("unhandled error on %s %s", scope["method"], scope["path"])
                status = 500
                await internal_error()(scope, receive, send_wrapper)
        finally:
            self.log.info(
                "request",
                extra={
                    "method": scope["method"],
                    "path": scope["path"],
                    "status": status,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                    "user_sub": state.get("user_sub"),
                },
            )
            request_id_var.reset(token)


class _BodyTooLarge(HTTPException):
    """The body grew past the limit while streaming (no Content-Length, e.g. chunked).

    An HTTPException so that FastAPI's body parsing lets it through as a 413 instead of turning every
    error while reading the body into a 400.
    """

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"The body exceeds {limit} bytes.")


def _limited(receive: Receive, limit: int) -> Receive:
    seen = 0

    async def wrapped() -> Message:
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > limit:
                raise _BodyTooLarge(limit)
        return message

    return wrapped


async def _send_error(send: Send, status: int, request_id: str, limit: int) -> None:
    if status == 413:
        body = {"error": {"code": "payload_too_large", "message": f"The body exceeds {limit} bytes."}}
    else:
        body = {"error": {"code": "bad_request", "message": "Content-Length is not a number."}}
    payload = orjson.dumps(body)
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(payload)).encode()),
                (b"x-request-id", request_id.encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": payload})
