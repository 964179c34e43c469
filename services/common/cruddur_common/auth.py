"""The one Cognito auth dependency: RS256 access tokens verified against a cached JWKS."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated, Any

import httpx
import orjson
from fastapi import Depends, Query, Request, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from jose import jwk, jws
from jose.exceptions import JOSEError

from cruddur_common.errors import DependencyUnavailable, Forbidden, Unauthorized
from cruddur_common.settings import CommonSettings

log = logging.getLogger("cruddur.auth")
ALGORITHM = "RS256"
bearer_scheme = HTTPBearer(
    auto_error=False,
    scheme_name="CognitoAccessToken",
    description="A Cognito **access** token: `Authorization: Bearer <token>`.",
)


@dataclass(frozen=True, slots=True)
class Principal:
    """The verified caller: Cognito `sub`, username and the raw token (for forwarding)."""

    sub: str
    username: str
    token: str
    claims: dict[str, Any]


class JwksCache:
    """Signing keys by `kid`, fetched once and refetched only for an unknown kid (rate-limited).

    A failed fetch keeps the last good keys and is retried after a short backoff (1 s, 2 s, 4 s, then
    every 5 s), not after `min_interval`: that interval only spaces refetches after a successful one, so
    a stream of tokens with made-up kids cannot hammer Cognito. With no keys at all and the JWKS
    unreachable, nothing can be verified: 503 `dependency_unavailable`, not a 401 blaming the token.
    """

    def __init__(
        self, *, url: str, http: httpx.AsyncClient, min_interval: float, max_backoff: float = 5.0
    ) -> None:
        self._url = url
        self._http = http
        self._min_interval = min_interval
        self._max_backoff = max_backoff
        self._keys: dict[str, Any] = {}
        self._fetched_at: float | None = None  # the last successful fetch
        self._failures = 0  # consecutive failed fetches
        self._retry_at = 0.0  # no fetch before this, after a failure
        self._lock = asyncio.Lock()
        self.fetch_count = 0

    async def key(self, kid: str) -> Any | None:
        """The constructed public key for `kid`, or None when the pool does not know it."""
        found = self._keys.get(kid)
        if found is not None:
            return found
        async with self._lock:
            found = self._keys.get(kid)
            if found is None and self._may_refetch():
                try:
                    await self._fetch()
                except DependencyUnavailable:
                    if not self._keys:
                        raise
                    return None  # keep serving with the last good keys; this kid is unknown to them
                found = self._keys.get(kid)
        if found is None and self._failures and not self._keys:
            raise DependencyUnavailable("cognito-jwks")  # still backing off after a failed fetch
        return found

    def _may_refetch(self) -> bool:
        now = time.monotonic()
        if self._failures:
            return now >= self._retry_at
        return self._fetched_at is None or now - self._fetched_at >= self._min_interval

    async def _fetch(self) -> None:
        self.fetch_count += 1
        try:
            response = await self._http.get(self._url, timeout=5.0)
            response.raise_for_status()
            document = response.json()
            if not isinstance(document, dict):
                raise ValueError("the JWKS document is not an object")
        except (httpx.HTTPError, ValueError) as exc:
            self._failures += 1
            backoff = min(2.0 ** (self._failures - 1), self._max_backoff)
            self._retry_at = time.monotonic() + backoff
            log.warning("JWKS fetch failed (retry in %.0f s): %s", backoff, type(exc).__name__)
            raise DependencyUnavailable("cognito-jwks") from exc
        keys: dict[str, Any] = {}
        for item in document.get("keys", []):
            if item.get("kty") == "RSA" and item.get("kid") and item.get("alg", ALGORITHM) == ALGORITHM:
                keys[item["kid"]] = jwk.construct(item, ALGORITHM)
        self._keys = keys
        self._fetched_at = time.monotonic()
        self._failures = 0


class TokenVerifier:
    """Checks signature, iss, token_use, client_id, exp, iat and nbf of a Cognito access token."""

    def __init__(self, *, settings: CommonSettings, jwks: JwksCache, cache_size: int = 4096) -> None:
        self._issuer = settings.issuer
        self._client_id = settings.cognito_client_id
        self._leeway = min(settings.auth_leeway_seconds, 60)
        self.jwks = jwks
        # Tokens already verified, by their exact text (signature included), with their `exp`: a client
        # sends the same access token on every request for up to an hour, and the RS256 check and JOSE
        # parsing are the costliest part of auth. A hit still honours `exp`; a changed byte is a miss.
        self._verified: dict[str, tuple[Principal, float]] = {}
        self._cache_size = cache_size

    async def verify(self, token: str) -> Principal:
        """Return the principal for a valid token; raise Unauthorized with a stable code otherwise."""
        hit = self._verified.get(token)
        if hit is not None:
            if time.time() <= hit[1] + self._leeway:
                return hit[0]
            del self._verified[token]
        principal = await self._verify(token)
        if len(self._verified) >= self._cache_size:
            del self._verified[next(iter(self._verified))]  # the oldest entry
        self._verified[token] = (principal, float(principal.claims["exp"]))
        return principal

    async def _verify(self, token: str) -> Principal:
        header = _header(token)
        if header.get("alg") != ALGORITHM:
            raise Unauthorized("Only RS256 tokens are accepted.", code="token_algorithm_invalid")
        kid = header.get("kid")
        if not isinstance(kid, str) or not kid:
            raise Unauthorized("The token names no signing key.", code="token_malformed")
        key = await self.jwks.key(kid)
        if key is None:
            raise Unauthorized("The token was signed by an unknown key.", code="token_key_unknown")
        try:
            payload = jws.verify(token, key, algorithms=[ALGORITHM])
        except JOSEError as exc:
            raise Unauthorized("The token signature is invalid.", code="token_signature_invalid") from exc
        claims = _claims(payload)
        self._check_claims(claims)
        return Principal(
            sub=claims["sub"], username=str(claims.get("username", claims["sub"])), token=token, claims=claims
        )

    def _check_claims(self, claims: dict[str, Any]) -> None:
        now = time.time()
        if claims.get("iss") != self._issuer:
            raise Unauthorized("The token was issued by another user pool.", code="token_issuer_invalid")
        if claims.get("token_use") != "access":
            raise Unauthorized("An access token is required.", code="token_use_invalid")
        if claims.get("client_id") != self._client_id:
            raise Unauthorized("The token belongs to another app client.", code="token_client_invalid")
        if not isinstance(claims.get("sub"), str) or not claims["sub"]:
            raise Unauthorized("The token has no subject.", code="token_malformed")
        exp = _number(claims, "exp", required=True)
        if exp is None or now > exp + self._leeway:
            raise Unauthorized("The token has expired.", code="token_expired")
        for name in ("iat", "nbf"):
            value = _number(claims, name, required=name == "iat")
            if value is not None and value > now + self._leeway:
                raise Unauthorized("The token is not valid yet.", code="token_not_yet_valid")


def _header(token: str) -> dict[str, Any]:
    if token.count(".") != 2:
        raise Unauthorized("The token is not a JWT.", code="token_malformed")
    try:
        header = jws.get_unverified_header(token)
    except JOSEError as exc:
        raise Unauthorized("The token header cannot be read.", code="token_malformed") from exc
    if not isinstance(header, dict):
        raise Unauthorized("The token header cannot be read.", code="token_malformed")
    return header


def _claims(payload: bytes) -> dict[str, Any]:
    try:
        claims = orjson.loads(payload)
    except orjson.JSONDecodeError as exc:
        raise Unauthorized("The token claims cannot be read.", code="token_malformed") from exc
    if not isinstance(claims, dict):
        raise Unauthorized("The token claims cannot be read.", code="token_malformed")
    return claims


def _number(claims: dict[str, Any], name: str, *, required: bool) -> float | None:
    value = claims.get(name)
    if value is None:
        if required:
            raise Unauthorized(f"The token has no `{name}` claim.", code="token_malformed")
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise Unauthorized(f"The token's `{name}` claim is not a number.", code="token_malformed")
    return float(value)


def _token_from_header(request: Request) -> str | None:
    value = request.headers.get("authorization")
    if value is None:
        return None
    scheme, _, token = value.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("Use `Authorization: Bearer <access token>`.", code="authorization_header_invalid")
    return token.strip()


async def _verify(request: Request, token: str) -> Principal:
    verifier: TokenVerifier = request.app.state.token_verifier
    principal = await verifier.verify(token)
    request.state.user_sub = principal.sub
    return principal


# Declares the bearer scheme in OpenAPI (the Authorize button of /docs); the checks are ours, below.
BearerScheme = Annotated[HTTPAuthorizationCredentials | None, Security(bearer_scheme)]


async def principal_of(request: Request, *, required: bool) -> Principal | None:
    """The caller behind the request's bearer token: for dependencies that do more than authenticate.

    None when no token is sent and `required` is false; 401 `not_authenticated` when it is true; 401 with the
    token's own code when the token is bad.
    """
    token = _token_from_header(request)
    if token is None:
        if required:
            raise Unauthorized("Sign in to do this.")
        return None
    return await _verify(request, token)


async def optional_principal(request: Request, _: BearerScheme) -> Principal | None:
    """The caller when a token is sent; None when none is; 401 when the token is bad."""
    return await principal_of(request, required=False)


async def required_principal(request: Request, _: BearerScheme) -> Principal:
    """The caller; 401 `not_authenticated` when no token is sent."""
    principal = await principal_of(request, required=True)
    assert principal is not None
    return principal


async def stream_principal(
    request: Request,
    _: BearerScheme,
    access_token: Annotated[
        str | None,
        Query(description="For EventSource, which cannot send headers: the access token."),
    ] = None,
) -> Principal:
    """Like the required variant, but also accepts `?access_token=` (server-sent events)."""
    token = _token_from_header(request) or access_token
    if not token:
        raise Unauthorized("Sign in to do this.")
    return await _verify(request, token)


CurrentUser = Annotated[Principal, Depends(required_principal)]
OptionalUser = Annotated[Principal | None, Depends(optional_principal)]
StreamUser = Annotated[Principal, Depends(stream_principal)]

# The Cognito group whose members moderate (reports, removals, suspensions).
MODERATORS = "moderators"


def in_group(principal: Principal, name: str) -> bool:
    """Whether the access token says the caller is in the Cognito group `name` (`cognito:groups`)."""
    groups = principal.claims.get("cognito:groups", [])
    return isinstance(groups, list) and name in groups


def require_group(name: str) -> Callable[..., Awaitable[Principal]]:
    """A dependency: the caller, or 403 `forbidden` unless their token puts them in the group `name`."""

    async def member(principal: CurrentUser) -> Principal:
        if not in_group(principal, name):
            raise Forbidden(f"Only {name} may do this.")
        return principal

    member.__name__ = f"require_{name}"
    return member


Moderator = Annotated[Principal, Depends(require_group(MODERATORS))]

# How recent a sign-in must be for what cannot be undone (deleting the account): the access token's
# `auth_time` (when the person last typed their password; refreshing tokens keeps it) within this.
REAUTH_SECONDS = 600


def signed_in_within(principal: Principal, seconds: float, *, now: float | None = None) -> bool:
    """Whether the caller authenticated (password, and second factor if on) in the last `seconds`."""
    auth_time = principal.claims.get("auth_time")
    if not isinstance(auth_time, int | float) or isinstance(auth_time, bool):
        return False
    return (time.time() if now is None else now) - auth_time <= seconds


async def recent_principal(principal: CurrentUser) -> Principal:
    """The caller, or 403 `reauth_required` unless they signed in within `REAUTH_SECONDS`."""
    if not signed_in_within(principal, REAUTH_SECONDS):
        raise Forbidden(
            "Sign in again to do this: it needs a sign-in from the last 10 minutes.", code="reauth_required"
        )
    return principal


RecentSignIn = Annotated[Principal, Depends(recent_principal)]
