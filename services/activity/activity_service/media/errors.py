"""Domain errors of crud pictures' own routes (the attach refusals are in activity_service/errors.py).

The processor's two codes are the ones the user service's avatar claim answers (issue 15 contract), so one
client in the processor handles both.
"""

from __future__ import annotations

from cruddur_common.errors import Conflict, NotFound


class MediaNotFound(NotFound):
    """No picture with this id, or someone else's (owners only)."""

    code = "media_not_found"


class UploadGrantNotFound(NotFound):
    """No upload grant exists for this key (or it belongs to someone else)."""

    code = "upload_grant_not_found"


class UploadSettled(Conflict):
    """The upload was already processed (ready or failed); a repeated event changes nothing."""

    code = "upload_settled"
