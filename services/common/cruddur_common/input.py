"""The edge rule for every request: no control characters in the path, the query string or a JSON body.

A NUL that gets past the edge is refused later by Postgres (a 500), or worse, stored in DynamoDB and then
refused by a consumer forever (issue 12, finding 2). Checking each field would be forgotten by the next
route, so one pure ASGI middleware, installed by `create_service_app` for every service and hot route,
answers 422 `invalid_characters` before any route runs:

- path: any C0 control (tab and newline included: a path names things), DEL or C1 control;
- query string: the same but tab, line feed and carriage return, checked on the raw bytes
  (percent-encoded or not), so a clean query costs one regex search;
- body (POST, PUT, PATCH, DELETE with a JSON or no content type): raw control bytes refuse at once;
  the body is decoded and walked only when its bytes contain an escape that could decode to a control
  (`\\u0000`-`\\u009f`, a surrogate). Tab, line feed and carriage return are allowed in JSON text.
"""

from __future__ import annotations

import json
import re
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from cruddur_common.errors import error_response
from cruddur_common.text import CONTROLS, LINE_CONTROLS

CODE = "invalid_characters"
_BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# Raw bytes: C0 but tab/LF/CR and DEL; C1 as UTF-8 (0xC2 never appears inside another character).
# Two searches: a lone character class is scanned at C speed, an alternation is not (10x slower).
_RAW_C0 = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_RAW_C1 = re.compile(rb"\xc2[\x80-\x9f]")
# Query strings: the percent-encodings of those (a raw one is caught by _raw_control).
_PERCENT_CONTROL = re.compile(rb"%(?:0[0-8bBcCeEfF]|1[0-9a-fA-F]|7[fF]|[cC]2%[89][0-9a-fA-F])")
# JSON escapes that may decode to a control or a lone surrogate (a false alarm only costs a walk).
_ESCAPE = re.compile(rb"\\u(?:00[0-1789][0-9a-fA-F]|[dD][89a-fA-F])")


def _raw_control(data: bytes) -> bool:
    return _RAW_C0.search(data) is not None or (b"\xc2" in data and _RAW_C1.search(data) is not None)


def refused_path(path: str) -> bool:
    """Whether the (percent-decoded) path holds a control character."""
    # isprintable() is False for every control (and for a few harmless separators): a C-speed pass
    return not path.isprintable() and LINE_CONTROLS.search(path) is not None


def refused_query(query: bytes) -> bool:
    """Whether the raw query string holds a control character, percent-encoded or not."""
    if not query:
        return False
    if _raw_control(query):
        return True
    # most queries (cursors are base64url, limits are digits) have no `%` at all
    return b"%" in query and _PERCENT_CONTROL.search(query) is not None


def refused_body(body: bytes) -> bool:
    """Whether a JSON body holds a control character in any key or string (tab/LF/CR allowed)."""
    if _raw_control(body):
        return True
    if not _ESCAPE.search(body):
        return False
    try:
        # the stdlib parser, as the route's (orjson refuses a lone surrogate that json accepts)
        document = json.loads(body)
    except (ValueError, RecursionError):
        return False  # not JSON, or nested past the parser's depth: the route answers 400 itself
    return _has_control(document)


def _has_control(document: Any) -> bool:
    """Walk the document with a stack, not recursion: a hostile body may nest as deep as the parser allows."""
    pending = [document]
    while pending:
        value = pending.pop()
        if isinstance(value, str):
            if CONTROLS.search(value) is not None:
                return True
        elif isinstance(value, dict):
            pending.extend(value.keys())
            pending.extend(value.values())
        elif isinstance(value, list):
            pending.extend(value)
    return False


def _json_body(scope: Scope) -> bool:
    if scope["method"] not in _BODY_METHODS:
        return False
    for name, value in scope["headers"]:
        if name == b"content-type":
            media: bytes = value.split(b";", 1)[0].strip().lower()
            return media == b"application/json" or media.endswith(b"+json")
    return True  # no content type: FastAPI reads the body as JSON


class InputGuardMiddleware:
    """Pure ASGI: 422 `invalid_characters` for a control character in the path, query or JSON body."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if refused_path(scope["path"]):
            await _refuse(scope, receive, send, "path")
            return
        if refused_query(scope.get("query_string", b"")):
            await _refuse(scope, receive, send, "query")
            return
        if not _json_body(scope):
            await self.app(scope, receive, send)
            return
        messages = await _read_body(receive)
        body = b"".join(m.get("body", b"") for m in messages)
        if refused_body(body):
            await _refuse(scope, receive, send, "body")
            return
        await self.app(scope, _replay(body, receive), send)


async def _read_body(receive: Receive) -> list[Message]:
    """Every `http.request` message of the body (the outer middleware enforces the size limit)."""
    messages: list[Message] = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return messages
        messages.append(message)
        if not message.get("more_body", False):
            return messages


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replayed() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replayed


async def _refuse(scope: Scope, receive: Receive, send: Send, where: str) -> None:
    response = error_response(
        422,
        CODE,
        f"The request {where} contains control characters.",
        details={"in": where},
    )
    await response(scope, receive, send)
