"""The platform through the running stack: gateway, routing, Cognito sign-up to API, errors."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from cruddur_common.registry import load_registry
from devstack.stack import LocalStack
from tests.support import TestUser, expect_error, unique_handle
from tests.unit.common.test_registry import EXPECTED

pytestmark = pytest.mark.integration


def test_health_check_reports_every_service(api: httpx.Client) -> None:
    response = api.get("/api/health-check")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["success"] is True and body["ver"] == 1
    assert set(body["services"]) == {e.name for e in load_registry()}
    assert all(s["status"] == "ok" for s in body["services"].values())


def test_every_service_is_ready_and_touches_its_datastore(stack: LocalStack) -> None:
    for entry in load_registry():
        response = httpx.get(f"{stack.cfg.service_url(entry)}{entry.ready_path}")
        assert response.status_code == 200, response.text
        assert response.json()["checks"], entry.name
        assert all(v == "ok" for v in response.json()["checks"].values())


@pytest.mark.parametrize(("path", "name"), EXPECTED)
def test_gateway_routes_like_the_registry(api: httpx.Client, path: str, name: str) -> None:
    response = api.get(path)
    assert response.headers.get("x-cruddur-service") == name, (path, response.status_code, response.text)


@pytest.mark.parametrize("path", ["/internal/users/by-sub/abc", "/api/nope", "/api/activitiesx"])
def test_gateway_unknown_and_internal_paths_are_json_404(api: httpx.Client, path: str) -> None:
    response = api.get(path)
    expect_error(response, 404, "route_not_found")
    assert "x-cruddur-service" not in response.headers


def test_gateway_sets_and_propagates_request_ids(api: httpx.Client) -> None:
    generated = api.get("/api/users/me")
    assert len(generated.headers["x-request-id"]) >= 16
    kept = api.get("/api/users/me", headers={"x-request-id": "trace-abc-123"})
    assert kept.headers["x-request-id"] == "trace-abc-123"


def test_config_json_gives_the_spa_what_it_needs(api: httpx.Client, stack: LocalStack) -> None:
    config = api.get("/config.json").json()
    assert stack.aws is not None
    assert config["userPoolId"] == stack.aws.user_pool_id
    assert config["userPoolClientId"] == stack.aws.client_id
    assert config["authFlowType"] == "USER_PASSWORD_AUTH"
    assert config["cognitoEndpoint"].endswith("/cognito/")
    assert config["region"] and config["assetsBaseUrl"]


@pytest.mark.parametrize("name", ["activity", "user", "messaging", "notification"])
def test_docs_are_served_for_every_service(api: httpx.Client, name: str) -> None:
    page = api.get(f"/docs/{name}")
    # The page loads its document from <page>/openapi.json, in a script file (no inline script: CSP)
    assert page.status_code == 200 and '<script src="/docs/_static/init.js">' in page.text
    assert "'/openapi.json'" in api.get("/docs/_static/init.js").text
    spec = api.get(f"/docs/{name}/openapi.json").json()
    assert spec["openapi"].startswith("3.")
    assert "/health" in spec["paths"] and "/ready" in spec["paths"]


def test_user_service_declares_the_bearer_scheme(api: httpx.Client) -> None:
    spec = api.get("/docs/user/openapi.json").json()
    schemes = spec["components"]["securitySchemes"]
    assert any(s.get("scheme") == "bearer" for s in schemes.values())
    assert spec["paths"]["/api/users/me"]["get"]["security"]


def test_sign_up_confirm_sign_in_then_read_me(api: httpx.Client, make_user: object) -> None:
    handle = unique_handle("platform")
    user: TestUser = make_user(handle=handle, name="Platform Person")  # type: ignore[operator]
    me = api.get("/api/users/me", headers=user.headers)
    assert me.status_code == 200, me.text
    body = me.json()
    assert body["handle"] == handle and body["email"] == user.email
    assert body["display_name"] == "Platform Person"
    assert body["avatar_url"]


def test_tampered_token_is_rejected(api: httpx.Client, make_user: object) -> None:
    user: TestUser = make_user()  # type: ignore[operator]
    header, payload, signature = user.token.split(".")
    flipped = "A" if signature[5] != "A" else "B"
    tampered = f"{header}.{payload}.{signature[:5]}{flipped}{signature[6:]}"
    expect_error(
        api.get("/api/users/me", headers={"authorization": f"Bearer {tampered}"}),
        401,
        "token_signature_invalid",
    )


def test_confirmation_is_idempotent(gateway_url: str, client_id: str, api: httpx.Client) -> None:
    from devstack import seed

    handle = unique_handle("twice")
    person = seed.DemoUser(handle, "Twice Confirmed", f"{handle}@example.com")
    seed.sign_up(gateway_url, client_id, person, "Test-password-1")
    again = seed.cognito(
        gateway_url,
        "ConfirmSignUp",
        {"ClientId": client_id, "Username": person.email, "ConfirmationCode": "1"},
    )
    assert again.status_code in (200, 400)
    token = seed.sign_in(gateway_url, client_id, person.email, "Test-password-1")
    assert api.get("/api/users/me", headers={"authorization": f"Bearer {token}"}).json()["handle"] == handle


def test_oversized_body_is_413(api: httpx.Client, make_user: object) -> None:
    user: TestUser = make_user()  # type: ignore[operator]
    big = b"{" + b" " * (2 * 1024 * 1024) + b"}"
    response = api.post(
        "/api/users/me", content=big, headers={**user.headers, "content-type": "application/json"}
    )
    expect_error(response, 413, "payload_too_large")


def test_sse_style_streaming_passes_through_the_gateway(gateway_url: str) -> None:
    async def first_chunk() -> bytes:
        async with (
            httpx.AsyncClient(base_url=gateway_url) as client,
            client.stream("GET", "/docs/user/openapi.json") as response,
        ):
            async for chunk in response.aiter_raw():
                return chunk
        return b""

    assert asyncio.run(first_chunk()).startswith(b"{")


def test_local_cognito_answers_revoke_token_like_cognito(gateway_url: str, client_id: str) -> None:
    from devstack import seed

    response = seed.cognito(gateway_url, "RevokeToken", {"ClientId": client_id, "Token": "x"})
    assert response.status_code == 200 and response.json() == {}
