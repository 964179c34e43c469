"""The browser-facing /cognito/ proxy: it refuses pool management without SigV4 (issue 12 finding 9) and
limits sign-ups per client address in its emulated PreSignUp (issue 14)."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator
from typing import Any

import boto3
import httpx
import pytest

from devstack.stack import LocalStack
from tests.extra_tasks import gateway_task
from tests.support import PASSWORD, TestUser, unique_handle

pytestmark = pytest.mark.integration
TARGET = "AWSCognitoIdentityProviderService."


def _call(gateway_url: str, action: str, payload: dict[str, Any]) -> httpx.Response:
    headers = {"x-amz-target": TARGET + action, "content-type": "application/x-amz-json-1.1"}
    return httpx.post(f"{gateway_url}/cognito/", json=payload, headers=headers, timeout=10)


@pytest.mark.parametrize(
    ("action", "extra"),
    [
        ("ListUsers", {}),
        ("AdminGetUser", {"Username": "someone@example.com"}),
        ("AdminCreateUser", {"Username": "planted@example.com"}),
        ("AdminDeleteUser", {"Username": "someone@example.com"}),
        ("AdminSetUserPassword", {"Username": "x@example.com", "Password": "Pwned-1234", "Permanent": True}),
        ("AdminInitiateAuth", {"AuthFlow": "ADMIN_USER_PASSWORD_AUTH"}),
        ("DescribeUserPool", {}),
        ("ListUserPoolClients", {}),
        ("UpdateUserPool", {}),
        ("", {}),
    ],
)
def test_unsigned_management_calls_are_refused(
    stack: LocalStack, gateway_url: str, action: str, extra: dict[str, Any]
) -> None:
    assert stack.aws is not None
    response = _call(gateway_url, action, {"UserPoolId": stack.aws.user_pool_id, "MaxResults": 5, **extra})
    assert response.status_code == 400, response.text
    assert response.json()["__type"] == "MissingAuthenticationTokenException"


def test_the_public_api_still_works(
    gateway_url: str, client_id: str, make_user: Callable[..., TestUser]
) -> None:
    user = make_user()  # SignUp, ConfirmSignUp (with the triggers), InitiateAuth
    me = _call(gateway_url, "GetUser", {"AccessToken": user.token})
    assert me.status_code == 200, me.text
    assert any(a["Value"] == user.email for a in me.json()["UserAttributes"])


def test_a_sigv4_signed_management_call_is_forwarded(stack: LocalStack, gateway_url: str) -> None:
    assert stack.aws is not None
    cognito = boto3.client(
        "cognito-idp",
        endpoint_url=f"{gateway_url}/cognito/",
        region_name=stack.aws.region,
        aws_access_key_id="cruddur",
        aws_secret_access_key="cruddur",  # the local stack's dummy credentials
    )
    listed = cognito.list_users(UserPoolId=stack.aws.user_pool_id, Limit=1)
    assert listed["ResponseMetadata"]["HTTPStatusCode"] == 200


@pytest.fixture(scope="module")
def strict_gateway(stack: LocalStack) -> Iterator[str]:
    """A gateway with the real sign-up limit (the test stack's own is relaxed: SIGNUP_LIMIT)."""
    with gateway_task(stack, 7, SIGNUP_LIMIT="") as url:
        yield url


def _sign_up(gateway_url: str, client_id: str, address: str, email: str | None = None) -> httpx.Response:
    """A SignUp from `address`, as the gateway sees a client behind a trusted proxy (X-Forwarded-For)."""
    handle = unique_handle("s")
    email = email or f"{handle}@example.com"
    attributes = {"email": email, "name": "Sign Up", "preferred_username": handle}
    payload = {
        "ClientId": client_id,
        "Username": email,
        "Password": PASSWORD,
        "UserAttributes": [{"Name": k, "Value": v} for k, v in attributes.items()],
    }
    headers = {"x-amz-target": TARGET + "SignUp", "content-type": "application/x-amz-json-1.1"}
    return httpx.post(
        f"{gateway_url}/cognito/", json=payload, headers={**headers, "x-forwarded-for": address}, timeout=30
    )


def _address() -> str:
    return f"198.51.100.{secrets.randbelow(250) + 1}"  # TEST-NET-2, a fresh one per test


def test_sign_ups_are_limited_per_address(stack: LocalStack, strict_gateway: str, client_id: str) -> None:
    address = _address()
    for n in range(5):
        assert _sign_up(strict_gateway, client_id, address).status_code == 200, n
    email = f"{unique_handle('s')}@example.com"
    refused = _sign_up(strict_gateway, client_id, address, email)
    assert refused.status_code == 400, refused.text
    assert refused.json()["__type"] == "UserLambdaValidationException"
    assert "too many sign-ups" in refused.json()["message"]
    assert 1 <= int(refused.headers["retry-after"]) <= 1800
    assert stack.aws is not None
    cognito = boto3.client(
        "cognito-idp",
        endpoint_url=stack.cfg.aws_url,
        region_name=stack.aws.region,
        aws_access_key_id="cruddur",
        aws_secret_access_key="cruddur",
    )
    with pytest.raises(cognito.exceptions.UserNotFoundException):  # nothing was created
        cognito.admin_get_user(UserPoolId=stack.aws.user_pool_id, Username=email)
    other = f"203.0.113.{secrets.randbelow(250) + 1}"  # TEST-NET-3: another address has its own quota
    assert _sign_up(strict_gateway, client_id, other).status_code == 200


def test_failed_sign_ups_do_not_count(strict_gateway: str, client_id: str) -> None:
    address = _address()
    email = f"{unique_handle('s')}@example.com"
    assert _sign_up(strict_gateway, client_id, address, email).status_code == 200
    for _ in range(6):  # the email is taken: not a sign-up (re-seeding `make run` costs nothing)
        taken = _sign_up(strict_gateway, client_id, address, email)
        assert "UsernameExistsException" in taken.text, taken.text
    for n in range(4):
        assert _sign_up(strict_gateway, client_id, address).status_code == 200, n
    assert _sign_up(strict_gateway, client_id, address).status_code == 400
