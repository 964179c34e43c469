"""A thin proxy in front of the local Cognito that runs the Lambda triggers moto does not run.

It is browser-facing (the gateway's `/cognito/`), so it forwards what real Cognito serves to anyone: the
public, client-id or access-token authorized API. Pool management (`Admin*`, `ListUsers`, `Describe*`,
`Create*`, ...) needs IAM credentials in real Cognito; here it is refused unless the call is SigV4-signed.
"""

from __future__ import annotations

import asyncio
import importlib
import logging
import math
import os
import time
from collections.abc import Mapping
from typing import Any

import httpx
import orjson
from limits import parse
from limits.aio.storage import MemoryStorage
from limits.aio.strategies import MovingWindowRateLimiter
from starlette.requests import Request
from starlette.responses import Response

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
    # What Cognito answers an unsigned management call; SDKs surface __type as the error's name.
    body = {
        "__type": "MissingAuthenticationTokenException",
        "message": f"{action or 'This operation'} needs AWS (SigV4) credentials, which browsers do not have.",
    }
    return Response(orjson.dumps(body), status_code=400, media_type="application/x-amz-json-1.1")


def _lambda_error(trigger: str, exc: Exception, *, headers: Mapping[str, str] | None = None) -> Response:
    body = {"__type": "UserLambdaValidationException", "message": f"{trigger} failed with error {exc}."}
    return Response(
        orjson.dumps(body), status_code=400, media_type="application/x-amz-json-1.1", headers=headers
    )


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
    """Forwards Cognito JSON-RPC calls to moto; emulates PreSignUp and PostConfirmation triggers."""

    def __init__(
        self,
        *,
        aws_url: str,
        pool_id: str,
        client_id: str,
        http: httpx.AsyncClient,
        signup_limit: str | None = None,
    ) -> None:
        self.aws_url = aws_url.rstrip("/") + "/"
        self.pool_id = pool_id
        self.client_id = client_id
        self.http = http
        self.signups = SignUpLimit(signup_limit or os.environ.get("SIGNUP_LIMIT") or SIGNUP_LIMIT)

    async def _call(self, action: str, payload: dict[str, Any]) -> httpx.Response:
        return await self.http.post(
            self.aws_url,
            content=orjson.dumps(payload),
            headers={"x-amz-target": TARGET_PREFIX + action, "content-type": "application/x-amz-json-1.1"},
        )

    async def handle(self, request: Request) -> Response:
        """Forward one call; run the triggers around SignUp and ConfirmSignUp."""
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
        # The address the gateway forwards as X-Forwarded-For (this proxy runs inside the gateway).
        address = request.client.host if request.client else ""
        if action == "SignUp" and isinstance(payload, dict):
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
        return Response(
            upstream.content,
            status_code=upstream.status_code,
            media_type=upstream.headers.get("content-type", "application/x-amz-json-1.1"),
        )

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
