"""A person's default crud expiry: set with the profile, read from /api/users/me (the SPA's own profile)."""

from __future__ import annotations

import httpx
import pytest

from tests.support import expect_error

pytestmark = pytest.mark.integration


def _update(api: httpx.Client, user, **fields: object) -> httpx.Response:
    return api.put("/api/profile/update", json={"display_name": user.name, **fields}, headers=user.headers)


def _me(api: httpx.Client, user) -> dict[str, object]:
    return dict(api.get("/api/users/me", headers=user.headers).json())


def test_default_ttl_is_set_read_kept_and_cleared(api: httpx.Client, make_user) -> None:
    user = make_user()
    assert _me(api, user)["default_ttl"] is None
    updated = _update(api, user, default_ttl="3-hours")
    assert updated.status_code == 200, updated.text
    assert updated.json()["default_ttl"] == "3-hours"
    assert _me(api, user)["default_ttl"] == "3-hours"
    assert _update(api, user, bio="absent keeps it").json()["default_ttl"] == "3-hours"
    assert _update(api, user, default_ttl=None).json()["default_ttl"] is None
    assert _me(api, user)["default_ttl"] is None


@pytest.mark.parametrize("value", ["2-days", "", "now", "3-HOURS", 7, ["1-day"]])
def test_a_default_ttl_that_is_not_a_preset_is_422_and_changes_nothing(
    api: httpx.Client, make_user, value: object
) -> None:
    user = make_user()
    _update(api, user, default_ttl="1-day")
    code = "ttl_invalid" if isinstance(value, str) else "validation_error"
    expect_error(_update(api, user, default_ttl=value, bio="not saved"), 422, code)
    me = _me(api, user)
    assert (me["default_ttl"], me["bio"]) == ("1-day", "")
