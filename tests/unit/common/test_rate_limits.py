"""Rate limits per caller and action: the limiter over both storages, and the route dependency."""

from __future__ import annotations

import logging
import socket
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from fastapi import APIRouter

from cruddur_common import rate_limits
from cruddur_common.app import ServiceSpec, create_service_app
from cruddur_common.auth import CurrentUser
from cruddur_common.rate_limits import RateLimiter, rate_limited
from cruddur_common.settings import CommonSettings
from devstack.config import StackConfig
from tests.extra_tasks import redis_server
from tests.unit.common.test_auth import CLIENT, JWKS_URL, POOL, Jwks, bearer, serve, token

REDIS_PORT = 6391  # + the slot's port offset; test_fanout's server is on 6390
LIMIT = 3  # rate_limit_posts below


def _settings(**overrides: str) -> CommonSettings:
    return CommonSettings(
        cognito_user_pool_id=POOL,
        cognito_client_id=CLIENT,
        cognito_jwks_url=JWKS_URL,
        rate_limit_posts="3/minute",
        **overrides,
    )


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = REDIS_PORT + StackConfig.for_tests().port_offset
    with redis_server(port, tmp_path_factory.mktemp("redis")) as url:
        yield url


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def _exhaust(limiter: RateLimiter, caller: str, times: int = LIMIT) -> None:
    for n in range(times):
        verdict = await limiter.hit("posts", caller)
        assert verdict.allowed, n
        assert verdict.remaining == LIMIT - 1 - n


async def test_memory_limit_per_caller_and_action() -> None:
    limiter = RateLimiter(_settings())
    await _exhaust(limiter, "alice")
    refused = await limiter.hit("posts", "alice")
    assert not refused.allowed
    assert refused.remaining == 0
    assert 1 <= refused.reset_seconds <= 60
    assert refused.headers == {
        "RateLimit-Policy": '"posts";q=3;w=60',
        "RateLimit": f'"posts";r=0;t={refused.reset_seconds}',
    }
    assert (await limiter.hit("posts", "bob")).allowed  # another caller
    assert (await limiter.hit("reactions", "alice")).allowed  # another action
    assert not (await limiter.hit("posts", "alice")).allowed  # a refused hit was not counted: still 3


async def test_redis_counters_are_shared_by_every_limiter(redis_url: str) -> None:
    one, two = RateLimiter(_settings(redis_url=redis_url)), RateLimiter(_settings(redis_url=redis_url))
    try:
        await _exhaust(one, "carol", times=2)
        assert (await two.hit("posts", "carol")).allowed
        refused = await one.hit("posts", "carol")
        assert not refused.allowed
        assert refused.headers["RateLimit"] == f'"posts";r=0;t={refused.reset_seconds}'
        assert 1 <= refused.reset_seconds <= 60
    finally:
        await one.aclose()
        await two.aclose()
    assert (await RateLimiter(_settings()).hit("posts", "carol")).allowed  # memory: this process only


async def test_redis_down_counts_in_the_process(caplog: pytest.LogCaptureFixture) -> None:
    limiter = RateLimiter(_settings(redis_url=f"redis://127.0.0.1:{_closed_port()}/0"))
    with caplog.at_level(logging.WARNING, logger="cruddur.rate_limits"):
        await _exhaust(limiter, "dave")
        assert not (await limiter.hit("posts", "dave")).allowed
    await limiter.aclose()
    warnings = [r for r in caplog.records if "redis unavailable" in r.getMessage()]
    assert len(warnings) == 1  # then the process counts alone until REDIS_RETRY_SECONDS have passed


def test_limits_are_validated_at_startup() -> None:
    with pytest.raises(ValueError, match="not a rate limit"):
        CommonSettings(rate_limit_posts="lots")
    with pytest.raises(ValueError, match="one rate limit per action"):
        CommonSettings(rate_limit_follows="1/second;10/minute")
    assert set(RateLimiter(CommonSettings()).items) == set(rate_limits.ACTIONS)


@pytest.fixture
async def client() -> AsyncIterator[tuple[httpx.AsyncClient, list[str]]]:
    written: list[str] = []
    router = APIRouter()

    @router.post("/posts", status_code=201, dependencies=[rate_limited("posts")])
    async def post(user: CurrentUser) -> dict[str, str]:
        written.append(user.sub)
        return {"sub": user.sub}

    spec = ServiceSpec(
        name="ratetest",
        title="rate test",
        description="rate test",
        settings=_settings(),
        routers=[router],
        http_transport=httpx.MockTransport(Jwks().handler),
    )
    async with serve(create_service_app(spec)) as http:
        yield http, written


async def test_the_dependency_refuses_before_the_handler(client: tuple[httpx.AsyncClient, list[str]]) -> None:
    http, written = client
    headers = bearer(token(sub="erin"))
    for remaining in (2, 1, 0):
        ok = await http.post("/posts", headers=headers)
        assert ok.status_code == 201, ok.text
        assert ok.headers["ratelimit-policy"] == '"posts";q=3;w=60'
        assert ok.headers["ratelimit"].startswith(f'"posts";r={remaining};t=')
    refused = await http.post("/posts", headers=headers)
    assert refused.status_code == 429, refused.text
    error = refused.json()["error"]
    assert error["code"] == "rate_limited"
    retry_after = int(refused.headers["retry-after"])
    assert 1 <= retry_after <= 60
    assert error["details"] == {"action": "posts", "retry_after": retry_after}
    assert refused.headers["ratelimit"] == f'"posts";r=0;t={retry_after}'
    assert written == ["erin"] * 3  # nothing written by the refused request
    assert (await http.post("/posts", headers=bearer(token(sub="frank")))).status_code == 201
    assert (await http.post("/posts")).status_code == 401  # no token: 401 first, nothing counted


async def test_openapi_documents_the_429(client: tuple[httpx.AsyncClient, list[str]]) -> None:
    http, _ = client
    schema = (await http.get("/openapi.json")).json()
    response = schema["paths"]["/posts"]["post"]["responses"]["429"]
    assert set(response["headers"]) == {"Retry-After", "RateLimit-Policy", "RateLimit"}
    assert response["content"]["application/json"]["schema"]["$ref"] == "#/components/schemas/ErrorResponse"
    assert "429" not in schema["paths"]["/health"]["get"]["responses"]
