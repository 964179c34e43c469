"""The auth battery: every forged, stale or misdirected token is a 401 with its own code."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi import APIRouter, FastAPI
from jose import jwk, jwt

from cruddur_common import auth
from cruddur_common.app import ServiceSpec, create_service_app
from cruddur_common.auth import CurrentUser, OptionalUser, StreamUser
from cruddur_common.errors import DependencyUnavailable
from cruddur_common.settings import CommonSettings

POOL = "us-east-1_TestPool"
CLIENT = "test-client-id"
ISSUER = f"https://cognito-idp.us-east-1.amazonaws.com/{POOL}"
JWKS_URL = "http://jwks.test/pool/.well-known/jwks.json"


def _key() -> tuple[bytes, dict[str, Any]]:
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    public_pem = private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    public_jwk = jwk.construct(public_pem, "RS256").to_dict()
    return pem, public_jwk


PRIVATE, PUBLIC_JWK = _key()
OTHER_PRIVATE, _ = _key()
PUBLIC_JWK = {**PUBLIC_JWK, "kid": "key-1", "alg": "RS256", "use": "sig"}


def claims(**overrides: Any) -> dict[str, Any]:
    """Valid Cognito access-token claims, with overrides (None removes a claim)."""
    now = int(time.time())
    base = {
        "sub": "user-sub-1",
        "iss": ISSUER,
        "client_id": CLIENT,
        "token_use": "access",
        "iat": now,
        "exp": now + 3600,
        "username": "user-sub-1",
    }
    base.update(overrides)
    return {k: v for k, v in base.items() if v is not None}


def token(*, key: bytes = PRIVATE, kid: str = "key-1", **overrides: Any) -> str:
    """A signed RS256 token."""
    return jwt.encode(claims(**overrides), key, algorithm="RS256", headers={"kid": kid})


def _b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


class Jwks:
    """A fake Cognito JWKS endpoint that counts its fetches."""

    def __init__(self) -> None:
        self.fetches = 0

    def handler(self, request: httpx.Request) -> httpx.Response:
        assert str(request.url) == JWKS_URL
        self.fetches += 1
        return httpx.Response(200, json={"keys": [PUBLIC_JWK]})


@pytest.fixture
def jwks() -> Jwks:
    return Jwks()


@asynccontextmanager
async def serve(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """Run the app's lifespan and talk to it in-process."""
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://service.test") as http:
            yield http


@pytest.fixture
async def client(jwks: Jwks) -> AsyncIterator[httpx.AsyncClient]:
    router = APIRouter()

    @router.get("/me")
    async def me(user: CurrentUser) -> dict[str, str]:
        return {"sub": user.sub}

    @router.get("/maybe")
    async def maybe(user: OptionalUser) -> dict[str, str | None]:
        return {"sub": user.sub if user else None}

    @router.get("/stream")
    async def stream(user: StreamUser) -> dict[str, str]:
        return {"sub": user.sub}

    settings = CommonSettings(
        cognito_user_pool_id=POOL,
        cognito_client_id=CLIENT,
        cognito_jwks_url=JWKS_URL,
        jwks_refetch_interval_seconds=60,
    )
    spec = ServiceSpec(
        name="authtest",
        title="auth test",
        description="auth test",
        settings=settings,
        routers=[router],
        http_transport=httpx.MockTransport(jwks.handler),
    )
    async with serve(create_service_app(spec)) as http:
        yield http


