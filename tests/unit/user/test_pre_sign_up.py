"""The pre-sign-up trigger's event parsing (the database check runs in the integration tests)."""

from __future__ import annotations

import pytest

from user_service.errors import InvalidAttributes
from user_service.lambdas.pre_sign_up import handle_from_event


def _event(handle: object) -> dict[str, object]:
    return {
        "triggerSource": "PreSignUp_SignUp",
        "request": {"userAttributes": {"preferred_username": handle}},
    }


def test_a_valid_handle_is_returned() -> None:
    assert handle_from_event(_event(" andrew_brown ")) == "andrew_brown"


@pytest.mark.parametrize("handle", [None, "", "ab", "x" * 31, "no spaces", "emoji🦄", "semi;colon"])
def test_invalid_handles_are_refused(handle: object) -> None:
    with pytest.raises(InvalidAttributes):
        handle_from_event(_event(handle))
