"""Two-factor sign-in in the local Cognito (issue 16): per-user secrets and real RFC 6238 codes, checked by
the gateway's Cognito proxy; plus the calls moto lacks that the SPA makes (issue 18 findings 1 and 3).

Everything goes through the gateway's `/cognito/`, as the SPA calls it.
"""

from __future__ import annotations

import asyncio
import secrets
import time
from collections.abc import Callable
from typing import Any

import asyncpg
import httpx
import pyotp
import pytest

from devstack.seed import cognito
from devstack.stack import LocalStack
from tests.extra_tasks import gateway_task
from tests.support import PASSWORD, TestUser, unique_handle

pytestmark = pytest.mark.integration
ON = {"SoftwareTokenMfaSettings": {"Enabled": True, "PreferredMfa": True}}
OFF = {"SoftwareTokenMfaSettings": {"Enabled": False, "PreferredMfa": False}}


def _refused(response: httpx.Response, kind: str) -> str:
    """Assert Cognito's 400 with this `__type`; return its message."""
    assert response.status_code == 400, (response.status_code, response.text)
    body = response.json()
    assert body["__type"] == kind, body
    return str(body["message"])


def _ok(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 200, (response.status_code, response.text)
    body: dict[str, Any] = response.json()
    return body


def _wrong(totp: pyotp.TOTP) -> str:
    """A well-formed code that none of the steps the proxy accepts (now, ±1) gives."""
    accepted = {totp.at(time.time() + shift) for shift in (-60, -30, 0, 30, 60)}
    while True:
        code = f"{secrets.randbelow(1_000_000):06d}"
        if code not in accepted:
            return code


def _associate(gateway_url: str, user: TestUser) -> pyotp.TOTP:
    secret = _ok(cognito(gateway_url, "AssociateSoftwareToken", {"AccessToken": user.token}))["SecretCode"]
    return pyotp.TOTP(secret)


def _verify(gateway_url: str, user: TestUser, code: str) -> httpx.Response:
    payload = {"AccessToken": user.token, "UserCode": code, "FriendlyDeviceName": "phone"}
    return cognito(gateway_url, "VerifySoftwareToken", payload)


def _enable(gateway_url: str, user: TestUser, settings: dict[str, Any] = ON) -> pyotp.TOTP:
    """Associate, verify with a real code, turn the preference on: what Settings -> Two-factor does."""
    totp = _associate(gateway_url, user)
    assert _ok(_verify(gateway_url, user, totp.now())) == {"Status": "SUCCESS"}
    _ok(cognito(gateway_url, "SetUserMFAPreference", {"AccessToken": user.token, **settings}))
    return totp


def _password_auth(gateway_url: str, client_id: str, email: str) -> dict[str, Any]:
    payload = {
        "ClientId": client_id,
        "AuthFlow": "USER_PASSWORD_AUTH",
        "AuthParameters": {"USERNAME": email, "PASSWORD": PASSWORD},
    }
    return _ok(cognito(gateway_url, "InitiateAuth", payload))


def _srp_auth(gateway_url: str, client_id: str, email: str) -> tuple[dict[str, Any], str]:
    """USER_SRP_AUTH as Amplify runs it; returns the answer to PASSWORD_VERIFIER and the name it used.

    moto does not check the SRP proof (the local SPA signs in with USER_PASSWORD_AUTH): any signature
    passes, so this exercises the flow's shape, the sub as USERNAME included, not the password.
    """
    start = {
        "ClientId": client_id,
        "AuthFlow": "USER_SRP_AUTH",
        "AuthParameters": {"USERNAME": email, "SRP_A": secrets.token_hex(64)},
    }
    challenge = _ok(cognito(gateway_url, "InitiateAuth", start))
    assert challenge["ChallengeName"] == "PASSWORD_VERIFIER", challenge
    params = challenge["ChallengeParameters"]
    username = params["USER_ID_FOR_SRP"]  # the sub: what Amplify answers every later challenge with
    answer = {
        "ClientId": client_id,
        "ChallengeName": "PASSWORD_VERIFIER",
        "Session": challenge["Session"],
        "ChallengeResponses": {
            "USERNAME": username,
            "PASSWORD_CLAIM_SECRET_BLOCK": params["SECRET_BLOCK"],
            "PASSWORD_CLAIM_SIGNATURE": secrets.token_hex(32),
            "TIMESTAMP": time.strftime("%a %b %d %H:%M:%S UTC %Y", time.gmtime()),
        },
    }
    return _ok(cognito(gateway_url, "RespondToAuthChallenge", answer)), username


def _answer(gateway_url: str, client_id: str, session: str, username: str, code: Any) -> httpx.Response:
    payload = {
        "ClientId": client_id,
        "ChallengeName": "SOFTWARE_TOKEN_MFA",
        "Session": session,
        "ChallengeResponses": {"USERNAME": username, "SOFTWARE_TOKEN_MFA_CODE": code},
    }
    return cognito(gateway_url, "RespondToAuthChallenge", payload)


def _challenged(result: dict[str, Any]) -> str:
    """The session of a SOFTWARE_TOKEN_MFA challenge (and no tokens)."""
    assert result.get("ChallengeName") == "SOFTWARE_TOKEN_MFA", result
    assert "AuthenticationResult" not in result, result
    return str(result["Session"])


def _signed_in(gateway_url: str, result: dict[str, Any]) -> dict[str, Any]:
    """The tokens of a finished sign-in; its access token works."""
    tokens: dict[str, Any] = result["AuthenticationResult"]
    _ok(cognito(gateway_url, "GetUser", {"AccessToken": tokens["AccessToken"]}))
    return tokens


def test_two_factor_sign_in_with_real_codes(
    gateway_url: str, client_id: str, make_user: Callable[..., TestUser]
) -> None:
    user = make_user()
    totp = _associate(gateway_url, user)
    assert len(totp.secret) >= 16
    _refused(_verify(gateway_url, user, _wrong(totp)), "CodeMismatchException")
    assert _ok(_verify(gateway_url, user, totp.now())) == {"Status": "SUCCESS"}
    _ok(cognito(gateway_url, "SetUserMFAPreference", {"AccessToken": user.token, **ON}))
    me = _ok(cognito(gateway_url, "GetUser", {"AccessToken": user.token}))
    assert me["UserMFASettingList"] == ["SOFTWARE_TOKEN_MFA"]
    assert me["PreferredMfaSetting"] == "SOFTWARE_TOKEN_MFA"

    session = _challenged(_password_auth(gateway_url, client_id, user.email))
    _refused(_answer(gateway_url, client_id, session, user.email, _wrong(totp)), "CodeMismatchException")
    _signed_in(gateway_url, _ok(_answer(gateway_url, client_id, session, user.email, totp.now())))

    verifier, sub = _srp_auth(gateway_url, client_id, user.email)
    session = _challenged(verifier)
    _refused(_answer(gateway_url, client_id, session, sub, _wrong(totp)), "CodeMismatchException")
    _signed_in(gateway_url, _ok(_answer(gateway_url, client_id, session, sub, totp.now())))

    _ok(cognito(gateway_url, "SetUserMFAPreference", {"AccessToken": user.token, **OFF}))
    me = _ok(cognito(gateway_url, "GetUser", {"AccessToken": user.token}))
    assert not me.get("UserMFASettingList")
    _signed_in(gateway_url, _password_auth(gateway_url, client_id, user.email))
    _signed_in(gateway_url, _srp_auth(gateway_url, client_id, user.email)[0])


def test_enabled_without_a_preference_still_challenges(
    gateway_url: str, client_id: str, make_user: Callable[..., TestUser]
) -> None:
    """Software tokens are the pool's one MFA kind: enabled is enough (Amplify's "ENABLED")."""
    user = make_user()
    enabled = {"SoftwareTokenMfaSettings": {"Enabled": True, "PreferredMfa": False}}
    totp = _enable(gateway_url, user, enabled)
    session = _challenged(_password_auth(gateway_url, client_id, user.email))
    _signed_in(gateway_url, _ok(_answer(gateway_url, client_id, session, user.email, totp.now())))


def test_two_users_have_their_own_secrets(
    gateway_url: str, client_id: str, make_user: Callable[..., TestUser]
) -> None:
    alice, bob, carol = make_user(), make_user(), make_user()
    alice_totp, bob_totp = _enable(gateway_url, alice), _enable(gateway_url, bob)
    assert alice_totp.secret != bob_totp.secret
    again = _associate(gateway_url, carol)
    assert again.secret not in (alice_totp.secret, bob_totp.secret)
    _refused(_verify(gateway_url, carol, alice_totp.now()), "CodeMismatchException")

    session = _challenged(_password_auth(gateway_url, client_id, alice.email))
    _refused(_answer(gateway_url, client_id, session, alice.email, bob_totp.now()), "CodeMismatchException")
    # moto signs in whoever the answer names: the code must be that user's, whatever session it rides
    _refused(_answer(gateway_url, client_id, session, bob.email, alice_totp.now()), "CodeMismatchException")
    _refused(_answer(gateway_url, client_id, session, carol.email, alice_totp.now()), "CodeMismatchException")
    tokens = _signed_in(
        gateway_url, _ok(_answer(gateway_url, client_id, session, alice.email, alice_totp.now()))
    )
    me = _ok(cognito(gateway_url, "GetUser", {"AccessToken": tokens["AccessToken"]}))
    assert {"Name": "email", "Value": alice.email} in me["UserAttributes"]


def test_a_new_secret_counts_only_once_verified(
    gateway_url: str, client_id: str, make_user: Callable[..., TestUser]
) -> None:
    user = make_user()
    _refused(_verify(gateway_url, user, "123456"), "InvalidParameterException")  # nothing associated yet
    assert "verified" in _refused(
        cognito(gateway_url, "SetUserMFAPreference", {"AccessToken": user.token, **ON}),
        "InvalidParameterException",
    )
    first = _enable(gateway_url, user)
    second = _associate(gateway_url, user)  # set up again, never confirmed: the first one still signs in
    session = _challenged(_password_auth(gateway_url, client_id, user.email))
    _refused(_answer(gateway_url, client_id, session, user.email, second.now()), "CodeMismatchException")
    _signed_in(gateway_url, _ok(_answer(gateway_url, client_id, session, user.email, first.now())))
    _ok(_verify(gateway_url, user, second.now()))  # confirmed: now the second one is the user's
    session = _challenged(_password_auth(gateway_url, client_id, user.email))
    _refused(_answer(gateway_url, client_id, session, user.email, first.now()), "CodeMismatchException")
    _signed_in(gateway_url, _ok(_answer(gateway_url, client_id, session, user.email, second.now())))


def test_the_secret_survives_a_gateway_restart(
    stack: LocalStack, gateway_url: str, client_id: str, make_user: Callable[..., TestUser]
) -> None:
    user = make_user()
    totp = _enable(gateway_url, user)
    with gateway_task(stack, 11) as fresh:  # a new gateway process: nothing of the first one's memory
        session = _challenged(_password_auth(fresh, client_id, user.email))
        _refused(_answer(fresh, client_id, session, user.email, _wrong(totp)), "CodeMismatchException")
        _signed_in(fresh, _ok(_answer(fresh, client_id, session, user.email, totp.now())))


@pytest.mark.parametrize(
    "code", ["", "12345", "1234567", "12345a", "١٢٣٤٥٦", 123456, None, ["123456"], {"a": 1}, "9" * 10_000]
)
def test_malformed_codes_are_refused(
    gateway_url: str, client_id: str, make_user: Callable[..., TestUser], code: Any
) -> None:
    user = make_user()
    totp = _enable(gateway_url, user)
    verify = cognito(gateway_url, "VerifySoftwareToken", {"AccessToken": user.token, "UserCode": code})
    assert verify.status_code == 400, verify.text
    assert verify.json()["__type"] in ("CodeMismatchException", "InvalidParameterException")
    session = _challenged(_password_auth(gateway_url, client_id, user.email))
    answer = _answer(gateway_url, client_id, session, user.email, code)
    assert answer.status_code == 400, answer.text
    assert answer.json()["__type"] in ("CodeMismatchException", "InvalidParameterException")
    _signed_in(gateway_url, _ok(_answer(gateway_url, client_id, session, user.email, totp.now())))


@pytest.mark.parametrize(
    ("action", "payload", "kind"),
    [
        ("AssociateSoftwareToken", {}, "InvalidParameterException"),
        ("AssociateSoftwareToken", {"AccessToken": "not-a-token"}, "NotAuthorizedException"),
        ("AssociateSoftwareToken", {"AccessToken": ["x"]}, "InvalidParameterException"),
        ("AssociateSoftwareToken", {"Session": "abc"}, "InvalidParameterException"),
        (
            "VerifySoftwareToken",
            {"AccessToken": "not-a-token", "UserCode": "123456"},
            "NotAuthorizedException",
        ),
        ("VerifySoftwareToken", [], "SerializationException"),
        ("RespondToAuthChallenge", {"ChallengeName": "SOFTWARE_TOKEN_MFA"}, "InvalidParameterException"),
        (
            "RespondToAuthChallenge",
            {"ChallengeName": "SOFTWARE_TOKEN_MFA", "ChallengeResponses": "x", "Session": "s"},
            "InvalidParameterException",
        ),
        (
            "RespondToAuthChallenge",
            {
                "ChallengeName": "SOFTWARE_TOKEN_MFA",
                "Session": "s",
                "ChallengeResponses": {"USERNAME": "nobody@example.com", "SOFTWARE_TOKEN_MFA_CODE": "123456"},
            },
            "CodeMismatchException",
        ),
        ("SetUserMFAPreference", {"AccessToken": "not-a-token", **ON}, "NotAuthorizedException"),
        ("GetTokensFromRefreshToken", {}, "InvalidParameterException"),
        ("GetTokensFromRefreshToken", {"RefreshToken": "nope"}, "InvalidParameterException"),
        ("ResendConfirmationCode", {"Username": 5}, "InvalidParameterException"),
    ],
)
def test_hostile_calls_get_cognito_errors(
    gateway_url: str, client_id: str, action: str, payload: Any, kind: str
) -> None:
    if isinstance(payload, dict) and action in ("RespondToAuthChallenge", "ResendConfirmationCode"):
        payload = {"ClientId": client_id, **payload}
    _refused(cognito(gateway_url, action, payload), kind)


def _refresh(gateway_url: str, client_id: str, refresh_token: str) -> httpx.Response:
    payload = {"ClientId": client_id, "RefreshToken": refresh_token}
    return cognito(gateway_url, "GetTokensFromRefreshToken", payload)


def test_get_tokens_from_refresh_token(
    gateway_url: str, client_id: str, make_user: Callable[..., TestUser]
) -> None:
    """Issue 18 finding 1: the SPA's token refresh (Amplify 6) got 500 from the emulator."""
    user = make_user()
    first = _password_auth(gateway_url, client_id, user.email)["AuthenticationResult"]
    result = _ok(_refresh(gateway_url, client_id, first["RefreshToken"]))
    assert set(result) == {"AuthenticationResult"}, result
    tokens = result["AuthenticationResult"]
    assert tokens["TokenType"] == "Bearer" and tokens["ExpiresIn"] > 0
    assert tokens["AccessToken"] != first["AccessToken"] and tokens["IdToken"]
    _signed_in(gateway_url, result)
    me = httpx.get(
        f"{gateway_url}/api/users/me", headers={"authorization": f"Bearer {tokens['AccessToken']}"}
    )
    assert me.status_code == 200, me.text

    _refused(_refresh(gateway_url, client_id, "not-a-refresh-token"), "NotAuthorizedException")
    _refused(_refresh(gateway_url, "no-such-client", first["RefreshToken"]), "ResourceNotFoundException")
    _ok(cognito(gateway_url, "GlobalSignOut", {"AccessToken": tokens["AccessToken"]}))
    _refused(_refresh(gateway_url, client_id, first["RefreshToken"]), "NotAuthorizedException")

    other = make_user()  # a deleted user's refresh token: refused, not moto's 500
    refresh = _password_auth(gateway_url, client_id, other.email)["AuthenticationResult"]["RefreshToken"]
    _ok(cognito(gateway_url, "DeleteUser", {"AccessToken": other.token}))
    _refused(_refresh(gateway_url, client_id, refresh), "NotAuthorizedException")
    flow = {"AuthFlow": "REFRESH_TOKEN_AUTH", "AuthParameters": {"REFRESH_TOKEN": refresh}}
    _refused(cognito(gateway_url, "InitiateAuth", {"ClientId": client_id, **flow}), "NotAuthorizedException")


def test_resend_confirmation_code(
    gateway_url: str, client_id: str, make_user: Callable[..., TestUser]
) -> None:
    """Issue 18 finding 3: "Send a new code" got 500 from the emulator."""
    handle = unique_handle("r")
    email = f"{handle}@example.com"
    attributes = {"email": email, "name": "Resend Me", "preferred_username": handle}
    sign_up = {
        "ClientId": client_id,
        "Username": email,
        "Password": PASSWORD,
        "UserAttributes": [{"Name": k, "Value": v} for k, v in attributes.items()],
    }
    _ok(cognito(gateway_url, "SignUp", sign_up))
    resend = {"ClientId": client_id, "Username": email}
    delivery = _ok(cognito(gateway_url, "ResendConfirmationCode", resend))["CodeDeliveryDetails"]
    assert delivery == {
        "Destination": f"{email[0]}***@e***",
        "DeliveryMedium": "EMAIL",
        "AttributeName": "email",
    }
    confirm = {"ClientId": client_id, "Username": email, "ConfirmationCode": "424242"}  # any code, locally
    _ok(cognito(gateway_url, "ConfirmSignUp", confirm))
    assert "confirmed" in _refused(
        cognito(gateway_url, "ResendConfirmationCode", resend), "InvalidParameterException"
    )

    nobody = {"ClientId": client_id, "Username": f"{unique_handle('n')}@example.com"}
    _refused(cognito(gateway_url, "ResendConfirmationCode", nobody), "UserNotFoundException")
    _refused(
        cognito(gateway_url, "ResendConfirmationCode", {"ClientId": "no-such-client", "Username": email}),
        "ResourceNotFoundException",
    )


def _stored(stack: LocalStack, sub: str) -> int:
    """How many rows the local Cognito's MFA store has for the user."""

    async def count() -> int:
        conn = await asyncpg.connect(stack.cfg.db_url)
        try:
            sql = "SELECT count(*) FROM cognito_local.software_tokens WHERE username = $1"
            return int(await conn.fetchval(sql, sub))
        finally:
            await conn.close()

    return asyncio.run(count())


def test_delete_user_forgets_the_secrets(
    stack: LocalStack, gateway_url: str, make_user: Callable[..., TestUser]
) -> None:
    user = make_user()
    _enable(gateway_url, user)
    sub = _ok(cognito(gateway_url, "GetUser", {"AccessToken": user.token}))["Username"]
    assert _stored(stack, sub) == 1
    assert _ok(cognito(gateway_url, "DeleteUser", {"AccessToken": user.token})) == {}
    assert _stored(stack, sub) == 0
    assert cognito(gateway_url, "DeleteUser", {"AccessToken": user.token}).status_code == 400
