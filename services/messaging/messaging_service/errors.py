"""Domain errors of the messaging service."""

from cruddur_common.errors import Conflict, Forbidden, NotFound, Unauthorized, Unprocessable


class MessageGroupNotFound(NotFound):
    """No such conversation, or the caller is not in it (we do not reveal which)."""

    code = "message_group_not_found"


class UserNotFound(NotFound):
    """No user with this handle (or the caller has no profile yet)."""

    code = "user_not_found"


class CannotMessageSelf(Unprocessable):
    """A conversation needs two different people."""

    code = "cannot_message_self"


class MessageBlank(Unprocessable):
    """The message is empty or only whitespace."""

    code = "message_blank"


class MessageTooLong(Unprocessable):
    """The message is over 1024 characters."""

    code = "message_too_long"


class RecipientRequired(Unprocessable):
    """Exactly one of `message_group_uuid` and `handle` must be given."""

    code = "recipient_required"


class Blocked(Forbidden):
    """One of the two blocked the other: no conversation between them (which one is not said)."""

    code = "blocked"


class MessageTtlInvalid(Unprocessable):
    """The message timer is not one of the presets (or null)."""

    code = "message_ttl_invalid"


class RecipientDeleted(Conflict):
    """The other member deleted their account: the conversation stays readable, nothing can be added."""

    code = "recipient_deleted"


class AccountDeleted(Unauthorized):
    """The caller deleted their account (their access token is valid a while yet)."""

    def __init__(self) -> None:
        super().__init__("This account has been deleted.", code="account_deleted")
