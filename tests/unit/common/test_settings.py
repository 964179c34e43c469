"""Settings refuse what would be unsafe in production."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from cruddur_common.settings import DEV_CURSOR_SECRET, MIN_CURSOR_SECRET, CommonSettings

PROD = {
    "cruddur_env": "prod",
    "cognito_user_pool_id": "us-east-1_x",
    "cognito_client_id": "c",
    "internal_secret": "i" * 48,
}


@pytest.mark.parametrize("secret", ["", "short", "x" * (MIN_CURSOR_SECRET - 1), DEV_CURSOR_SECRET])
def test_prod_refuses_an_empty_short_or_public_cursor_secret(secret: str) -> None:
    with pytest.raises(ValidationError, match="CURSOR_SECRET"):
        CommonSettings(**PROD, cursor_secret=secret)


def test_prod_accepts_a_long_cursor_secret() -> None:
    assert CommonSettings(**PROD, cursor_secret="k" * MIN_CURSOR_SECRET).cursor_secret == "k" * 32


def test_the_environment_is_read_too(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CURSOR_SECRET", "")
    with pytest.raises(ValidationError, match="at least 32"):
        CommonSettings(**PROD)


def test_dev_keeps_its_default() -> None:
    assert CommonSettings(cursor_secret="").cursor_secret == ""
    assert CommonSettings().cursor_secret == DEV_CURSOR_SECRET
