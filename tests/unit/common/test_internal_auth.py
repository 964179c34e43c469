"""Service credentials: minted by the internal client, verified by the one guard on every /internal route."""

from __future__ import annotations

import time

import httpx
import pytest
from pydantic import SecretStr, ValidationError

from cruddur_common.errors import AppError
from cruddur_common.http import create_internal_client
from cruddur_common.internal_auth import (
    HEADER,
    LIFETIME_SECONDS,
    InternalAuth,
    InternalCredentialError,
    mint,
    verify,
)
from cruddur_common.settings import DEV_INTERNAL_SECRET, CommonSettings

SECRET = SecretStr("s" * 48)


def _code(token: str | None, *, secret: SecretStr = SECRET) -> str:
    with pytest.raises(InternalCredentialError) as caught:
        verify(token, secret=secret)
    assert caught.value.status_code == 401
    return caught.value.code


def test_a_fresh_credential_names_its_caller() -> None:
    assert verify(mint(secret=SECRET, caller="user", now=time.time()), secret=SECRET) == "user"


@pytest.mark.parametrize("token", [None, "", "garbage", "a.b.c"])
def test_missing_or_malformed_credentials_are_refused(token: str | None) -> None:
    assert _code(token) in ("internal_credential_required", "internal_credential_invalid")


def test_a_credential_signed_with_another_secret_is_refused() -> None:
    token = mint(secret=SecretStr("other" * 10), caller="user", now=time.time())
    assert _code(token) == "internal_credential_invalid"


def test_an_expired_credential_is_refused() -> None:
    token = mint(secret=SECRET, caller="user", now=time.time() - LIFETIME_SECONDS - 30)
    assert _code(token) == "internal_credential_expired"


def test_a_credential_that_lives_longer_than_a_minute_is_refused() -> None:
    token = mint(secret=SECRET, caller="user", now=time.time(), lifetime=3600)
    assert _code(token) == "internal_credential_invalid"


def test_a_credential_issued_in_the_future_is_refused() -> None:
    token = mint(secret=SECRET, caller="user", now=time.time() + 30)
    assert _code(token) == "internal_credential_invalid"


def test_an_unsigned_credential_is_refused() -> None:
    signed = mint(secret=SECRET, caller="user", now=time.time())
    header, claims, _ = signed.split(".")
    assert _code(f"{header}.{claims}.") == "internal_credential_invalid"


async def test_the_internal_client_signs_internal_calls_only() -> None:
    seen: dict[str, str | None] = {}

    def peer(request: httpx.Request) -> httpx.Response:
        seen[request.url.path] = request.headers.get(HEADER)
        return httpx.Response(204)

    settings = CommonSettings(internal_secret=SECRET)
    client = create_internal_client(settings=settings, caller="activity", transport=httpx.MockTransport(peer))
    async with client:
        await client.post("http://notification:8104/internal/notifications/events", json={})
        await client.get("http://cognito.example/.well-known/jwks.json")  # no credential for third parties
        await client.get("http://user:8102/internals")
    token = seen["/internal/notifications/events"]
    assert token is not None and verify(token, secret=SECRET) == "activity"
    assert seen["/.well-known/jwks.json"] is None and seen["/internals"] is None


def test_the_client_renews_its_credential_before_it_expires() -> None:
    now = [1_000_000.0]
    auth = InternalAuth(secret=SECRET, caller="user", clock=lambda: now[0])
    first = auth.token()
    now[0] += LIFETIME_SECONDS / 2 - 1
    assert auth.token() == first  # reused while more than half its life is left
    now[0] += 2
    assert auth.token() != first


def test_the_credential_error_is_an_app_error_with_a_stable_code() -> None:
    error = InternalCredentialError("x")
    assert isinstance(error, AppError) and error.code == "internal_credential_required"
    assert error.headers == {"WWW-Authenticate": "Cruddur-Internal"}


PROD = {
    "cruddur_env": "prod",
    "cognito_user_pool_id": "p",
    "cognito_client_id": "c",
    "cursor_secret": "x" * 40,
}


@pytest.mark.parametrize("secret", [None, DEV_INTERNAL_SECRET, "short"])
def test_prod_refuses_a_missing_public_or_short_internal_secret(secret: str | None) -> None:
    extra = {} if secret is None else {"internal_secret": secret}
    with pytest.raises(ValidationError, match="INTERNAL_SECRET"):
        CommonSettings(**PROD, **extra)


def test_prod_accepts_a_real_secret_or_an_arn_to_read_it_from() -> None:
    assert CommonSettings(**PROD, internal_secret="k" * 32).internal_secret.get_secret_value() == "k" * 32
    assert CommonSettings(**PROD, internal_secret_arn="arn:aws:secretsmanager:x").internal_secret_arn
