"""Two-factor sign-in (software-token MFA) for the local Cognito: per-user secrets, real RFC 6238 codes.

moto gives every user one fixed secret and checks codes only under an environment flag, so the gateway's
Cognito proxy (`devstack.cognito_proxy`) answers `AssociateSoftwareToken` itself and checks every code here
before it lets moto record a verification (`VerifySoftwareToken`) or finish a `SOFTWARE_TOKEN_MFA`
challenge; moto keeps the rest (the user's MFA settings, the challenge, the tokens). docs/platform.md
"The local stack" describes the emulation.

The secrets are the emulator's own state, kept where a gateway restart (or a second gateway) finds them:
the stack's Postgres, schema `cognito_local` (created on first use: not a service's table, so no
migration; in AWS, Cognito keeps them). A secret is `pending` from its association until a code of it
is verified; only then does it replace the user's `secret`, the one sign-in checks, as in Cognito.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

import asyncpg
import httpx
import orjson
import pyotp
from starlette.responses import Response

SCHEMA = "cognito_local"
# Codes of the step before and after now pass too (30 s of clock drift each way), as Cognito allows.
VALID_WINDOW = 1
CODE = re.compile(r"[0-9]{6}")
CONNECT_TIMEOUT_SECONDS = 5.0
# asyncpg, not SQLAlchemy: the gateway starts without it (a second or more of imports on a busy machine).
DDL = f"""
CREATE SCHEMA IF NOT EXISTS {SCHEMA};
CREATE TABLE IF NOT EXISTS {SCHEMA}.software_tokens (
    pool_id text NOT NULL,
    username text NOT NULL,  -- the pool's username: the sub, not the email alias
    secret text,  -- verified: the one sign-in checks
    pending text,  -- associated, not verified yet
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (pool_id, username)
)"""
DB_ERRORS = (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError)

Upstream = Callable[[str, dict[str, Any]], Awaitable[httpx.Response]]


class CognitoError(Exception):
    """An error as Cognito answers it: a status and a JSON body whose `__type` SDKs turn into the name."""

    def __init__(self, kind: str, message: str, *, status: int = 400) -> None:
        super().__init__(message)
        self.kind, self.message, self.status = kind, message, status

    @classmethod
    def from_upstream(cls, response: httpx.Response) -> CognitoError:
        """moto's own error answer, passed on as it is."""
        try:
            body = response.json()
            return cls(str(body["__type"]), str(body.get("message", "")), status=response.status_code)
        except (ValueError, KeyError, TypeError):
            return cls("InternalErrorException", "The local Cognito failed.", status=500)

    def response(self, headers: dict[str, str] | None = None) -> Response:
        """The HTTP answer."""
        body = {"__type": self.kind, "message": self.message}
        return Response(
            orjson.dumps(body),
            status_code=self.status,
            media_type="application/x-amz-json-1.1",
            headers=headers,
        )


def invalid(message: str) -> CognitoError:
    """Cognito's answer to a missing or malformed parameter."""
    return CognitoError("InvalidParameterException", message)


def text_param(payload: dict[str, Any], name: str) -> str:
    """A required string parameter, or InvalidParameterException."""
    value = payload.get(name)
    if not isinstance(value, str) or not value:
        raise invalid(f"1 validation error detected: Value at '{name}' must be a non-empty string")
    return value


def code_matches(secret: str | None, code: object) -> bool:
    """True when `code` is six digits that `secret` gives now or one step either side (RFC 6238)."""
    if secret is None or not isinstance(code, str) or not CODE.fullmatch(code):
        return False
    return pyotp.TOTP(secret).verify(code, valid_window=VALID_WINDOW)


def upstream_json(answered: httpx.Response) -> dict[str, Any]:
    """The body of a successful moto answer; its error, as Cognito's, otherwise."""
    if answered.status_code != 200:
        raise CognitoError.from_upstream(answered)
    body: dict[str, Any] = answered.json()
    return body


class TotpStore:
    """Each pool user's verified and pending secret, in Postgres (a connection a call: they are rare)."""

    def __init__(self, database_url: str | None, *, pool_id: str) -> None:
        self.dsn = database_url.replace("postgresql+asyncpg://", "postgresql://", 1) if database_url else None
        self.pool_id = pool_id
        self.created = False

    @asynccontextmanager
    async def _connection(self) -> AsyncIterator[asyncpg.Connection]:
        if self.dsn is None:
            message = "The local Cognito keeps MFA secrets in Postgres: set DATABASE_URL."
            raise CognitoError("InternalErrorException", message, status=500)
        try:
            conn = await asyncpg.connect(self.dsn, timeout=CONNECT_TIMEOUT_SECONDS)
            try:
                if not self.created:  # once per process; a lock so that two gateways do not race
                    async with conn.transaction():
                        await conn.execute(f"SELECT pg_advisory_xact_lock(hashtext('{SCHEMA}'))")
                        await conn.execute(DDL)
                    self.created = True
                yield conn
            finally:
                await conn.close()
        except DB_ERRORS as exc:
            message = f"The local Cognito's MFA store is unavailable ({type(exc).__name__})."
            raise CognitoError("InternalErrorException", message, status=503) from exc

    async def associate(self, username: str) -> str:
        """A new random secret for the user, pending until a code of it is verified."""
        secret = pyotp.random_base32()
        async with self._connection() as conn:
            await conn.execute(
                "INSERT INTO cognito_local.software_tokens (pool_id, username, pending) VALUES ($1, $2, $3) "
                "ON CONFLICT (pool_id, username) DO UPDATE SET pending = EXCLUDED.pending, "
                "updated_at = now()",
                self.pool_id,
                username,
                secret,
            )
        return secret

    async def secrets(self, username: str) -> tuple[str | None, str | None]:
        """The user's (verified, pending) secrets."""
        async with self._connection() as conn:
            row = await conn.fetchrow(
                "SELECT secret, pending FROM cognito_local.software_tokens "
                "WHERE pool_id = $1 AND username = $2",
                self.pool_id,
                username,
            )
        return (row["secret"], row["pending"]) if row is not None else (None, None)

    async def promote(self, username: str, pending: str) -> None:
        """The verified pending secret becomes the user's (unless another was associated meanwhile)."""
        async with self._connection() as conn:
            await conn.execute(
                "UPDATE cognito_local.software_tokens "
                "SET secret = pending, pending = NULL, updated_at = now() "
                "WHERE pool_id = $1 AND username = $2 AND pending = $3",
                self.pool_id,
                username,
                pending,
            )

    async def forget(self, username: str) -> None:
        """The user is gone: so are their secrets."""
        async with self._connection() as conn:
            await conn.execute(
                "DELETE FROM cognito_local.software_tokens WHERE pool_id = $1 AND username = $2",
                self.pool_id,
                username,
            )


