"""A thin proxy in front of the local Cognito that runs the Lambda triggers moto does not run.

It is browser-facing (the gateway's `/cognito/`), so it forwards what real Cognito serves to anyone: the
public, client-id or access-token authorized API. Pool management (`Admin*`, `ListUsers`, `Describe*`,
`Create*`, ...) needs IAM credentials in real Cognito; here it is refused unless the call is SigV4-signed.
It also answers what moto lacks or gets wrong for the SPA: software-token MFA with real codes
(`devstack.cognito_mfa`), `GetTokensFromRefreshToken` and `ResendConfirmationCode`.
"""

from __future__ import annotations

import asyncio
import importlib
import logging
import math
import os
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import httpx
import orjson
from limits import parse
from limits.aio.storage import MemoryStorage
from limits.aio.strategies import MovingWindowRateLimiter
from starlette.requests import Request
from starlette.responses import Response

from cruddur_common.settings import CommonSettings
from devstack.cognito_mfa import CognitoError, SoftwareTokenMfa, TotpStore, invalid, text_param, upstream_json

log = logging.getLogger("devstack.cognito")
TARGET_PREFIX = "AWSCognitoIdentityProviderService."
PRE_SIGN_UP = "user_service.lambdas.pre_sign_up"
POST_CONFIRMATION = "user_service.lambdas.post_confirmation"
# Sign-ups per client address (docs/rate-limits.md); SIGNUP_LIMIT overrides it (the test stack signs up
# hundreds of users from 127.0.0.1). In AWS the WAF's rate-based rule on SignUp does this job.
SIGNUP_LIMIT = "5/30 minutes"
# Calls moto does not implement, answered as Cognito would for a valid request (sign-out revokes the
# refresh token; locally the tokens simply expire).
UNSUPPORTED_NO_OPS = frozenset({"RevokeToken"})
# The operations Cognito authorizes by client id or the user's own access token (no IAM), as the
# Cognito user pools API reference lists them. Everything else needs SigV4 (IAM) credentials.
PUBLIC_ACTIONS = frozenset(
    {
        "SignUp",
        "ConfirmSignUp",
        "ResendConfirmationCode",
        "InitiateAuth",
        "RespondToAuthChallenge",
        "GetTokensFromRefreshToken",
        "ForgotPassword",
        "ConfirmForgotPassword",
        "ChangePassword",
        "GetUser",
        "UpdateUserAttributes",
        "DeleteUserAttributes",
        "VerifyUserAttribute",
        "GetUserAttributeVerificationCode",
        "DeleteUser",
        "GlobalSignOut",
        "RevokeToken",
        "AssociateSoftwareToken",
        "VerifySoftwareToken",
        "SetUserMFAPreference",
        "SetUserSettings",
        "GetUserAuthFactors",
        "ConfirmDevice",
        "ForgetDevice",
        "GetDevice",
        "ListDevices",
        "UpdateDeviceStatus",
        "StartWebAuthnRegistration",
        "CompleteWebAuthnRegistration",
        "ListWebAuthnCredentials",
        "DeleteWebAuthnCredential",
    }
)
SIGV4_PREFIX = "AWS4-HMAC-SHA256 Credential="
# What a signed call needs forwarded so the emulator sees the same request that was signed.
FORWARDED = ("x-amz-target", "content-type", "x-amz-user-agent", "authorization", "x-amz-date")
FORWARDED_SIGNED = ("x-amz-security-token", "x-amz-content-sha256")


def _needs_iam(action: str, headers: Mapping[str, str]) -> bool:
    """True when the call is pool management (not public) and carries no SigV4 signature."""
    return action not in PUBLIC_ACTIONS and not headers.get("authorization", "").startswith(SIGV4_PREFIX)


def _missing_authentication(action: str) -> Response:
    # What Cognito answers an unsigned management call.
    message = f"{action or 'This operation'} needs AWS (SigV4) credentials, which browsers do not have."
    return CognitoError("MissingAuthenticationTokenException", message).response()


