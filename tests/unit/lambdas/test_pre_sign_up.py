"""The Cognito pre-sign-up Lambda refuses what the profile edit refuses, before any database call."""

from __future__ import annotations

import pytest

from tests.unit.lambdas.test_post_confirmation import cognito_event
from user_service.errors import InvalidAttributes
from user_service.lambdas import pre_sign_up
from user_service.settings import Settings


@pytest.mark.parametrize(
    "name",
    ["Ada \u202eecalevoL", "Ada\u2066 Lovelace", "Ada\nLovelace", "Ada\u0000"],
    ids=["rtl-override", "isolate", "newline", "nul"],
)
async def test_a_display_name_with_control_characters_is_refused(name: str) -> None:
    event = cognito_event("PreSignUp_SignUp", name=name)
    # No database is reachable at this URL: the name must be refused before one is needed.
    with pytest.raises(InvalidAttributes):
        await pre_sign_up.check(
            event, database_url="postgresql+asyncpg://nobody@127.0.0.1:1/none", settings=Settings()
        )


def test_an_ordinary_display_name_passes() -> None:
    pre_sign_up.check_name(cognito_event("PreSignUp_SignUp", name="Ada Lovelace \u00e9\U0001f600"))
