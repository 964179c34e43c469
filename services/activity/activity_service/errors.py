"""Domain errors of the activity service (each a stable code).

One small class per code, alike by design: the class is what the use cases raise and the tests catch.
"""

from cruddur_common.errors import Forbidden, NotFound, Unauthorized, Unprocessable
from cruddur_common.expiry import TtlInvalid as TtlInvalid  # shared with the user service's default_ttl


class ActivityNotFound(NotFound):
    """No live crud with this uuid (or not by this handle)."""

    code = "activity_not_found"


class UserNotFound(NotFound):
    """No user with this handle."""

    code = "user_not_found"


class NotAuthor(Forbidden):
    """Only the author may do this to a crud."""

    code = "not_author"


class Blocked(Forbidden):
    """The writer and the crud's author are a blocked pair (either blocked the other)."""

    code = "blocked"


class Suspended(Forbidden):
    """A moderator suspended the writer: they may not post, reply, react or delete."""

    code = "suspended"


class AccountDeleted(Unauthorized):
    """The writer deleted their account (their token outlives it): 401 as in the user service."""

    def __init__(self, message: str = "This account has been deleted.") -> None:
        super().__init__(message, code="account_deleted")


class MessageBlank(Unprocessable):
    """The message is empty after trimming."""

    code = "message_blank"


class MessageTooLong(Unprocessable):
    """The message has more characters than allowed."""

    code = "message_too_long"


class SearchTermBlank(Unprocessable):
    """The search term is empty after trimming."""

    code = "search_term_blank"


class ProfileUnavailable(Unprocessable):
    """The caller has no user profile yet (sign-up not confirmed)."""

    code = "profile_missing"


class ReplyExpiry(Unprocessable):
    """A reply's end is its crud's: it cannot be changed on its own."""

    code = "reply_expiry"


class TtlTooLong(Unprocessable):
    """The new end would be more than 30 days after the crud was posted."""

    code = "ttl_too_long"


# Attaching pictures to a crud or reply (media/service.py `attach`): each refusal rolls the post back.
class TooManyMedia(Unprocessable):
    """More pictures than a crud may carry."""

    code = "too_many_media"


class MediaDuplicate(Unprocessable):
    """The same picture twice in one crud."""

    code = "media_duplicate"


class AltTooLong(Unprocessable):
    """A picture's alt text has more characters than allowed."""

    code = "alt_too_long"


class MediaUnknown(Unprocessable):
    """A picture that does not exist or is someone else's (the 422 twin of media/errors.py MediaNotFound)."""

    code = "media_not_found"


class MediaNotReady(Unprocessable):
    """A picture still processing, or one that failed."""

    code = "media_not_ready"


class MediaInUse(Unprocessable):
    """A picture attached to a crud already."""

    code = "media_in_use"