def _lambda_error(trigger: str, exc: Exception, *, headers: dict[str, str] | None = None) -> Response:
    return CognitoError("UserLambdaValidationException", f"{trigger} failed with error {exc}.").response(
        headers
    )


def _ok(body: dict[str, Any]) -> Response:
    return Response(orjson.dumps(body), status_code=200, media_type="application/x-amz-json-1.1")


def _masked(email: str) -> str:
    """An address as Cognito shows where it sent a code: `b***@e***`."""
    local, _, domain = email.partition("@")
    return f"{local[:1]}***@{domain[:1]}***"


class SignUpLimit:
    """At most `limit` accepted sign-ups per client address in a moving window (the emulated PreSignUp).

    Counted when the pool accepts a sign-up: an attempt that fails (a taken email, a weak password) is not
    a sign-up, so re-seeding the demo users on every `make run` costs nothing.
    """

    def __init__(self, limit: str) -> None:
        self.item = parse(limit)
        self.limiter = MovingWindowRateLimiter(MemoryStorage())

    async def retry_after(self, address: str) -> int | None:
        """Seconds until `address` may sign up again; None when it may now."""
        if await self.limiter.test(self.item, address):
            return None
        stats = await self.limiter.get_window_stats(self.item, address)
        return max(math.ceil(stats.reset_time - time.time()), 1)

    async def count(self, address: str) -> None:
        """Count one accepted sign-up."""
        await self.limiter.hit(self.item, address)


async def _invoke(module_name: str, event: dict[str, Any]) -> dict[str, Any] | None:
    """Run a trigger handler the way Lambda would (synchronously, in a worker thread)."""
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError:
        return None
    result: dict[str, Any] = await asyncio.to_thread(module.handler, event, None)
    return result


def _event(
    trigger: str, *, pool_id: str, client_id: str, username: str, attrs: dict[str, str]
) -> dict[str, Any]:
    return {
        "version": "1",
        "region": pool_id.split("_", 1)[0],
        "userPoolId": pool_id,
        "userName": username,
        "callerContext": {"awsSdkVersion": "cruddur-devstack", "clientId": client_id},
        "triggerSource": trigger,
        "request": {"userAttributes": attrs},
        "response": {},
    }


