"""Which dependency an exception says is down: Postgres, an AWS service, Cognito's JWKS or a peer service.

Each client library reports "I could not reach it" in its own way (asyncpg, SQLAlchemy wrapping asyncpg,
botocore, httpx). `dependency_of` names the dependency when an exception (or one it wraps) is such a
connection-level failure, and returns None for everything else: a SQL syntax error, an integrity
violation or a 4xx from a peer is a bug or a conflict, never an outage.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator, Mapping
from types import TracebackType

import asyncpg
import httpx
import sqlalchemy.exc
from botocore.exceptions import BotoCoreError, ClientError, HTTPClientError
from botocore.exceptions import ConnectionError as BotoConnectionError

# Library base classes whose instances may be outages; the app registers one handler for each, so
# that the decision (503 or 500) is taken inside Starlette's ExceptionMiddleware and the connection stays.
LIBRARY_ERRORS: tuple[type[Exception], ...] = (
    asyncpg.PostgresError,
    asyncpg.InterfaceError,
    asyncpg.InternalClientError,
    sqlalchemy.exc.SQLAlchemyError,
    BotoCoreError,
    ClientError,
    httpx.HTTPError,
    OSError,
)

_POSTGRES_DOWN: tuple[type[BaseException], ...] = (
    asyncpg.PostgresConnectionError,  # class 08, incl. ConnectionDoesNotExistError
    asyncpg.CannotConnectNowError,  # 57P03: starting up or shutting down
    asyncpg.exceptions.AdminShutdownError,  # 57P01: terminated by a fast shutdown
    asyncpg.exceptions.CrashShutdownError,
    asyncpg.exceptions.TooManyConnectionsError,
    asyncpg.InterfaceError,  # "connection is closed", "released back to the pool"
    sqlalchemy.exc.TimeoutError,  # no pooled connection within pool_timeout
)
_NETWORK_DOWN = (ConnectionError, TimeoutError, socket.gaierror)  # OSErrors of a dead socket
_AWS_THROTTLED = frozenset(
    {
        "ProvisionedThroughputExceededException",
        "ThrottlingException",
        "Throttling",
        "RequestLimitExceeded",
        "TooManyRequestsException",
        "SlowDown",
        "ServiceUnavailable",
        "InternalServerError",
        "InternalFailure",
    }
)
_POSTGRES_MODULES = ("asyncpg", "sqlalchemy")


def dependency_of(exc: BaseException, *, peers: Mapping[str, str] | None = None) -> str | None:
    """The name of the unreachable dependency behind `exc`, or None when `exc` is not an outage.

    `peers` maps a base URL (scheme://host:port) to its name, for internal calls and the JWKS.
    """
    for err in _chain(exc):
        name = _direct(err, peers or {})
        if name is not None:
            return name
    return None


def _chain(exc: BaseException) -> Iterator[BaseException]:
    """`exc`, then what it wraps (SQLAlchemy's `.orig`, `__cause__`, `__context__`), each once."""
    seen: set[int] = set()
    todo: list[BaseException] = [exc]
    while todo and len(seen) < 16:
        err = todo.pop(0)
        if id(err) in seen:
            continue
        seen.add(id(err))
        yield err
        orig = getattr(err, "orig", None)
        for nxt in (orig, err.__cause__, err.__context__):
            if isinstance(nxt, BaseException):
                todo.append(nxt)


def _direct(err: BaseException, peers: Mapping[str, str]) -> str | None:
    if isinstance(err, _POSTGRES_DOWN) or _connection_cut(err):
        return "postgres"
    if isinstance(err, sqlalchemy.exc.DBAPIError) and err.connection_invalidated:
        return "postgres"
    if isinstance(err, BotoConnectionError | HTTPClientError):
        return _aws_service(err)
    if isinstance(err, ClientError):
        return _aws_service(err) if _throttled_or_down(err) else None
    if isinstance(err, httpx.TransportError):
        return _peer(err, peers)
    if isinstance(err, httpx.HTTPStatusError):
        return _peer(err, peers) if err.response.status_code >= 500 else None
    if isinstance(err, _NETWORK_DOWN) and _raised_in(err.__traceback__, _POSTGRES_MODULES):
        return "postgres"  # asyncpg lets the socket's own OSError through on connect
    return None


def _connection_cut(err: BaseException) -> bool:
    """asyncpg's "cannot switch to state 15; another operation (2) is in progress": a pooled connection
    that got the server's FATAL while idle, handed out before asyncpg saw it close (a Postgres fast
    shutdown; the chaos test). Only this one: InternalClientError's subclasses (a stale type cache after a
    migration, a protocol error) are bugs, and stay 500s."""
    return type(err) is asyncpg.InternalClientError and str(err).startswith("cannot switch to state")


def _throttled_or_down(err: ClientError) -> bool:
    code = err.response.get("Error", {}).get("Code", "")
    status = err.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
    return code in _AWS_THROTTLED or (isinstance(status, int) and status >= 500)


def _aws_service(err: BaseException) -> str:
    """The AWS service whose client raised `err` (dynamodb, s3, cognito-idp, ...), else "aws"."""
    tb = err.__traceback__
    while tb is not None:
        owner = tb.tb_frame.f_locals.get("self")
        model = getattr(getattr(owner, "meta", None), "service_model", None)
        name = getattr(model, "service_name", None)
        if isinstance(name, str):
            return name
        tb = tb.tb_next
    return "aws"


def _peer(err: httpx.HTTPError, peers: Mapping[str, str]) -> str:
    try:
        url = err.request.url
    except RuntimeError:  # an httpx error raised without a request
        return "peer service"
    text = str(url)
    for base in sorted(peers, key=len, reverse=True):  # the JWKS URL before its host's origin
        if text.startswith(base.rstrip("/")):
            return peers[base]
    return url.host or "peer service"


def _raised_in(tb: TracebackType | None, modules: tuple[str, ...]) -> bool:
    while tb is not None:
        module = tb.tb_frame.f_globals.get("__name__", "")
        if isinstance(module, str) and module.startswith(modules):
            return True
        tb = tb.tb_next
    return False
