"""Errors of data exports (each a stable code)."""

from __future__ import annotations

from cruddur_common.errors import AppError, NotFound


class ExportNotFound(NotFound):
    """The caller never asked for an export."""

    code = "export_not_found"


class ExportLimit(AppError):
    """One export a day (a running one included): wait `Retry-After` seconds."""

    status_code = 429
    code = "export_limit"

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(
            message, details={"retry_after": retry_after}, headers={"Retry-After": str(retry_after)}
        )


class ExportFailed(AppError):
    """A part of the export could not be collected; the message is what the person is shown (the job
    retries it with backoff, then gives up as `failed`)."""

    status_code = 503
    code = "export_failed"
