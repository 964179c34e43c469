"""A report as its reporter sees it."""

from __future__ import annotations

from user_service.models import Report
from user_service.reports.schemas import ReportCreated


def render_created(report: Report) -> ReportCreated:
    """The id, status and time of a report."""
    return ReportCreated(id=report.id, status=report.status, created_at=report.created_at)  # type: ignore[arg-type]
