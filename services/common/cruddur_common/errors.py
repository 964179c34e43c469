"""JSON errors with stable machine codes, installed once for every service."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

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


async def _http_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code = _STATUS_CODES.get(exc.status_code, "http_error")
    message = exc.detail if isinstance(exc.detail, str) else code.replace("_", " ")
    return error_response(exc.status_code, code, message, headers=getattr(exc, "headers", None))


async def _unhandled(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return error_response(500, "internal_error", "Something went wrong on our side.")


def install_error_handlers(app: FastAPI) -> None:
    """Make every failure a JSON error with a stable code."""
    app.add_exception_handler(AppError, _app_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unhandled)


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorResponse, "description": "Missing or invalid access token"},
    404: {"model": ErrorResponse, "description": "Not found"},
    422: {"model": ErrorResponse, "description": "Invalid input"},
}
