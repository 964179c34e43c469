"""JSON errors with stable machine codes, installed once for every service."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import iter_route_contexts
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from cruddur_common.outages import LIBRARY_ERRORS, dependency_of

log = logging.getLogger("cruddur.errors")

_STATUS_CODES = {
    400: "bad_request",
    401: "not_authenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "rate_limited",
    503: "unavailable",
}
_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
# Long enough for a pool to reconnect or a peer to restart, short enough that a client retries soon.
RETRY_AFTER_SECONDS = 2


class AppError(Exception):
    """A failure the client should see: an HTTP status, a stable code and a human message."""

    status_code = 400
    code = "bad_request"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        status_code: int | None = None,
        details: Any = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code or self.code
        self.status_code = status_code or self.status_code
        self.details = details
        self.headers = headers


class NotFound(AppError):
    """The resource does not exist (or the caller may not know it exists)."""

    status_code = 404
    code = "not_found"


class Forbidden(AppError):
    """The caller is known but may not do this."""

    status_code = 403
    code = "forbidden"


class Conflict(AppError):
    """The request conflicts with the current state."""

    status_code = 409
    code = "conflict"


class Unprocessable(AppError):
    """Well-formed but semantically invalid input."""

    status_code = 422
    code = "validation_error"


class Unauthorized(AppError):
    """Missing or invalid credentials; always carries WWW-Authenticate: Bearer."""

    status_code = 401
    code = "not_authenticated"

    def __init__(self, message: str, *, code: str = "not_authenticated") -> None:
        header = f'Bearer error="invalid_token", error_description="{code}"'
        if code == "not_authenticated":
            header = "Bearer"
        super().__init__(message, code=code, headers={"WWW-Authenticate": header})


class DependencyUnavailable(AppError):
    """A dependency (postgres, dynamodb, s3, cognito-jwks, a peer service) is unreachable: retry soon."""

    status_code = 503
    code = "dependency_unavailable"

    def __init__(self, dependency: str, *, retry_after: int = RETRY_AFTER_SECONDS) -> None:
        super().__init__(
            f"{dependency} is unavailable; retry in a few seconds.",
            details={"dependency": dependency},
            headers={"Retry-After": str(retry_after)},
        )
        self.dependency = dependency


class RateLimited(AppError):
    """Too many writes of one kind by one caller (cruddur_common.rate_limits): wait `Retry-After` seconds."""

    status_code = 429
    code = "rate_limited"

    def __init__(self, action: str, *, retry_after: int, headers: dict[str, str]) -> None:
        super().__init__(
            f"Too many {action} in a short time; try again in {retry_after} s.",
            details={"action": action, "retry_after": retry_after},
            headers={"Retry-After": str(retry_after), **headers},
        )


class ErrorBody(BaseModel):
    """The error object: a stable code, a message, optional details."""

    code: str
    message: str
    details: Any = None


class ErrorResponse(BaseModel):
    """Every non-2xx response of every service has this shape."""

    error: ErrorBody


def error_response(
    status: int, code: str, message: str, *, details: Any = None, headers: dict[str, str] | None = None
) -> JSONResponse:
    """Build the JSON error response."""
    body: dict[str, Any] = {"code": code, "message": message}
    if details is not None:
        body["details"] = details
    return JSONResponse({"error": body}, status_code=status, headers=headers)


def _validation_details(exc: RequestValidationError) -> list[dict[str, Any]]:
    details = []
    for err in exc.errors():
        details.append(
            {
                "loc": [str(p) for p in err.get("loc", ())],
                "type": err.get("type"),
                "message": err.get("msg"),
            }
        )
    return details


async def _app_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, AppError)
    return error_response(exc.status_code, exc.code, exc.message, details=exc.details, headers=exc.headers)


async def _validation_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    details = _validation_details(exc)
    if any(d["type"] in ("json_invalid", "model_attributes_type") for d in details):
        return error_response(400, "invalid_body", "The request body is not valid JSON.", details=details)
    return error_response(422, "validation_error", "The request is not valid.", details=details)


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code = _STATUS_CODES.get(exc.status_code, "http_error")
    message = exc.detail if isinstance(exc.detail, str) else code.replace("_", " ")
    headers = dict(getattr(exc, "headers", None) or {})
    if exc.status_code == 405:
        headers["Allow"] = ", ".join(_allowed_methods(request))
    return error_response(exc.status_code, code, message, headers=headers or None)


def _allowed_methods(request: Request) -> list[str]:
    """Every method some route serves on this path (Starlette's own 405 names only the first route's).

    Asks the router itself, method by method, so included routers are searched as routing would.
    """
    allowed = []
    for method in _METHODS:
        scope = {**request.scope, "method": method}
        if any(route.matches(scope)[0] == Match.FULL for route in request.app.router.routes):
            allowed.append(method)
    return allowed


def internal_error() -> JSONResponse:
    """The one 500 body: it says nothing about the cause (that is in the log)."""
    return error_response(500, "internal_error", "Something went wrong on our side.")


async def _unhandled(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return internal_error()


def _peers(request: Request) -> dict[str, str]:
    """Base URL -> name of everything the service calls over HTTP (peer services and the JWKS)."""
    settings = getattr(request.app.state, "settings", None)
    if settings is None:
        return {}
    names = ("activity", "user", "messaging", "notification")
    peers = {getattr(settings, f"{name}_url"): name for name in names}
    peers[settings.jwks_url] = "cognito-jwks"
    return peers


async def _library_error(request: Request, exc: Exception) -> JSONResponse:
    """A client library's error: 503 when it says a dependency is down, else the usual 500."""
    dependency = dependency_of(exc, peers=_peers(request))
    if dependency is None:
        return await _unhandled(request, exc)
    # The class names only: a database error's text may carry a statement's values.
    log.warning(
        "dependency unavailable",
        extra={"dependency": dependency, "error": type(exc).__name__, "method": request.method},
    )
    return await _app_error(request, DependencyUnavailable(dependency))


