"""Issue 12 finding 9: the browser-facing /cognito/ proxy refuses pool management without SigV4."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import boto3
import httpx
import pytest

from devstack.stack import LocalStack
from tests.support import TestUser

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
