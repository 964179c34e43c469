"""Why a stream record failed: permanent (park it), transient (retry it in order) or unexpected."""

from __future__ import annotations

import enum

import httpx
from botocore.exceptions import BotoCoreError, ClientError
from pydantic import ValidationError

from messaging_service.stream.clients import EventRejected

# 4xx answers that say "not now" rather than "never": a route not deployed yet (404), timeouts (408),
# conflicts (409), too early (425), throttling (429) - and our own credentials refused (401/403), which
# is a deployment fault shared by every record, so parking would drain the whole stream into the DLQ.
RETRYABLE_4XX = frozenset({401, 403, 404, 408, 409, 425, 429})


class InvalidRecord(Exception):
    """The record is not a well-formed message: no retry can ever apply it."""


class Verdict(enum.StrEnum):
    """What to do with a record that failed."""

    PERMANENT = "permanent"  # park it in the dead-letter store and go on
    TRANSIENT = "transient"  # retry it, with backoff, before any later record
    UNEXPECTED = "unexpected"  # a bug or an unknown fault: retry a bounded number of times, then park


def classify(exc: BaseException) -> Verdict:
    """The verdict for the exception a record's processing raised."""
    if isinstance(exc, InvalidRecord | EventRejected | ValidationError):  # bad data: retrying cannot help
        return Verdict.PERMANENT
    if isinstance(exc, httpx.HTTPStatusError):
        status = exc.response.status_code
        return Verdict.PERMANENT if 400 <= status < 500 and status not in RETRYABLE_4XX else Verdict.TRANSIENT
    if isinstance(exc, httpx.TransportError | ClientError | BotoCoreError | OSError | TimeoutError):
        return Verdict.TRANSIENT
    return Verdict.UNEXPECTED


def describe(exc: BaseException, *, with_body: bool = False) -> str:
    """A short description of a failure; a peer's answer body (it may echo the DM) only when asked."""
    if isinstance(exc, httpx.HTTPStatusError):
        text = f"HTTP {exc.response.status_code} from {exc.request.url.path}"
        body = exc.response.text[:300]
    elif isinstance(exc, EventRejected):
        text, body = "HTTP 422 from the notification service", str(exc)[:300]
    else:
        text, body = str(exc)[:500], ""
    if with_body and body:
        text = f"{text}: {body}"
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