def bearer(value: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {value}"}


def assert_401(response: httpx.Response, code: str) -> None:
    assert response.status_code == 401, response.text
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert response.json()["error"]["code"] == code


async def test_valid_access_token_passes(client: httpx.AsyncClient) -> None:
    response = await client.get("/me", headers=bearer(token()))
    assert response.status_code == 200
    assert response.json() == {"sub": "user-sub-1"}


async def test_many_requests_fetch_the_jwks_once(client: httpx.AsyncClient, jwks: Jwks) -> None:
    for _ in range(50):
        assert (await client.get("/me", headers=bearer(token()))).status_code == 200
    assert jwks.fetches == 1


async def test_unknown_kid_refetches_at_most_once_per_interval(client: httpx.AsyncClient, jwks: Jwks) -> None:
    assert (await client.get("/me", headers=bearer(token()))).status_code == 200
    for _ in range(5):
        assert_401(await client.get("/me", headers=bearer(token(kid="rotated"))), "token_key_unknown")
    assert jwks.fetches == 1  # the first fetch was within the interval: no refetch storm


async def test_missing_token_is_401(client: httpx.AsyncClient) -> None:
    assert_401(await client.get("/me"), "not_authenticated")


async def test_optional_variant_allows_anonymous_but_not_bad_tokens(client: httpx.AsyncClient) -> None:
    assert (await client.get("/maybe")).json() == {"sub": None}
    assert (await client.get("/maybe", headers=bearer(token()))).json() == {"sub": "user-sub-1"}
    assert_401(await client.get("/maybe", headers=bearer(token(exp=int(time.time()) - 600))), "token_expired")


async def test_stream_variant_accepts_query_token(client: httpx.AsyncClient) -> None:
    assert (await client.get("/stream", params={"access_token": token()})).json() == {"sub": "user-sub-1"}
    assert_401(await client.get("/stream"), "not_authenticated")


@pytest.mark.parametrize(
    ("header", "code"),
    [
        ("Basic dXNlcjpwYXNz", "authorization_header_invalid"),
        ("Bearer", "authorization_header_invalid"),
        ("Token abc", "authorization_header_invalid"),
    ],
)
async def test_wrong_scheme(client: httpx.AsyncClient, header: str, code: str) -> None:
    assert_401(await client.get("/me", headers={"Authorization": header}), code)


async def test_bare_token_without_bearer_prefix(client: httpx.AsyncClient) -> None:
    assert_401(await client.get("/me", headers={"Authorization": token()}), "authorization_header_invalid")


async def test_alg_none(client: httpx.AsyncClient) -> None:
    unsigned = f"{_b64({'alg': 'none', 'kid': 'key-1', 'typ': 'JWT'})}.{_b64(claims())}."
    assert_401(await client.get("/me", headers=bearer(unsigned)), "token_algorithm_invalid")


async def test_hs256_signed_with_the_public_key(client: httpx.AsyncClient) -> None:
    public_pem = jwk.construct(PUBLIC_JWK, "RS256").to_pem()
    signing_input = f"{_b64({'alg': 'HS256', 'kid': 'key-1', 'typ': 'JWT'})}.{_b64(claims())}"
    mac = hmac.new(public_pem, signing_input.encode(), hashlib.sha256).digest()
    forged = f"{signing_input}.{base64.urlsafe_b64encode(mac).rstrip(b'=').decode()}"
    assert_401(await client.get("/me", headers=bearer(forged)), "token_algorithm_invalid")


async def test_signed_by_another_key_with_a_known_kid(client: httpx.AsyncClient) -> None:
    assert_401(await client.get("/me", headers=bearer(token(key=OTHER_PRIVATE))), "token_signature_invalid")


IN_TEN_MINUTES = object()  # replaced by now + 600 s inside the test


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"iss": "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Other"}, "token_issuer_invalid"),
        ({"iss": None}, "token_issuer_invalid"),
        ({"client_id": "another-client"}, "token_client_invalid"),
        ({"token_use": "id", "client_id": None, "aud": CLIENT}, "token_use_invalid"),
        ({"exp": int(time.time()) - 120}, "token_expired"),
        ({"exp": None}, "token_malformed"),
        ({"iat": IN_TEN_MINUTES}, "token_not_yet_valid"),
        ({"nbf": IN_TEN_MINUTES}, "token_not_yet_valid"),
        ({"exp": "tomorrow"}, "token_malformed"),
        ({"sub": None}, "token_malformed"),
    ],
)
async def test_claims_are_checked(client: httpx.AsyncClient, overrides: dict[str, Any], code: str) -> None:
    # Times in the future are taken when the test runs, not at collection: a long suite outlives them.
    claims = {k: int(time.time()) + 600 if v is IN_TEN_MINUTES else v for k, v in overrides.items()}
    assert_401(await client.get("/me", headers=bearer(token(**claims))), code)


