"""POST /api/activities: the crud, and every kind of bad input as a 4xx with a stable code."""

from __future__ import annotations

from datetime import datetime, timedelta

import httpx
import pytest

from tests.support import expect_error

pytestmark = pytest.mark.integration


def test_post_returns_the_crud_with_original_fields(api: httpx.Client, make_user) -> None:
    user = make_user()
    response = api.post(
        "/api/activities", json={"message": "  hello #World  ", "ttl": "3-hours"}, headers=user.headers
    )
    assert response.status_code == 201, response.text
    crud = response.json()
    assert crud["message"] == "hello #World"
    assert crud["handle"] == user.handle
    assert crud["display_name"] == user.name
    assert crud["avatar_url"]
    assert (crud["replies_count"], crud["reposts_count"], crud["likes_count"]) == (0, 0, 0)
    created = datetime.fromisoformat(crud["created_at"])
    expires = datetime.fromisoformat(crud["expires_at"])
    assert created.utcoffset() == timedelta(0)
    assert timedelta(hours=2, minutes=59) < expires - created <= timedelta(hours=3, seconds=5)


@pytest.mark.parametrize(
    ("ttl", "delta"),
    [("30-days", timedelta(days=30)), ("1-day", timedelta(days=1)), ("1-hour", timedelta(hours=1))],
)
def test_ttl_presets(api: httpx.Client, make_user, ttl: str, delta: timedelta) -> None:
    user = make_user()
    crud = api.post("/api/activities", json={"message": "x", "ttl": ttl}, headers=user.headers).json()
    span = datetime.fromisoformat(crud["expires_at"]) - datetime.fromisoformat(crud["created_at"])
    assert abs(span - delta) < timedelta(seconds=5)


def test_limits_count_characters_not_bytes(api: httpx.Client, make_user) -> None:
    user = make_user()
    ok = api.post("/api/activities", json={"message": "🦄" * 280, "ttl": "1-day"}, headers=user.headers)
    assert ok.status_code == 201, ok.text
    too_long = api.post("/api/activities", json={"message": "é" * 281, "ttl": "1-day"}, headers=user.headers)
    error = expect_error(too_long, 422, "message_too_long")
    assert error["details"]["max"] == 280


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"message": "   ", "ttl": "1-day"}, 422, "message_blank"),
        ({"message": "", "ttl": "1-day"}, 422, "message_blank"),
        ({"message": "hi", "ttl": "2-days"}, 422, "ttl_invalid"),
        ({"message": "hi", "ttl": ""}, 422, "ttl_invalid"),
        ({"message": "hi"}, 422, "validation_error"),
        ({"ttl": "1-day"}, 422, "validation_error"),
        ({"message": 42, "ttl": "1-day"}, 422, "validation_error"),
        ({"message": ["a"], "ttl": "1-day"}, 422, "validation_error"),
        ({"message": "hi", "ttl": None}, 422, "validation_error"),
        ({"message": "nul\x00byte", "ttl": "1-day"}, 422, "invalid_characters"),  # refused at the edge
        ({"message": "\u200b\ufeff", "ttl": "1-day"}, 422, "message_blank"),
        ({"message": "gpj.\u202eexe", "ttl": "1-day"}, 422, "bidi_control"),
    ],
)
def test_bad_input(api: httpx.Client, make_user, body: dict[str, object], status: int, code: str) -> None:
    user = make_user()
    expect_error(api.post("/api/activities", json=body, headers=user.headers), status, code)
    page = api.get(f"/api/activities/@{user.handle}")  # 404 while the author projection is on its way
    assert page.status_code == 404 or page.json()["activities"] == [], page.text


def test_bad_bodies(api: httpx.Client, make_user) -> None:
    user = make_user()
    headers = {**user.headers, "content-type": "application/json"}
    expect_error(api.post("/api/activities", content=b"{not json", headers=headers), 400, "invalid_body")
    expect_error(api.post("/api/activities", content=b"[1, 2]", headers=headers), 400, "invalid_body")
    huge = {"message": "x" * 2_000_000, "ttl": "1-day"}
    expect_error(api.post("/api/activities", json=huge, headers=user.headers), 413, "payload_too_large")
    lone_surrogate = b'{"message": "bad \\ud800 text", "ttl": "1-day"}'
    expect_error(api.post("/api/activities", content=lone_surrogate, headers=headers), 422)


def test_sql_and_html_are_stored_as_text(api: httpx.Client, make_user) -> None:
    user = make_user()
    evil = "'); DROP TABLE activities; -- <script>alert(1)</script> &amp;"
    crud = api.post("/api/activities", json={"message": evil, "ttl": "1-day"}, headers=user.headers).json()
    assert crud["message"] == evil
    page = api.get(f"/api/activities/@{user.handle}/status/{crud['uuid']}").json()
    assert page["activity"]["message"] == evil


def test_posting_needs_a_valid_token(api: httpx.Client) -> None:
    expect_error(
        api.post("/api/activities", json={"message": "hi", "ttl": "1-day"}), 401, "not_authenticated"
    )
    bad = {"authorization": "Bearer not.a.jwt"}
    expect_error(api.post("/api/activities", json={"message": "hi", "ttl": "1-day"}, headers=bad), 401)


def test_extra_fields_are_ignored(api: httpx.Client, make_user) -> None:
    user = make_user()
    body = {"message": "hi", "ttl": "1-day", "handle": "someone_else", "user_uuid": "x"}
    crud = api.post("/api/activities", json=body, headers=user.headers)
    assert crud.status_code == 201
    assert crud.json()["handle"] == user.handle