class SoftwareTokenMfa:
    """The MFA calls of Cognito's public API, made real over moto (`call` reaches moto itself)."""

    def __init__(self, *, store: TotpStore, call: Upstream) -> None:
        self.store = store
        self.call = call
        self.pool_id = store.pool_id

    async def caller(self, payload: dict[str, Any]) -> str:
        """The pool username of the access token's user (moto checks the token)."""
        if "AccessToken" not in payload and "Session" in payload:
            # MFA_SETUP (a session instead of a token) comes only from pools whose MFA is ON; the local
            # pool's, like the deployed one's, is OPTIONAL: users set it up once signed in.
            raise invalid("The local Cognito sets up software tokens with an AccessToken, not a Session.")
        token = text_param(payload, "AccessToken")
        return str(upstream_json(await self.call("GetUser", {"AccessToken": token}))["Username"])

    async def associate(self, payload: dict[str, Any]) -> dict[str, Any]:
        """AssociateSoftwareToken: a new secret of the user's own."""
        return {"SecretCode": await self.store.associate(await self.caller(payload))}

    async def verify(self, payload: dict[str, Any]) -> dict[str, Any]:
        """VerifySoftwareToken: a code of the pending secret confirms it (moto then records it verified)."""
        username = await self.caller(payload)
        _, pending = await self.store.secrets(username)
        if pending is None:
            raise invalid(
                "No software token is associated with this user: call AssociateSoftwareToken first."
            )
        if not code_matches(pending, payload.get("UserCode")):
            # ACCOUNT-CONTRACT.md §3 names CodeMismatchException; AWS answers this call's mismatch with
            # EnableSoftwareTokenMFAException ("Code mismatch and fail enable Software Token MFA").
            raise CognitoError("CodeMismatchException", "Code mismatch and fail enable Software Token MFA")
        upstream_json(await self.call("VerifySoftwareToken", payload))
        await self.store.promote(username, pending)
        return {"Status": "SUCCESS"}

    async def preference(self, payload: dict[str, Any]) -> dict[str, Any]:
        """SetUserMFAPreference, as moto should get it: enabling needs a verified secret; software tokens
        are the pool's one MFA kind, so enabled means used at sign-in (moto's password flow otherwise
        challenges only a *preferred* MFA, its SRP flow any enabled one)."""
        for name in ("SoftwareTokenMfaSettings", "SMSMfaSettings"):
            if not isinstance(payload.get(name, {}), dict):  # moto would answer 500
                raise invalid(f"{name} must be an object")
        settings = payload.get("SoftwareTokenMfaSettings")
        if not settings or not settings.get("Enabled"):
            return payload
        secret, _ = await self.store.secrets(await self.caller(payload))
        if secret is None:
            raise invalid("User has not verified software token mfa")
        return {**payload, "SoftwareTokenMfaSettings": {**settings, "PreferredMfa": True}}

    async def check_challenge(self, payload: dict[str, Any]) -> None:
        """A SOFTWARE_TOKEN_MFA answer passes only with a code of the named user's verified secret.

        moto signs in whoever USERNAME names, whatever session the answer carries: checking that user's
        code is what makes a session of one user useless for another.
        """
        answers = payload.get("ChallengeResponses")
        if not isinstance(answers, dict):
            raise invalid("Missing required parameter ChallengeResponses")
        username = text_param(answers, "USERNAME")  # the email alias (password flow) or the sub (SRP)
        code = answers.get("SOFTWARE_TOKEN_MFA_CODE")
        if code is None:
            raise invalid("Missing required parameter SOFTWARE_TOKEN_MFA_CODE")
        found = await self.call("AdminGetUser", {"UserPoolId": self.pool_id, "Username": username})
        secret = None
        if found.status_code == 200:  # an unknown user has no secret: the same mismatch, nothing revealed
            secret, _ = await self.store.secrets(str(found.json()["Username"]))
        if not code_matches(secret, code):
            raise CognitoError("CodeMismatchException", "Invalid code or auth state for the user.")