class CognitoProxy:
    """Forwards Cognito JSON-RPC calls to moto; emulates the Lambda triggers and what moto lacks."""

    def __init__(
        self,
        *,
        aws_url: str,
        pool_id: str,
        client_id: str,
        http: httpx.AsyncClient,
        signup_limit: str | None = None,
        database_url: str | None = None,
    ) -> None:
        self.aws_url = aws_url.rstrip("/") + "/"
        self.pool_id = pool_id
        self.client_id = client_id
        self.http = http
        self.signups = SignUpLimit(signup_limit or os.environ.get("SIGNUP_LIMIT") or SIGNUP_LIMIT)
        # The MFA secrets live in the stack's Postgres, the database the PostConfirmation trigger writes.
        store = TotpStore(database_url or CommonSettings().sqlalchemy_url, pool_id=pool_id)
        self.mfa = SoftwareTokenMfa(store=store, call=self._call)
        self.emulated: dict[str, Callable[[dict[str, Any]], Awaitable[dict[str, Any]]]] = {
            "AssociateSoftwareToken": self.mfa.associate,
            "VerifySoftwareToken": self.mfa.verify,
            "GetTokensFromRefreshToken": self._tokens_from_refresh_token,
            "ResendConfirmationCode": self._resend_confirmation_code,
            "DeleteUser": self._delete_user,
        }

    async def _call(self, action: str, payload: dict[str, Any]) -> httpx.Response:
        return await self.http.post(
            self.aws_url,
            content=orjson.dumps(payload),
            headers={"x-amz-target": TARGET_PREFIX + action, "content-type": "application/x-amz-json-1.1"},
        )

    async def handle(self, request: Request) -> Response:
        """Forward one call; run the triggers around SignUp and ConfirmSignUp; emulate what moto lacks."""
        target = request.headers.get("x-amz-target", "")
        action = target.removeprefix(TARGET_PREFIX)
        if _needs_iam(action, request.headers):
            log.warning("refused an unsigned Cognito management call", extra={"action": action[:64]})
            return _missing_authentication(action[:64])
        if action in UNSUPPORTED_NO_OPS:  # moto lacks these; Cognito answers {} and the client moves on
            return Response(b"{}", status_code=200, media_type="application/x-amz-json-1.1")
        body = await request.body()
        try:
            payload = orjson.loads(body) if body else {}
        except orjson.JSONDecodeError:
            payload = {}
        try:
            emulated = self.emulated.get(action)
            if emulated is not None:
                if not isinstance(payload, dict):
                    raise CognitoError("SerializationException", "The request body must be a JSON object.")
                return _ok(await emulated(payload))
            body = await self._before(action, payload, body)
        except CognitoError as exc:
            return exc.response()
        # The address the gateway forwards as X-Forwarded-For (this proxy runs inside the gateway).
        address = request.client.host if request.client else ""
        if action == "SignUp" and isinstance(payload, dict):
            refused = await self._pre_sign_up(payload, address)
            if refused is not None:
                return refused
        upstream = await self.http.post(
            self.aws_url,
            content=body,
            headers={
                k: v for k, v in request.headers.items() if k.lower() in (*FORWARDED, *FORWARDED_SIGNED)
            },
        )
        if action == "SignUp" and upstream.status_code == 200:
            await self.signups.count(address)
        if action == "ConfirmSignUp" and upstream.status_code == 200 and isinstance(payload, dict):
            failure = await self._post_confirmation(str(payload.get("Username", "")))
            if failure is not None:
                return failure
        return _answer(action, payload, upstream)

    async def _before(self, action: str, payload: Any, body: bytes) -> bytes:
        """The checks moto does not make before it answers; the body to forward."""
        if not isinstance(payload, dict):
            return body
        if action == "RespondToAuthChallenge" and payload.get("ChallengeName") == "SOFTWARE_TOKEN_MFA":
            await self.mfa.check_challenge(payload)
        if action == "SetUserMFAPreference":
            return orjson.dumps(await self.mfa.preference(payload))
        return body

    async def _pre_sign_up(self, payload: dict[str, Any], address: str) -> Response | None:
        """The emulated PreSignUp trigger (with the sign-up limit): its refusal, or None."""
        wait = await self.signups.retry_after(address)
        if wait is not None:
            log.warning("refused a sign-up over the limit", extra={"address": address})
            minutes = math.ceil(wait / 60)
            too_many = RuntimeError(f"too many sign-ups from this address; try again in {minutes} min")
            return _lambda_error("PreSignUp", too_many, headers={"Retry-After": str(wait)})
        attrs = {a.get("Name"): a.get("Value") for a in payload.get("UserAttributes", [])}
        event = _event(
            "PreSignUp_SignUp",
            pool_id=self.pool_id,
            client_id=self.client_id,
            username=str(payload.get("Username", "")),
            attrs=attrs,
        )
        try:
            await _invoke(PRE_SIGN_UP, event)
        except Exception as exc:  # the trigger refused the sign-up: tell the client like Cognito does
            return _lambda_error("PreSignUp", exc)
        return None

    async def _tokens_from_refresh_token(self, payload: dict[str, Any]) -> dict[str, Any]:
        """GetTokensFromRefreshToken (Amplify 6 refreshes with it): InitiateAuth's REFRESH_TOKEN_AUTH.

        No new refresh token, as Cognito without refresh-token rotation (Amplify keeps the one it has).
        """
        flow = {
            "ClientId": text_param(payload, "ClientId"),
            "AuthFlow": "REFRESH_TOKEN_AUTH",
            "AuthParameters": {"REFRESH_TOKEN": text_param(payload, "RefreshToken")},
        }
        answered = await self._call("InitiateAuth", flow)
        if answered.status_code >= 500:
            raise _revoked()
        return {"AuthenticationResult": upstream_json(answered)["AuthenticationResult"]}

    async def _resend_confirmation_code(self, payload: dict[str, Any]) -> dict[str, Any]:
        """ResendConfirmationCode: where Cognito would send a new code.

        Locally there is no mail: moto's ConfirmSignUp takes any code, so every code is a valid one.
        """
        client_id, username = text_param(payload, "ClientId"), text_param(payload, "Username")
        if client_id != self.client_id:
            raise CognitoError("ResourceNotFoundException", f"User pool client {client_id} does not exist.")
        user = upstream_json(
            await self._call("AdminGetUser", {"UserPoolId": self.pool_id, "Username": username})
        )
        if user.get("UserStatus") != "UNCONFIRMED":
            raise invalid("User is already confirmed.")
        email = next((a["Value"] for a in user.get("UserAttributes", []) if a["Name"] == "email"), username)
        log.info(
            "confirmation code re-sent (locally any code confirms)", extra={"user_sub": user["Username"]}
        )
        return {
            "CodeDeliveryDetails": {
                "Destination": _masked(email),
                "DeliveryMedium": "EMAIL",
                "AttributeName": "email",
            }
        }

    async def _delete_user(self, payload: dict[str, Any]) -> dict[str, Any]:
        """DeleteUser (moto lacks it: its AdminDeleteUser), and the user's MFA secrets with them."""
        username = await self.mfa.caller(payload)
        upstream_json(await self._call("AdminDeleteUser", {"UserPoolId": self.pool_id, "Username": username}))
        await self.mfa.store.forget(username)
        return {}

    async def _post_confirmation(self, username: str) -> Response | None:
        user = await self._call("AdminGetUser", {"UserPoolId": self.pool_id, "Username": username})
        if user.status_code != 200:
            return None
        data = user.json()
        attrs = {a["Name"]: a["Value"] for a in data.get("UserAttributes", [])}
        attrs["cognito:user_status"] = "CONFIRMED"
        event = _event(
            "PostConfirmation_ConfirmSignUp",
            pool_id=self.pool_id,
            client_id=self.client_id,
            username=data.get("Username", username),
            attrs=attrs,
        )
        try:
            await _invoke(POST_CONFIRMATION, event)
        except Exception as exc:
            log.exception("post-confirmation trigger failed")
            return _lambda_error("PostConfirmation", exc)
        return None


REFRESH_FLOWS = ("REFRESH_TOKEN_AUTH", "REFRESH_TOKEN")


def _revoked() -> CognitoError:
    """What Cognito answers a refresh token that no longer works (its user was deleted, say)."""
    return CognitoError("NotAuthorizedException", "Refresh Token has been revoked")


def _answer(action: str, payload: Any, upstream: httpx.Response) -> Response:
    """moto's answer, with its failures in Cognito's shape (moto answers some with a 500 HTML page)."""
    media_type = upstream.headers.get("content-type", "application/x-amz-json-1.1")
    if upstream.status_code < 500:
        return Response(upstream.content, status_code=upstream.status_code, media_type=media_type)
    if action == "InitiateAuth" and isinstance(payload, dict) and payload.get("AuthFlow") in REFRESH_FLOWS:
        # moto fails on a refresh token whose user was deleted; Cognito refuses the token
        return _revoked().response()
    log.warning("the local Cognito failed", extra={"action": action[:64], "status": upstream.status_code})
    return CognitoError(
        "InternalErrorException", f"The local Cognito failed on {action[:64]}.", status=500
    ).response()
