"""Secure by default: private data, least privilege, private buckets, WAF at the edge."""

from __future__ import annotations

import json
from typing import Any

from aws_cdk.assertions import Match, Template

from cruddur_common.registry import load_registry
from cruddur_infra.needs import needs_for
from cruddur_infra.stacks.network import VPC_CIDR
from tests.infra.support import Synth

DATA_FACING_STACKS = ("CruddurData", "CruddurFunctions", "CruddurAuth", "CruddurCompute")


def _import_to_resource(synth: Synth, value: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """Follow `Fn::ImportValue` to the exporting stack's resource."""
    name = value["Fn::ImportValue"]
    stack = name.split(":")[0]
    for output in synth.templates[stack]["Outputs"].values():
        if output.get("Export", {}).get("Name") == name:
            logical = output["Value"]["Ref"]
            return logical, synth.templates[stack]["Resources"][logical]
    raise AssertionError(f"no export {name}")


def test_database_is_private_encrypted_backed_up_and_protected(synth: Synth) -> None:
    (db,) = synth.resources("CruddurData", "AWS::RDS::DBInstance").values()
    props = db["Properties"]
    assert props["PubliclyAccessible"] is False
    assert props["StorageEncrypted"] is True
    assert props["DeletionProtection"] is True
    assert props["BackupRetentionPeriod"] >= 7
    assert db["DeletionPolicy"] == "Snapshot"
    assert props["MasterUserPassword"]["Fn::Join"][1][0] == "{{resolve:secretsmanager:"


def test_database_subnets_are_isolated_with_no_route_to_the_internet(synth: Synth) -> None:
    (group,) = synth.resources("CruddurData", "AWS::RDS::DBSubnetGroup").values()
    network = synth.templates["CruddurNetwork"]["Resources"]
    routed_tables = {
        res["Properties"]["RouteTableId"]["Ref"]
        for res in network.values()
        if res["Type"] == "AWS::EC2::Route"
    }
    associations = {
        res["Properties"]["SubnetId"]["Ref"]: res["Properties"]["RouteTableId"]["Ref"]
        for res in network.values()
        if res["Type"] == "AWS::EC2::SubnetRouteTableAssociation"
    }
    assert len(group["Properties"]["SubnetIds"]) >= 2
    for subnet_ref in group["Properties"]["SubnetIds"]:
        logical, subnet = _import_to_resource(synth, subnet_ref)
        assert subnet["Properties"]["MapPublicIpOnLaunch"] is False
        assert associations[logical] not in routed_tables, f"{logical} has a default route"


def test_no_security_group_accepts_traffic_from_the_internet(synth: Synth) -> None:
    """CloudFront is the only way in: the internal ALB takes HTTPS from the VPC (its VPC origin) only."""
    groups = synth.resources("CruddurNetwork", "AWS::EC2::SecurityGroup")
    rules = [
        (name, rule)
        for name, group in groups.items()
        for rule in group["Properties"].get("SecurityGroupIngress", [])
    ]
    assert not [name for name, rule in rules if rule.get("CidrIp") == "0.0.0.0/0" or "CidrIpv6" in rule]
    alb = [rule for name, rule in rules if name.startswith("AlbSecurityGroup")]
    assert [(r["FromPort"], r["ToPort"], r["CidrIp"]) for r in alb] == [(443, 443, VPC_CIDR)]


def _statements(template: dict[str, Any]) -> list[dict[str, Any]]:
    found = []
    for res in template["Resources"].values():
        if res["Type"] == "AWS::IAM::Policy":
            found += res["Properties"]["PolicyDocument"]["Statement"]
        for policy in res["Properties"].get("Policies", []) if res["Type"] == "AWS::IAM::Role" else []:
            found += policy["PolicyDocument"]["Statement"]
    return found


def test_no_wildcard_iam_actions_where_data_is_touched(synth: Synth) -> None:
    for stack in DATA_FACING_STACKS:
        for statement in _statements(synth.templates[stack]):
            actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
            assert not [a for a in actions if "*" in a], f"{stack}: {actions}"


def test_each_task_role_reaches_only_its_own_datastores(synth: Synth) -> None:
    resources = synth.templates["CruddurCompute"]["Resources"]
    roles = {
        res["Properties"]["Family"].removeprefix("cruddur-"): res["Properties"]["TaskRoleArn"]["Fn::GetAtt"][
            0
        ]
        for res in resources.values()
        if res["Type"] == "AWS::ECS::TaskDefinition" and "TaskRoleArn" in res["Properties"]
    }
    for entry in load_registry():
        statements = [
            statement
            for res in resources.values()
            if res["Type"] == "AWS::IAM::Policy" and {"Ref": roles[entry.name]} in res["Properties"]["Roles"]
            for statement in res["Properties"]["PolicyDocument"]["Statement"]
            if not _ecs_exec(statement)
        ]
        text = json.dumps(statements)
        needs = needs_for(entry)
        assert ("dynamodb:" in text) is needs.messages_table, entry.name
        assert ("s3:" in text) is (needs.media is not None), entry.name
        assert ("cognito-idp:" in text) is needs.account_admin, entry.name
        assert '"Resource": "*"' not in text, entry.name


def _ecs_exec(statement: dict[str, Any]) -> bool:
    """ECS Exec's own statements (ssmmessages has no resource scoping); audited, see docs/ops.md."""
    actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
    return all(a.startswith("ssmmessages:") for a in actions) or actions == ["logs:DescribeLogGroups"]


def test_messages_table_matches_the_access_patterns(synth: Synth) -> None:
    (table,) = synth.resources("CruddurData", "AWS::DynamoDB::Table").values()
    props = table["Properties"]
    assert props["KeySchema"] == [
        {"AttributeName": "pk", "KeyType": "HASH"},
        {"AttributeName": "sk", "KeyType": "RANGE"},
    ]
    (gsi,) = props["GlobalSecondaryIndexes"]
    assert gsi["IndexName"] == "gsi1"
    assert gsi["KeySchema"] == [
        {"AttributeName": "gsi1pk", "KeyType": "HASH"},
        {"AttributeName": "gsi1sk", "KeyType": "RANGE"},
    ]
    assert props["StreamSpecification"] == {"StreamViewType": "NEW_AND_OLD_IMAGES"}
    assert props["TimeToLiveSpecification"] == {"AttributeName": "ttl", "Enabled": True}  # messaging
    assert props["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"] is True
    assert props["DeletionProtectionEnabled"] is True
    assert table["DeletionPolicy"] == "Retain"


def test_every_bucket_is_private_encrypted_and_tls_only(synth: Synth) -> None:
    for stack in synth.templates:
        buckets = synth.resources(stack, "AWS::S3::Bucket")
        policies = synth.resources(stack, "AWS::S3::BucketPolicy")
        for name, bucket in buckets.items():
            props = bucket["Properties"]
            assert all(props["PublicAccessBlockConfiguration"].values()), name
            assert props["BucketEncryption"]["ServerSideEncryptionConfiguration"], name
            (policy,) = [p for p in policies.values() if p["Properties"]["Bucket"] == {"Ref": name}] or [
                # the assets bucket's policy names the distribution, so CruddurFrontend writes it
                p
                for p in synth.resources("CruddurFrontend", "AWS::S3::BucketPolicy").values()
                if name in json.dumps(p["Properties"]["Bucket"])
            ]
            assert any(
                s["Effect"] == "Deny" and s["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
                for s in policy["Properties"]["PolicyDocument"]["Statement"]
            ), name


def test_uploads_cors_allows_only_the_site_origin(synth: Synth) -> None:
    template = Template.from_json(synth.templates["CruddurFunctions"])
    template.has_resource_properties(
        "AWS::S3::Bucket",
        {
            "CorsConfiguration": {
                "CorsRules": [
                    Match.object_like(
                        {"AllowedOrigins": [{"Fn::Join": ["", ["https://", {"Ref": "DomainName"}]]}]}
                    )
                ]
            }
        },
    )


def test_waf_is_cloudfront_scope_with_managed_rules_and_a_rate_limit(synth: Synth) -> None:
    (acl,) = synth.resources("CruddurEdge", "AWS::WAFv2::WebACL").values()
    props = acl["Properties"]
    assert props["Scope"] == "CLOUDFRONT"
    rules = {rule["Name"]: rule for rule in props["Rules"]}
    assert "RateBasedStatement" in rules["RateLimitPerIp"]["Statement"]
    assert {"AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet"} <= rules.keys()


def test_cloudfront_has_the_waf_oac_spa_fallback_and_one_domain_routes(synth: Synth) -> None:
    (dist,) = synth.resources("CruddurFrontend", "AWS::CloudFront::Distribution").values()
    config = dist["Properties"]["DistributionConfig"]
    assert config["WebACLId"] == {"Ref": "WebAclArn"}
    behaviors = {b["PathPattern"]: b for b in config["CacheBehaviors"]}
    assert {"/api/*", "/assets/*", "/config.json"} <= behaviors.keys()
    assert len(config["DefaultCacheBehavior"]["FunctionAssociations"]) == 1
    origins = {o["Id"]: o for o in config["Origins"]}
    api = origins[behaviors["/api/*"]["TargetOriginId"]]
    assert "VpcOriginConfig" in api  # https-only: tests/infra/test_edge_bypass.py
    for path in ("/assets/*", "/config.json"):
        assert "OriginAccessControlId" in origins[behaviors[path]["TargetOriginId"]], path
    assert "OriginAccessControlId" in origins[config["DefaultCacheBehavior"]["TargetOriginId"]]


def test_cognito_pool_matches_local_and_triggers_post_confirmation_in_the_vpc(synth: Synth) -> None:
    (pool,) = synth.resources("CruddurAuth", "AWS::Cognito::UserPool").values()
    props = pool["Properties"]
    assert props["UsernameAttributes"] == ["email"]
    required = {a["Name"] for a in props["Schema"] if a.get("Required")}
    assert {"name", "preferred_username"} <= required
    assert "PostConfirmation" in props["LambdaConfig"]
    functions = synth.resources("CruddurAuth", "AWS::Lambda::Function")
    trigger = functions[props["LambdaConfig"]["PostConfirmation"]["Fn::GetAtt"][0]]["Properties"]
    assert trigger["Handler"] == "user_service.lambdas.post_confirmation.handler"
    assert trigger["VpcConfig"]["SubnetIds"]


def test_lambdas_are_python312_x86_with_stream_failures_reported(synth: Synth) -> None:
    functions = synth.resources("CruddurFunctions", "AWS::Lambda::Function")
    ours = {f["Properties"]["Handler"]: f["Properties"] for f in functions.values() if "cruddur-" in str(f)}
    assert {
        "messaging_service.lambdas.stream.handler",
        "user_service.lambdas.avatar_processor.handler",
    } <= set(ours)
    for handler in (
        "messaging_service.lambdas.stream.handler",
        "user_service.lambdas.avatar_processor.handler",
    ):
        assert ours[handler]["Runtime"] == "python3.12"
        assert ours[handler]["Architectures"] == ["x86_64"]
    (mapping,) = synth.resources("CruddurFunctions", "AWS::Lambda::EventSourceMapping").values()
    props = mapping["Properties"]
    assert props["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert props["BisectBatchOnFunctionError"] is True
    assert "OnFailure" in props["DestinationConfig"]
    notifications = json.dumps(synth.resources("CruddurFunctions", "Custom::S3BucketNotifications"))
    assert '"Value": "uploads/"' in notifications
