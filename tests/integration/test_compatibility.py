"""docs/compatibility.md says what the original 2023 client finds kept and what changed: hold it to that.

The "What is kept" table is read from the doc and every row checked against the OpenAPI documents the
SPA's types are generated from (no stack needed); the key rows of "What changed" run against the stack.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support import TestUser, expect_error, wait_for

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "compatibility.md"
OPENAPI = ROOT / "frontend-react-js" / "openapi"

Row = tuple[str, str, list[str], list[str], str]  # method, path, request fields, response fields, status


def _fields(cell: str) -> list[str]:
    """Backticked names in a cell; `a.{b, c}` stands for `a.b` and `a.c`."""
    names: list[str] = []
    for token in re.findall(r"`([^`]+)`", cell):
        group = re.fullmatch(r"([\w.]+)\.\{([^}]*)\}", token)
        if group:
            names += [f"{group[1]}.{name.strip()}" for name in group[2].split(",")]
        else:
            names.append(token)
    return names


def kept_rows() -> list[Row]:
    """The rows of the doc's "What is kept" table."""
    section = DOC.read_text().split("## What is kept", 1)[1].split("\n## ", 1)[0]
    rows: list[Row] = []
    for line in section.splitlines():
        if not line.startswith("| `"):
            continue
        endpoint, request, response, status = (cell.strip() for cell in line.strip("|").split("|"))
        method, path = endpoint.strip("`").split(" ", 1)
        rows.append((method, path, _fields(request), _fields(response), status.strip("`")))
    return rows


def _operation(method: str, path: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The OpenAPI document that declares `method path`, and the operation."""
    for file in sorted(OPENAPI.glob("*.json")):
        document = json.loads(file.read_text())
        operation = document["paths"].get(path, {}).get(method.lower())
        if operation is not None:
            return document, operation
    raise AssertionError(f"{method} {path} is in no OpenAPI document under {OPENAPI}")


def _deref(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    """Follow $refs, take the non-null branch of an optional, and the items of a list."""
    while True:
        if "$ref" in schema:
            schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
        elif "anyOf" in schema:
            (schema,) = [s for s in schema["anyOf"] if s.get("type") != "null"]
        elif schema.get("type") == "array":
            schema = schema["items"]
        else:
            return schema


def _has_field(document: dict[str, Any], schema: dict[str, Any], dotted: str) -> bool:
    for name in dotted.split("."):
        properties = _deref(document, schema).get("properties", {})
        if name not in properties:
            return False
        schema = properties[name]
    return True


ROWS = kept_rows()


def test_the_kept_table_is_read() -> None:
    assert len(ROWS) >= 10, "the table's format changed: update kept_rows()"


@pytest.mark.parametrize(("method", "path", "request_fields", "response_fields", "status"), ROWS)
def test_kept_rows_match_the_openapi(
    method: str, path: str, request_fields: list[str], response_fields: list[str], status: str
) -> None:
    document, operation = _operation(method, path)
    successes = [code for code in operation["responses"] if code.startswith("2")]
    assert successes == [status], f"{method} {path} answers {successes}, the doc says {status}"
    body = operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema", {})
    query = {p["name"] for p in operation.get("parameters", []) if p["in"] == "query"}
    for name in request_fields:
        assert name in query or _has_field(document, body, name), f"{method} {path} takes no `{name}`"
    content = operation["responses"][status].get("content", {}).get("application/json", {})
    for name in response_fields:
        assert _has_field(document, content.get("schema", {}), name), f"{method} {path} sends no `{name}`"


# What changed: the rows the original client trips over, against the running stack.


@pytest.mark.integration
def test_creates_answer_201(api: httpx.Client, make_user: Callable[..., TestUser]) -> None:
    author, replier = make_user(), make_user()
    crud = api.post("/api/activities", json={"message": "kept", "ttl": "1-day"}, headers=author.headers)
    assert crud.status_code == 201, crud.text
    reply = api.post(
        f"/api/activities/{crud.json()['uuid']}/reply", json={"message": "re"}, headers=replier.headers
    )
    assert reply.status_code == 201, reply.text
    message = api.post(
        "/api/messages", json={"message": "hi", "handle": author.handle}, headers=replier.headers
    )
    assert message.status_code == 201, message.text
    assert {"message_group_uuid", "uuid"} <= message.json().keys()


@pytest.mark.integration
def test_errors_are_an_object_with_a_code_not_a_list(
    api: httpx.Client, make_user: Callable[..., TestUser]
) -> None:
    user = make_user()
    response = api.post("/api/activities", json={"message": "  ", "ttl": "1-day"}, headers=user.headers)
    assert not isinstance(response.json(), list)
    expect_error(response, 422, "message_blank")


@pytest.mark.integration
def test_bearer_null_is_a_401_and_no_header_is_signed_out(api: httpx.Client) -> None:
    expect_error(
        api.get("/api/activities/home", headers={"authorization": "Bearer null"}), 401, "token_malformed"
    )
    signed_out = api.get("/api/activities/home")
    assert signed_out.status_code == 200 and isinstance(signed_out.json(), list)


@pytest.mark.integration
def test_profiles_carry_avatar_url_not_the_cognito_sub(
    api: httpx.Client, make_user: Callable[..., TestUser]
) -> None:
    user = make_user()
    page = f"/api/activities/@{user.handle}"
    # the activity service learns of a new user through the user service's outbox: eventually
    wait_for(lambda: api.get(page).status_code == 200, what="the new user's page")
    profile = api.get(page).json()["profile"]
    assert profile["avatar_url"] and "cognito_user_uuid" not in profile
    updated = api.put(
        "/api/profile/update", json={"display_name": "Renamed", "bio": "b"}, headers=user.headers
    )
    assert updated.status_code == 200 and updated.json()["display_name"] == "Renamed"


@pytest.mark.integration
def test_notification_items_are_events(api: httpx.Client, make_user: Callable[..., TestUser]) -> None:
    follower, followed = make_user(), make_user()
    assert api.put(f"/api/users/@{followed.handle}/follow", headers=follower.headers).status_code == 200
    deadline = time.monotonic() + 20
    items: list[dict[str, Any]] = []
    while not items and time.monotonic() < deadline:  # delivered through the user service's outbox
        items = api.get("/api/activities/notifications", headers=followed.headers).json()
        time.sleep(0.2)
    assert [item["kind"] for item in items] == ["follow"], items
    assert items[0]["actor"]["handle"] == follower.handle
    assert "replies" not in items[0] and "message" not in items[0]
