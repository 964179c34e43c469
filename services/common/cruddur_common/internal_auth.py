"""Service credentials for `/internal/*`: a 60 s HS256 JWT signed with INTERNAL_SECRET, one shared check.

The caller's internal httpx client attaches it (`InternalAuth`); `create_service_app` puts
`internal_guard` on every route under `/internal`. The header is not `Authorization`, so a user's
`Authorization: Bearer` token can be forwarded on the same call.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Generator
from typing import Annotated

import httpx
from fastapi import Security
from fastapi.security import APIKeyHeader
from jose import jwt
from jose.exceptions import ExpiredSignatureError, JOSEError
from pydantic import SecretStr

from cruddur_common.errors import AppError

HEADER = "x-cruddur-internal"
INTERNAL_PREFIX = "/internal"
AUDIENCE = "cruddur-internal"
ALGORITHM = "HS256"
LIFETIME_SECONDS = 60
# Clocks of ECS tasks and Lambdas are NTP-synced; 5 s covers what is left without widening replay much.
LEEWAY_SECONDS = 5
Clock = Callable[[], float]

internal_scheme = APIKeyHeader(
    name=HEADER,
    auto_error=False,
    scheme_name="CruddurInternal",
    description="A service credential (60 s HS256 JWT over INTERNAL_SECRET); only other services have it.",
)


class InternalCredentialError(AppError):
    """A call to an internal route without a valid service credential."""

    status_code = 401
    code = "internal_credential_required"

    def __init__(self, message: str, *, code: str = "internal_credential_required") -> None:
        super().__init__(message, code=code, headers={"WWW-Authenticate": "Cruddur-Internal"})


def mint(*, secret: SecretStr, caller: str, now: float, lifetime: int = LIFETIME_SECONDS) -> str:
    """A credential naming the calling service, valid for `lifetime` seconds from `now`."""
    issued = int(now)
    claims = {"iss": caller, "aud": AUDIENCE, "iat": issued, "exp": issued + lifetime}
    return str(jwt.encode(claims, secret.get_secret_value(), algorithm=ALGORITHM))


def verify(token: str | None, *, secret: SecretStr) -> str:
    """The calling service named by a valid credential; InternalCredentialError otherwise."""
    if not token:
        raise InternalCredentialError(f"Internal routes need the {HEADER} service credential.")
    try:
        claims = jwt.decode(
            token,
            secret.get_secret_value(),  # python-jose compares signatures with hmac.compare_digest
            algorithms=[ALGORITHM],
            audience=AUDIENCE,
            options={"leeway": LEEWAY_SECONDS, "require_exp": True, "require_iat": True, "require_iss": True},
        )
    except ExpiredSignatureError as exc:
        raise InternalCredentialError(
            "The service credential has expired.", code="internal_credential_expired"
        ) from exc
    except JOSEError as exc:
        raise InternalCredentialError(
            "The service credential is not valid.", code="internal_credential_invalid"
        ) from exc
    issued, expires = claims["iat"], claims["exp"]
    # A leaked credential must not outlive a minute, whoever signed it: refuse longer or future ones.
    if expires - issued > LIFETIME_SECONDS or issued > time.time() + LEEWAY_SECONDS:
        raise InternalCredentialError(
            "The service credential's lifetime is not valid.", code="internal_credential_invalid"
        )
    return str(claims["iss"])


def internal_guard(secret: SecretStr) -> Callable[[str | None], Awaitable[str]]:
    """The dependency every `/internal` route gets: the calling service's name, or 401."""

    async def require_internal_caller(
        token: Annotated[str | None, Security(internal_scheme)],
    ) -> str:
        return verify(token, secret=secret)

    return require_internal_caller


class InternalAuth(httpx.Auth):
    """Adds the credential to calls of `/internal/*` routes (not to JWKS or any other URL)."""

    def __init__(self, *, secret: SecretStr, caller: str, clock: Clock = time.time) -> None:
        self._secret = secret
        self._caller = caller
        self._clock = clock
        self._token = ""
        self._expires = 0.0

    def token(self) -> str:
        """The current credential; a new one when less than half its lifetime is left."""
        now = self._clock()
        if now > self._expires - LIFETIME_SECONDS / 2:
            self._token = mint(secret=self._secret, caller=self._caller, now=now)
            self._expires = int(now) + LIFETIME_SECONDS
        return self._token

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        """Attach the header to internal calls only."""
        if request.url.path.startswith(INTERNAL_PREFIX + "/"):
            request.headers[HEADER] = self.token()
        yield request