def install_error_handlers(app: FastAPI) -> None:
    """Make every failure a JSON error with a stable code.

    Library errors get handlers of their own, not the catch-all: Starlette answers a catch-all 500 in its
    ServerErrorMiddleware and then re-raises, which makes the server close the keep-alive connection.
    """
    app.add_exception_handler(AppError, _app_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    for library_error in LIBRARY_ERRORS:
        app.add_exception_handler(library_error, _library_error)
    app.add_exception_handler(Exception, _unhandled)
    _document_errors(app)


def _document_errors(app: FastAPI) -> None:
    """Add what every operation can answer to OpenAPI: 400 `invalid_body` for JSON bodies, 503 outages,
    and what the route's own `dependencies=[...]` declare they raise (`openapi_responses`, e.g. a 429)."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = build()
            _add_error_responses(schema)
            _add_dependency_responses(app, schema)
        assert app.openapi_schema is not None
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def _add_error_responses(schema: dict[str, Any]) -> None:
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorResponse"}}}
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            body = operation.get("requestBody", {}).get("content", {})
            if "application/json" in body:
                responses.setdefault(
                    "400", {"description": "The body is not valid JSON (`invalid_body`)", "content": error}
                )
            responses.setdefault(
                "503",
                {
                    "description": "A dependency is unavailable (`dependency_unavailable`); see Retry-After",
                    "headers": {"Retry-After": {"schema": {"type": "integer"}, "description": "Seconds"}},
                    "content": error,
                },
            )


def _add_dependency_responses(app: FastAPI, schema: dict[str, Any]) -> None:
    """A route dependency whose callable has `openapi_responses` (status -> OpenAPI response) adds them."""
    paths = schema.get("paths", {})
    for route in iter_route_contexts(app.routes):  # included routers' routes too, with their dependencies
        declared: dict[str, Any] = {}
        for depends in getattr(route, "dependencies", None) or ():
            declared.update(getattr(depends.dependency, "openapi_responses", {}))
        for method in route.methods or () if declared else ():
            operation = paths.get(route.path_format, {}).get(method.lower())
            if operation is not None:
                for status, response in declared.items():
                    operation.setdefault("responses", {}).setdefault(str(status), response)


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorResponse, "description": "Missing or invalid access token"},
    404: {"model": ErrorResponse, "description": "Not found"},
    422: {"model": ErrorResponse, "description": "Invalid input"},
}
