"""The Cognito pool as deployed: both triggers wired, SES email, optional TOTP, threat protection in
audit mode, and an SPA client without OAuth (issue 17 items 2-3; ACCOUNT-CONTRACT.md §3)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.infra.support import Synth

STACK = "CruddurAuth"


@pytest.fixture(scope="module")
def pool(synth: Synth) -> dict[str, Any]:
    (found,) = synth.resources(STACK, "AWS::Cognito::UserPool").values()
    props: dict[str, Any] = found["Properties"]
    return props


@pytest.fixture(scope="module")
def client(synth: Synth) -> dict[str, Any]:
    (found,) = synth.resources(STACK, "AWS::Cognito::UserPoolClient").values()
    props: dict[str, Any] = found["Properties"]
    return props


@pytest.mark.parametrize(
    ("trigger", "handler"),
    [
        ("PreSignUp", "user_service.lambdas.pre_sign_up.handler"),
        ("PostConfirmation", "user_service.lambdas.post_confirmation.handler"),
    ],
)
def test_both_triggers_are_wired_to_their_handlers_in_the_vpc(
    synth: Synth, pool: dict[str, Any], trigger: str, handler: str
) -> None:
    functions = synth.resources(STACK, "AWS::Lambda::Function")
    name = pool["LambdaConfig"][trigger]["Fn::GetAtt"][0]
    props = functions[name]["Properties"]
    assert props["Handler"] == handler
    assert props["VpcConfig"]["SubnetIds"] and props["VpcConfig"]["SecurityGroupIds"]
    assert "DB_SECRET_ARN" in props["Environment"]["Variables"]
    permissions = synth.resources(STACK, "AWS::Lambda::Permission").values()
    assert any(
        p["Properties"]["FunctionName"] == {"Fn::GetAtt": [name, "Arn"]}
        and p["Properties"]["Principal"] == "cognito-idp.amazonaws.com"
        for p in permissions
    ), f"Cognito may not invoke the {trigger} trigger"


def test_both_triggers_have_reserved_concurrency(synth: Synth, pool: dict[str, Any]) -> None:
    """A flood of other Lambdas in the account cannot take every execution and fail sign-ups."""
    functions = synth.resources(STACK, "AWS::Lambda::Function")
    for trigger in ("PreSignUp", "PostConfirmation"):
        props = functions[pool["LambdaConfig"][trigger]["Fn::GetAtt"][0]]["Properties"]
        assert props.get("ReservedConcurrentExecutions", 0) >= 1, trigger


def test_the_pre_sign_up_trigger_ships_in_the_post_confirmation_zip(
    synth: Synth, pool: dict[str, Any]
) -> None:
    functions = synth.resources(STACK, "AWS::Lambda::Function")
    code = {
        trigger: functions[ref["Fn::GetAtt"][0]]["Properties"]["Code"]
        for trigger, ref in pool["LambdaConfig"].items()
    }
    assert code["PreSignUp"] == code["PostConfirmation"]


def test_email_goes_through_the_ses_identity_given_as_a_parameter(synth: Synth, pool: dict[str, Any]) -> None:
    email = pool["EmailConfiguration"]
    assert email["EmailSendingAccount"] == "DEVELOPER"
    assert "SesIdentity" in json.dumps(email["SourceArn"]) and ":ses:" in json.dumps(email["SourceArn"])
    assert "EmailFrom" in json.dumps(email["From"])
    assert {"SesIdentity", "EmailFrom"} <= synth.templates[STACK]["Parameters"].keys()


def test_mfa_is_optional_with_software_tokens_only(pool: dict[str, Any]) -> None:
    assert pool["MfaConfiguration"] == "OPTIONAL"
    assert pool["EnabledMfas"] == ["SOFTWARE_TOKEN_MFA"]
    assert "SmsConfiguration" not in pool


def test_threat_protection_runs_in_audit_mode(pool: dict[str, Any]) -> None:
    assert pool["UserPoolTier"] == "PLUS"
    assert pool["UserPoolAddOns"] == {"AdvancedSecurityMode": "AUDIT"}


def test_the_spa_client_signs_in_by_api_only_and_may_re_authenticate_with_the_password(
    client: dict[str, Any],
) -> None:
    assert client["GenerateSecret"] is False
    # SRP for sign-in; USER_PASSWORD_AUTH for the fresh token before deletion / turning 2FA off
    assert set(client["ExplicitAuthFlows"]) == {
        "ALLOW_USER_SRP_AUTH",
        "ALLOW_USER_PASSWORD_AUTH",
        "ALLOW_REFRESH_TOKEN_AUTH",
    }
    for oauth in ("AllowedOAuthFlows", "CallbackURLs", "LogoutURLs", "AllowedOAuthScopes"):
        assert oauth not in client, f"{oauth}: no hosted UI, no OAuth"
    assert client.get("AllowedOAuthFlowsUserPoolClient", False) is False
    assert client["PreventUserExistenceErrors"] == "ENABLED"


def test_the_sign_up_waf_logs_its_requests(synth: Synth) -> None:
    (acl,) = synth.resources(STACK, "AWS::WAFv2::WebACL")
    (logging,) = synth.resources(STACK, "AWS::WAFv2::LoggingConfiguration").values()
    assert logging["Properties"]["ResourceArn"] == {"Fn::GetAtt": [acl, "Arn"]}
