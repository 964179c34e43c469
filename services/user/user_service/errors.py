"""Domain errors of the user service."""

from cruddur_common.errors import Conflict, Forbidden, NotFound, Unauthorized, Unprocessable
from cruddur_common.expiry import TtlInvalid as TtlInvalid  # default_ttl, the crud presets' own code


class UserNotFound(NotFound):
    """No such user."""

    code = "user_not_found"


class HandleTaken(Conflict):
    """Another account already uses this handle."""

    code = "handle_taken"


class ProfileIncomplete(Conflict):
    """A confirmed sign-in without a Cruddur profile (its handle was taken first): choose another handle."""

    code = "profile_incomplete"


class EmailTaken(Conflict):
    """Another account already uses this email."""

    code = "email_taken"


class InvalidAttributes(Unprocessable):
    """The Cognito attributes cannot make a valid user."""

    code = "invalid_user_attributes"


class CannotFollowSelf(Unprocessable):
    """Following yourself is not a thing."""

    code = "cannot_follow_self"


class DisplayNameBlank(Unprocessable):
    """The display name is empty after trimming."""

    code = "display_name_blank"


class DisplayNameTooLong(Unprocessable):
    """The display name has more than 50 characters."""

    code = "display_name_too_long"


class BioTooLong(Unprocessable):
    """The bio has more than 160 characters."""

    code = "bio_too_long"


class Suspended(Forbidden):
    """A moderator suspended this account: its own calls are refused while its token lives on."""

    code = "suspended"


class CannotBlockSelf(Unprocessable):
    """Blocking yourself is not a thing."""

    code = "cannot_block_self"


class CannotMuteSelf(Unprocessable):
    """Muting yourself is not a thing."""

    code = "cannot_mute_self"


class Blocked(Forbidden):
    """One of the two has blocked the other: no follows between them."""

    code = "blocked"


class AccountDeleted(Unauthorized):
    """The caller deleted this account: its still-valid token is refused by every call."""

    code = "account_deleted"

    def __init__(self, message: str = "This account was deleted.") -> None:
        super().__init__(message, code=self.code)
