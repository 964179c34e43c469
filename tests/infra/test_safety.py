"""Issue 14 in AWS: the `moderators` group of the user pool, and WAF's rate limit on sign-ups per IP."""

from __future__ import annotations

from typing import Any

from cruddur_infra.stacks.compute import ACCOUNT_ADMIN_ACTIONS
from tests.infra.support import Synth

AUTH = "CruddurAuth"
MODERATORS = "moderators"  # the group the services read from the access token's cognito:groups


def _pool(synth: Synth) -> str:
    (logical,) = synth.resources(AUTH, "AWS::Cognito::UserPool")
    return logical


def test_the_moderators_group_is_in_the_user_pool(synth: Synth) -> None:
    groups = [g["Properties"] for g in synth.resources(AUTH, "AWS::Cognito::UserPoolGroup").values()]
    assert [g["GroupName"] for g in groups] == [MODERATORS]
    assert groups[0]["UserPoolId"] == {"Ref": _pool(synth)}


def _sign_up_acl(synth: Synth) -> tuple[str, dict[str, Any]]:
    acls = synth.resources(AUTH, "AWS::WAFv2::WebACL")
    assert len(acls) == 1
    ((logical, acl),) = acls.items()
    return logical, acl["Properties"]


def test_sign_ups_are_rate_limited_per_ip_by_a_regional_web_acl(synth: Synth) -> None:
    logical, acl = _sign_up_acl(synth)
    assert acl["Scope"] == "REGIONAL"  # a user pool takes a regional ACL (CruddurEdge's is CloudFront's)
    assert acl["DefaultAction"] == {"Allow": {}}
    (rule,) = acl["Rules"]
    assert rule["Action"] == {"Block": {}}
    rate = rule["Statement"]["RateBasedStatement"]
    assert rate["AggregateKeyType"] == "IP"
    assert rate["EvaluationWindowSec"] == 600  # WAF's longest window
    match = rate["ScopeDownStatement"]["ByteMatchStatement"]
    assert match["FieldToMatch"] == {"SingleHeader": {"Name": "x-amz-target"}}
    assert (match["PositionalConstraint"], match["SearchString"]) == (
        "EXACTLY",
        "AWSCognitoIdentityProviderService.SignUp",
    )
    parameter = synth.templates[AUTH]["Parameters"][rate["Limit"]["Ref"]]
    assert (parameter["Default"], parameter["MinValue"]) == (10, 10)  # WAF's floor

    (association,) = synth.resources(AUTH, "AWS::WAFv2::WebACLAssociation").values()
    assert association["Properties"]["ResourceArn"] == {"Fn::GetAtt": [_pool(synth), "Arn"]}
    assert association["Properties"]["WebACLArn"] == {"Fn::GetAtt": [logical, "Arn"]}


def test_only_the_user_service_may_suspend_accounts_and_only_in_its_pool(synth: Synth) -> None:
    resources = synth.templates["CruddurCompute"]["Resources"]
    statements = [
        statement
        for res in resources.values()
        if res["Type"] == "AWS::IAM::Policy"
        for statement in res["Properties"]["PolicyDocument"]["Statement"]
        if any(str(action).startswith("cognito-idp:") for action in _list(statement["Action"]))
    ]
    (statement,) = statements
    assert sorted(_list(statement["Action"])) == sorted(f"cognito-idp:{a}" for a in ACCOUNT_ADMIN_ACTIONS)
    assert "Arn" in str(statement["Resource"]) and "UserPool" in str(statement["Resource"])


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]