async def test_small_clock_skew_is_tolerated(client: httpx.AsyncClient) -> None:
    now = int(time.time())
    response = await client.get("/me", headers=bearer(token(iat=now + 20, exp=now - 10)))
    assert response.status_code == 200


async def test_unknown_kid(client: httpx.AsyncClient) -> None:
    assert_401(await client.get("/me", headers=bearer(token(kid="nobody-knows"))), "token_key_unknown")


async def test_tampered_payload(client: httpx.AsyncClient) -> None:
    header, _, signature = token().split(".")
    forged = f"{header}.{_b64(claims(sub='someone-else'))}.{signature}"
    assert_401(await client.get("/me", headers=bearer(forged)), "token_signature_invalid")


async def test_tampered_signature(client: httpx.AsyncClient) -> None:
    header, payload, signature = token().split(".")
    flipped = ("A" if signature[0] != "A" else "B") + signature[1:]
    assert_401(
        await client.get("/me", headers=bearer(f"{header}.{payload}.{flipped}")), "token_signature_invalid"
    )


@pytest.mark.parametrize("value", ["not-a-jwt", "a.b", "!!!.@@@.###", "e30.e30.e30", "....", "x" * 5000])
async def test_malformed_tokens(client: httpx.AsyncClient, value: str) -> None:
    response = await client.get("/me", headers=bearer(value))
    assert response.status_code == 401
    assert response.json()["error"]["code"] in {"token_malformed", "token_algorithm_invalid"}


class FlakyJwks:
    """A JWKS endpoint that can be taken down and brought back; counts its fetches."""

    def __init__(self, *, up: bool) -> None:
        self.up = up
        self.fetches = 0

    def handler(self, _: httpx.Request) -> httpx.Response:
        self.fetches += 1
        if not self.up:
            raise httpx.ConnectError("connection refused")
        return httpx.Response(200, json={"keys": [PUBLIC_JWK]})


