"""Domain errors of the user service."""

from cruddur_common.errors import Conflict, NotFound, Unprocessable


class UserNotFound(NotFound):
    """No such user."""

    code = "user_not_found"


class HandleTaken(Conflict):
    """Another account already uses this handle."""

    code = "handle_taken"


class EmailTaken(Conflict):
    """Another account already uses this email."""

    code = "email_taken"


class InvalidAttributes(Unprocessable):
    """The Cognito attributes cannot make a valid user."""

    code = "invalid_user_attributes"
