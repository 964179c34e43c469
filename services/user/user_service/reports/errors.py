"""Errors of reports (each a stable code)."""

from cruddur_common.errors import NotFound, Unprocessable


class TargetNotFound(NotFound):
    """Nothing the reporter can see has this id (gone, expired and not held, or not theirs to see)."""

    code = "not_found"


class CommentTooLong(Unprocessable):
    """The comment has more than 1,000 characters after trimming."""

    code = "comment_too_long"


class CannotReportSelf(Unprocessable):
    """Reporting your own account is not a thing."""

    code = "cannot_report_self"
