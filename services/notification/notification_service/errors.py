"""Domain errors of the notification service."""

from cruddur_common.errors import NotFound


class NotificationNotFound(NotFound):
    """No such notification for this person."""

    code = "notification_not_found"
