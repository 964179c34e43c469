"""Domain errors of the notification service."""

from cruddur_common.errors import NotFound, Unauthorized


class NotificationNotFound(NotFound):
    """No such notification for this person."""

    code = "notification_not_found"


class AccountDeleted(Unauthorized):
    """The access token is still valid, but its account was deleted (issue 16)."""

    def __init__(self) -> None:
        super().__init__("This account has been deleted.", code="account_deleted")