class Clock:
    """`time.monotonic` for the JWKS cache, moved by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    fake = Clock()
    monkeypatch.setattr(auth.time, "monotonic", fake)
    return fake


def flaky_app(jwks: FlakyJwks) -> FastAPI:
    router = APIRouter()

    @router.get("/me")
    async def me(user: CurrentUser) -> dict[str, str]:
        return {"sub": user.sub}

    spec = ServiceSpec(
        name="authtest",
        title="t",
        description="t",
        settings=CommonSettings(
            cognito_user_pool_id=POOL,
            cognito_client_id=CLIENT,
            cognito_jwks_url=JWKS_URL,
            jwks_refetch_interval_seconds=30,
        ),
        routers=[router],
        http_transport=httpx.MockTransport(jwks.handler),
    )
    return create_service_app(spec)


def assert_jwks_down(response: httpx.Response) -> None:
    assert response.status_code == 503, response.text
    assert response.json()["error"]["code"] == "dependency_unavailable"
    assert "cognito-jwks" in response.json()["error"]["message"]
    assert 1 <= int(response.headers["retry-after"]) <= 5


async def test_jwks_outage_with_no_keys_is_a_503_not_a_401(clock: Clock) -> None:
    jwks = FlakyJwks(up=False)
    async with serve(flaky_app(jwks)) as http:
        assert_jwks_down(await http.get("/me", headers=bearer(token())))
        assert_jwks_down(await http.get("/me", headers=bearer(token())))  # backing off: no second fetch
        assert jwks.fetches == 1


async def test_a_failed_jwks_fetch_is_retried_within_seconds_not_after_the_interval(clock: Clock) -> None:
    jwks = FlakyJwks(up=False)
    async with serve(flaky_app(jwks)) as http:
        assert_jwks_down(await http.get("/me", headers=bearer(token())))
        jwks.up = True
        clock.now += 1.1  # the first retry is due after 1 s (the refetch interval is 30 s)
        response = await http.get("/me", headers=bearer(token()))
        assert response.status_code == 200, response.text
        assert jwks.fetches == 2


async def test_failed_jwks_fetches_back_off_up_to_five_seconds(clock: Clock) -> None:
    jwks = FlakyJwks(up=False)
    gaps = []
    async with httpx.AsyncClient(transport=httpx.MockTransport(jwks.handler)) as http:
        cache = auth.JwksCache(url=JWKS_URL, http=http, min_interval=30)
        for _ in range(6):
            before = jwks.fetches
            waited = 0.0
            while jwks.fetches == before:
                with pytest.raises(DependencyUnavailable):
                    await cache.key("key-1")
                clock.now += 0.5
                waited += 0.5
            gaps.append(waited)
    assert gaps[1:] == [1.0, 2.0, 4.0, 5.0, 5.0]


async def test_the_last_good_keys_keep_serving_while_the_jwks_is_down(clock: Clock) -> None:
    jwks = FlakyJwks(up=True)
    async with serve(flaky_app(jwks)) as http:
        assert (await http.get("/me", headers=bearer(token()))).status_code == 200
        jwks.up = False
        clock.now += 31  # a refetch is allowed again: an unknown kid triggers one, which fails
        assert (await http.get("/me", headers=bearer(token(sub="someone-else")))).status_code == 200
        assert_401(await http.get("/me", headers=bearer(token(kid="rotated"))), "token_key_unknown")
        assert jwks.fetches == 2


async def test_after_a_successful_fetch_unknown_kids_are_still_rate_limited(clock: Clock) -> None:
    jwks = FlakyJwks(up=True)
    async with serve(flaky_app(jwks)) as http:
        assert (await http.get("/me", headers=bearer(token()))).status_code == 200
        for _ in range(5):
            clock.now += 2  # past any failure backoff, but within the 30 s refetch interval
            assert_401(await http.get("/me", headers=bearer(token(kid="made-up"))), "token_key_unknown")
        assert jwks.fetches == 1


async def test_a_verified_token_is_not_verified_again(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = []
    real = auth.jws.verify
    monkeypatch.setattr(auth.jws, "verify", lambda *a, **kw: calls.append(1) or real(*a, **kw))
    valid = token()
    for _ in range(10):
        assert (await client.get("/me", headers=bearer(valid))).status_code == 200
    assert len(calls) == 1
    header, _, signature = valid.split(".")  # a cached token's signature lends nothing to a forged payload
    forged = f"{header}.{_b64(claims(sub='someone-else'))}.{signature}"
    assert_401(await client.get("/me", headers=bearer(forged)), "token_signature_invalid")
    assert_401(await client.get("/me", headers=bearer(valid + "A")), "token_signature_invalid")


async def test_a_cached_token_still_expires(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    now = int(time.time())
    valid = token(exp=now + 60)
    assert (await client.get("/me", headers=bearer(valid))).status_code == 200
    monkeypatch.setattr(auth.time, "time", lambda: now + 120)  # past exp + the 30 s leeway
    assert_401(await client.get("/me", headers=bearer(valid)), "token_expired")


async def test_the_verified_token_cache_is_bounded(jwks: Jwks) -> None:
    settings = CommonSettings(cognito_user_pool_id=POOL, cognito_client_id=CLIENT, cognito_jwks_url=JWKS_URL)
    async with httpx.AsyncClient(transport=httpx.MockTransport(jwks.handler)) as http:
        verifier = auth.TokenVerifier(
            settings=settings, jwks=auth.JwksCache(url=JWKS_URL, http=http, min_interval=60), cache_size=3
        )
        tokens = [token(sub=f"user-{i}") for i in range(10)]
        for i, value in enumerate(tokens):
            assert (await verifier.verify(value)).sub == f"user-{i}"
        assert len(verifier._verified) == 3
        assert list(verifier._verified) == tokens[-3:]  # the oldest went first
