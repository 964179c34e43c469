"""The /cognito/ proxy's allowlist: Cognito's public API passes, pool management needs SigV4."""

from __future__ import annotations

import pytest

from devstack.cognito_proxy import PUBLIC_ACTIONS, _needs_iam

SIGNED = {
    "authorization": "AWS4-HMAC-SHA256 Credential=cruddur/20261129/us-east-1/cognito-idp/aws4_request, "
    "SignedHeaders=host;x-amz-date;x-amz-target, Signature=0123"
}


@pytest.mark.parametrize("action", sorted(PUBLIC_ACTIONS))
def test_public_calls_pass_unsigned(action: str) -> None:
    assert not _needs_iam(action, {})


@pytest.mark.parametrize(
    "action",
    [
        "ListUsers",
        "ListUsersInGroup",
        "ListUserPools",
        "AdminCreateUser",
        "AdminDeleteUser",
        "AdminSetUserPassword",
        "AdminGetUser",
        "AdminInitiateAuth",
        "DescribeUserPool",
        "DescribeUserPoolClient",
        "CreateUserPoolClient",
        "UpdateUserPool",
        "",
        "signup",
    ],
)
def test_management_calls_need_a_signature(action: str) -> None:
    assert _needs_iam(action, {})
    assert _needs_iam(action, {"authorization": "Bearer x"})
    assert not _needs_iam(action, SIGNED)


def test_no_admin_list_or_describe_call_is_public() -> None:
    assert not [a for a in PUBLIC_ACTIONS if a.startswith(("Admin", "Describe", "Create"))]
    assert {a for a in PUBLIC_ACTIONS if a.startswith("List")} == {"ListDevices", "ListWebAuthnCredentials"}
