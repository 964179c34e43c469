"""Hostile input through the gateway (issue 12, findings 2 and 9): a 4xx with a stable code, never a 500."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import uuid
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from cruddur_common.pagination import encode_cursor
from cruddur_common.registry import route
from cruddur_common.settings import DEV_CURSOR_SECRET
from devstack.stack import LocalStack
from tests.support import TestUser, expect_error

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def pair(gateway_url: str, client_id: str) -> tuple[TestUser, TestUser]:
    """Two signed-in people who can message each other."""
    from tests.support import create_user

    return create_user(gateway_url, client_id), create_user(gateway_url, client_id)


@pytest.fixture(scope="module")
def direct(stack: LocalStack) -> Callable[..., httpx.Response]:
    """A request straight to the service that owns the path, as the ALB forwards it (raw path).

    The local gateway forwards the percent-decoded path: a `%00` fails in the gateway itself (a plain-text
    500) and a `%20` reaches the service as a raw space that uvicorn refuses (a plain-text 400). A
    gateway matter (reported), not what a service does.
    """

    def call(method: str, path: str, **kwargs: Any) -> httpx.Response:
        entry = route(path.split("?", 1)[0])
        assert entry is not None, path
        with httpx.Client(base_url=stack.cfg.service_url(entry), timeout=30) as client:
            return client.request(method, path, **kwargs)

    return call


def _forged(position: dict[str, Any]) -> str:
    """A cursor signed with the test stack's (public) key but carrying what we choose.

    Signed by hand as an attacker would: encode_cursor's orjson refuses integers past 64 bits.
    """
    payload = json.dumps(position, sort_keys=True, separators=(",", ":")).encode()
    signature = hmac.digest(DEV_CURSOR_SECRET.encode(), payload, hashlib.sha256)[:12]
    return base64.urlsafe_b64encode(signature + payload).rstrip(b"=").decode()


def test_forging_signs_as_the_services_do() -> None:
    position = {"k": "explore", "t": "2026-01-01T00:00:00+00:00", "u": str(uuid.UUID(int=5))}
    assert _forged(position) == encode_cursor(position, secret=DEV_CURSOR_SECRET)


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/activities/@%00"),
        ("GET", "/api/activities/@%00/status/" + str(uuid.UUID(int=1))),
        ("GET", "/api/users/@%00/short"),
        ("PUT", "/api/users/@%00/follow"),
        ("GET", "/api/users/@%00/followers"),
        ("GET", "/api/message_groups/@%00"),
        ("GET", "/api/activities/@bob%1B"),
        ("GET", "/api/activities/@bob%C2%85"),
        ("GET", "/api/users/@%E2%80%AE%0A/short"),
    ],
)
def test_control_characters_in_paths_are_refused_by_every_service(
    direct: Callable[..., httpx.Response], pair: tuple[TestUser, TestUser], method: str, path: str
) -> None:
    alice, _ = pair
    response = direct(method, path, headers=alice.headers)
    error = expect_error(response, 422, "invalid_characters")
    assert response.headers["x-request-id"] and error["details"] == {"in": "path"}


@pytest.mark.parametrize(
    "path",
    [
        "/api/activities/search?q=a%00b",
        "/api/activities/home?cursor=%00",
        "/api/activities/home?limit=1%07",
        "/api/notifications?cursor=x%7F",
        "/api/users/@nobody_here/followers?cursor=%C2%85",
        "/api/message_groups?cursor=%1B",
    ],
)
def test_control_characters_in_queries_are_refused(
    api: httpx.Client, pair: tuple[TestUser, TestUser], path: str
) -> None:
    alice, _ = pair
    response = api.get(path, headers=alice.headers)
    error = expect_error(response, 422, "invalid_characters")
    assert response.headers["x-request-id"] and error["details"] == {"in": "query"}


def test_control_characters_in_bodies_are_refused_and_nothing_is_written(
    api: httpx.Client, pair: tuple[TestUser, TestUser]
) -> None:
    alice, bob = pair
    h = alice.headers
    bodies: list[tuple[str, str, dict[str, Any]]] = [
        ("POST", "/api/messages", {"message": "a\x00b", "handle": bob.handle}),
        ("POST", "/api/messages", {"message": "hi", "handle": "b\x00"}),
        ("POST", "/api/messages", {"message": "bell\x07", "handle": bob.handle}),
        ("POST", "/api/messages", {"message": "c1 \x85", "handle": bob.handle}),
        ("POST", "/api/activities", {"message": "nul\x00byte", "ttl": "1-day"}),
        ("PUT", "/api/profile/update", {"display_name": "nul\x00"}),
        ("POST", "/api/notifications/read", {"up_to\x00": 1}),
    ]
    for method, path, body in bodies:
        expect_error(api.request(method, path, json=body, headers=h), 422, "invalid_characters")
    raw = b'{"message": "raw \x01 byte", "handle": "' + bob.handle.encode() + b'"}'
    response = api.post("/api/messages", content=raw, headers=h | {"content-type": "application/json"})
    expect_error(response, 422, "invalid_characters")
    assert api.get("/api/message_groups", headers=h).json() == [], "nothing half-written"
    # tab and newline are text, not controls
    sent = api.post("/api/messages", json={"message": "line 1\nline\t2", "handle": bob.handle}, headers=h)
    assert sent.status_code == 201, sent.text


@pytest.mark.parametrize(
    ("method", "path", "code"),
    [
        ("GET", "/api/activities/@no", "user_not_found"),
        ("GET", "/api/activities/@bad%20handle", "user_not_found"),
        ("GET", "/api/activities/@" + "x" * 31, "user_not_found"),
        ("GET", "/api/activities/@bad-handle/status/" + str(uuid.UUID(int=1)), "user_not_found"),
        ("GET", "/api/users/@bad.handle/short", "user_not_found"),
        ("PUT", "/api/users/@%E2%80%AEevil/follow", "user_not_found"),
        ("GET", "/api/users/@no/followers", "user_not_found"),
        ("GET", "/api/message_groups/@bad%20handle", "user_not_found"),
    ],
)
def test_handles_that_cannot_exist_are_unknown_users(
    direct: Callable[..., httpx.Response], pair: tuple[TestUser, TestUser], method: str, path: str, code: str
) -> None:
    alice, _ = pair
    expect_error(direct(method, path, headers=alice.headers), 404, code)


def test_a_message_to_a_handle_that_cannot_exist_is_an_unknown_user(
    api: httpx.Client, pair: tuple[TestUser, TestUser]
) -> None:
    alice, _ = pair
    body = {"message": "hi", "handle": "no such handle"}
    expect_error(api.post("/api/messages", json=body, headers=alice.headers), 404, "user_not_found")


def test_forged_cursors_are_invalid_cursors(api: httpx.Client, pair: tuple[TestUser, TestUser]) -> None:
    alice, bob = pair
    h = alice.headers
    group = api.post("/api/messages", json={"message": "hi", "handle": bob.handle}, headers=h)
    assert group.status_code == 201, group.text
    group_uuid = group.json()["message_group_uuid"]
    me = api.get("/api/users/me", headers=h).json()
    forged: list[tuple[str, dict[str, Any]]] = [
        ("/api/activities/explore", {"k": "explore", "u": 5}),
        (
            "/api/activities/explore",
            {"k": "explore", "t": "9999-12-31T23:59:59-23:59", "u": str(uuid.uuid4())},
        ),
        (
            "/api/activities/explore",
            {"k": "explore", "t": "0001-01-01T00:00:00+14:00", "u": str(uuid.uuid4())},
        ),
        ("/api/activities/explore", {"k": "explore", "t": [], "u": {}}),
        ("/api/activities/home", {"k": "home", "t": "9999-12-31T23:59:59-23:59", "u": str(uuid.uuid4())}),
        ("/api/activities/explore", {"k": "explore", "t": "2026-01-01T00:00:00", "u": str(uuid.uuid4())}),
        (f"/api/activities/@{bob.handle}", {"k": "user", "t": 1e400, "u": "x"}),
        (
            f"/api/users/@{bob.handle}/followers",
            {"k": "followers", "t": "9999-12-31T23:59:59-23:59", "u": "x"},
        ),
        (f"/api/users/@{bob.handle}/followers", {"k": "followers", "u": 5}),
        ("/api/notifications", {"s": me["cognito_user_id"], "q": 10**30}),
        ("/api/notifications", {"s": me["cognito_user_id"], "q": True}),
        ("/api/message_groups", {"u": me["uuid"], "k": {"pk": 5}}),
        ("/api/message_groups", {"u": me["uuid"], "k": {"pk": "x", "sk": "y", "gsi1pk": "z", "gsi1sk": "w"}}),
        ("/api/message_groups", {"u": me["uuid"], "k": {"pk": {"S": "x"}}}),
        (f"/api/messages/{group_uuid}", {"g": group_uuid, "s": me["cognito_user_id"], "k": "garbage"}),
        (f"/api/messages/{group_uuid}", {"g": group_uuid, "s": me["cognito_user_id"], "k": ""}),
        (f"/api/messages/{group_uuid}", {"g": group_uuid, "s": me["cognito_user_id"], "k": ["MSG#"]}),
    ]
    for path, position in forged:
        response = api.get(path, params={"cursor": _forged(position)}, headers=h)
        expect_error(response, 400, "invalid_cursor")


@pytest.mark.parametrize(
    "up_to",
    [10**30, -(10**30), 2**63, "9999-12-31T23:59:59-23:59", "0001-01-01T00:00:00+23:59", True, 1.5],
)
def test_mark_read_refuses_out_of_range_positions(
    api: httpx.Client, pair: tuple[TestUser, TestUser], up_to: object
) -> None:
    alice, _ = pair
    response = api.post("/api/notifications/read", json={"up_to": up_to}, headers=alice.headers)
    expect_error(response, 422, "validation_error")


def test_invisible_and_bidi_text_is_refused(
    api: httpx.Client, pair: tuple[TestUser, TestUser], make_user: Callable[..., TestUser]
) -> None:
    alice, bob = pair
    h = alice.headers
    cases: list[tuple[str, str, dict[str, Any], str]] = [
        ("POST", "/api/activities", {"message": "\u200b\u200b\u200b", "ttl": "1-day"}, "message_blank"),
        ("POST", "/api/activities", {"message": "\ufeff\u2060 \u200d", "ttl": "1-day"}, "message_blank"),
        ("POST", "/api/activities", {"message": "gpj.\u202eexe", "ttl": "1-day"}, "bidi_control"),
        ("POST", "/api/activities", {"message": "a \u2067isolate\u2069", "ttl": "1-day"}, "bidi_control"),
        ("POST", "/api/messages", {"message": "\u200b", "handle": bob.handle}, "message_blank"),
        ("POST", "/api/messages", {"message": "x\u202dy", "handle": bob.handle}, "bidi_control"),
        ("PUT", "/api/profile/update", {"display_name": "\u3164\u200b"}, "display_name_blank"),
        ("PUT", "/api/profile/update", {"display_name": "Al\u202eice"}, "bidi_control"),
        ("PUT", "/api/profile/update", {"display_name": "Al\nice"}, "invalid_characters"),
        ("PUT", "/api/profile/update", {"display_name": "Alice", "bio": "\u202ehi"}, "bidi_control"),
    ]
    for method, path, body, code in cases:
        expect_error(api.request(method, path, json=body, headers=h), 422, code)
    ok = api.post("/api/activities", json={"message": "emoji 👩\u200d💻 ok", "ttl": "1-day"}, headers=h)
    assert ok.status_code == 201, ok.text


def test_user_pages_do_not_show_the_cognito_sub(api: httpx.Client, pair: tuple[TestUser, TestUser]) -> None:
    alice, bob = pair
    page = api.get(f"/api/activities/@{bob.handle}", headers=alice.headers)
    assert page.status_code == 200, page.text
    assert "cognito_user_uuid" not in page.json()["profile"]
    short = api.get(f"/api/users/@{bob.handle}/short", headers=alice.headers)
    assert short.status_code == 200 and "cognito_user_id" not in short.json()
