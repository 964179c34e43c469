"""Domain errors of avatars."""

from __future__ import annotations

from cruddur_common.errors import Conflict, NotFound, Unprocessable


class AvatarRejected(Exception):
    """An upload that will never become an avatar or a picture: a stable reason code and a user message."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(f"{reason}: {message}")
        self.reason = reason
        self.message = message


class UploadGrantNotFound(NotFound):
    """No upload grant exists for this key (or it belongs to someone else)."""

    code = "avatar_grant_not_found"


class UploadSettled(Conflict):
    """The upload was already processed (ready or failed); a repeated event changes nothing."""

    code = "avatar_upload_settled"


class UnsupportedExtension(Unprocessable):
    """The original route's file extension is not one of jpg, jpeg, png, webp."""

    code = "unsupported_extension"
