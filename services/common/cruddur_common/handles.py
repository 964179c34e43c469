"""The one definition of a handle, and of `@{handle}` in a path.

A handle is 3-30 ASCII letters, digits or underscores (the user service's CHECK constraint and the
sign-up trigger use this pattern). A path or body handle that does not match cannot name anyone, so it
is answered exactly as an unknown handle is: 404 `user_not_found`, which every service already
documents for `@{handle}` routes, without a lookup.
"""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import Depends, Path

from cruddur_common.errors import NotFound

HANDLE_PATTERN = r"^[A-Za-z0-9_]{3,30}$"
_HANDLE = re.compile(HANDLE_PATTERN)


class UnknownHandle(NotFound):
    """No user has this handle (it may not even be a well-formed handle)."""

    code = "user_not_found"


def is_handle(value: str) -> bool:
    """Whether `value` is a well-formed handle."""
    return _HANDLE.fullmatch(value) is not None


def known_handle(value: str) -> str:
    """`value` if it is well formed, else 404 `user_not_found` (a message safe to echo)."""
    if not is_handle(value):
        raise UnknownHandle("No user has this handle.")
    return value


def path_handle(
    handle: Annotated[
        str,
        Path(
            description="A handle: 3-30 letters, digits or underscores (case-insensitive).",
            json_schema_extra={"pattern": HANDLE_PATTERN},
        ),
    ],
) -> str:
    """The `{handle}` path parameter; 404 `user_not_found` when it cannot be a handle."""
    return known_handle(handle)


HandlePath = Annotated[str, Depends(path_handle)]
