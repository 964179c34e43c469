"""`require_group` / `Moderator`: 403 `forbidden` unless the access token's `cognito:groups` has the group."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import APIRouter

from cruddur_common.app import ServiceSpec, create_service_app
from cruddur_common.auth import MODERATORS, Moderator
from cruddur_common.settings import CommonSettings
from tests.unit.common.test_auth import CLIENT, JWKS_URL, POOL, Jwks, bearer, serve, token


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    router = APIRouter()

    @router.get("/queue")
    async def queue(moderator: Moderator) -> dict[str, str]:
        return {"sub": moderator.sub}

    settings = CommonSettings(cognito_user_pool_id=POOL, cognito_client_id=CLIENT, cognito_jwks_url=JWKS_URL)
    spec = ServiceSpec(
        name="groupstest",
        title="groups test",
        description="groups test",
        settings=settings,
        routers=[router],
        http_transport=httpx.MockTransport(Jwks().handler),
    )
    async with serve(create_service_app(spec)) as http:
        yield http


async def test_a_member_of_the_group_passes(client: httpx.AsyncClient) -> None:
    response = await client.get("/queue", headers=bearer(token(**{"cognito:groups": ["x", MODERATORS]})))
    assert response.status_code == 200, response.text
    assert response.json() == {"sub": "user-sub-1"}


@pytest.mark.parametrize("groups", [None, [], ["admins"], "moderators", {"moderators": True}])
async def test_anyone_else_is_forbidden(client: httpx.AsyncClient, groups: object) -> None:
    response = await client.get("/queue", headers=bearer(token(**{"cognito:groups": groups})))
    assert response.status_code == 403, response.text
    assert response.json()["error"]["code"] == "forbidden"


async def test_no_token_is_still_401(client: httpx.AsyncClient) -> None:
    response = await client.get("/queue")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"
