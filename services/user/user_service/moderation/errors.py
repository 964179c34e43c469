"""Errors of moderation (each a stable code)."""

from cruddur_common.errors import Conflict, NotFound, Unprocessable


class ReportNotFound(NotFound):
    """No report with this id."""

    code = "report_not_found"


class AlreadyResolved(Conflict):
    """The report was resolved already (by you or another moderator)."""

    code = "already_resolved"


class NoteTooLong(Unprocessable):
    """The note has more than 1,000 characters after trimming."""

    code = "note_too_long"


class NothingToRemove(Unprocessable):
    """`remove` on a user report: a user is suspended, not removed."""

    code = "nothing_to_remove"


class CannotSuspendSelf(Unprocessable):
    """A moderator cannot suspend their own account."""

    code = "cannot_suspend_self"
