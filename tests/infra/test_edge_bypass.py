"""CloudFront is the only way in (issue 17 items 5-6): an internal ALB behind a CloudFront VPC origin, the
WAF with the SQL-injection rules and its logs, the assets bucket readable by this distribution only, and
every registry path routed through CloudFront."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from cruddur_common.registry import load_registry
from tests.infra.support import Synth

FRONTEND = "CruddurFrontend"


@pytest.fixture(scope="module")
def distribution(synth: Synth) -> dict[str, Any]:
    (found,) = synth.resources(FRONTEND, "AWS::CloudFront::Distribution").values()
    config: dict[str, Any] = found["Properties"]["DistributionConfig"]
    return config


def test_the_alb_has_no_public_address(synth: Synth) -> None:
    (alb,) = synth.resources("CruddurCompute", "AWS::ElasticLoadBalancingV2::LoadBalancer").values()
    assert alb["Properties"]["Scheme"] == "internal"
    network = synth.templates["CruddurNetwork"]["Resources"]
    for subnet in alb["Properties"]["Subnets"]:
        logical = next(
            o["Value"]["Ref"]
            for o in synth.templates["CruddurNetwork"]["Outputs"].values()
            if o.get("Export", {}).get("Name") == subnet["Fn::ImportValue"]
        )
        assert network[logical]["Properties"]["MapPublicIpOnLaunch"] is False
    listeners = synth.resources("CruddurCompute", "AWS::ElasticLoadBalancingV2::Listener").values()
    assert [(lst["Properties"]["Port"], lst["Properties"]["Protocol"]) for lst in listeners] == [
        (443, "HTTPS")
    ]


def test_cloudfront_reaches_the_alb_through_a_vpc_origin_over_https(
    synth: Synth, distribution: dict[str, Any]
) -> None:
    (name, vpc_origin) = next(iter(synth.resources(FRONTEND, "AWS::CloudFront::VpcOrigin").items()))
    endpoint = vpc_origin["Properties"]["VpcOriginEndpointConfig"]
    assert endpoint["OriginProtocolPolicy"] == "https-only"
    assert "LoadBalancer" in json.dumps(endpoint["Arn"])
    behaviors = {b["PathPattern"]: b for b in distribution["CacheBehaviors"]}
    origins = {o["Id"]: o for o in distribution["Origins"]}
    api = origins[behaviors["/api/*"]["TargetOriginId"]]
    assert api["VpcOriginConfig"]["VpcOriginId"] == {"Fn::GetAtt": [name, "Id"]}
    assert "CustomOriginConfig" not in api


def _cloudfront_pattern(pattern: str) -> re.Pattern[str]:
    return re.compile("".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern))


@pytest.mark.parametrize("path", sorted({p.replace("*", "x") for e in load_registry() for p in e.paths}))
def test_every_registry_path_reaches_the_alb_through_cloudfront(
    distribution: dict[str, Any], path: str
) -> None:
    """CloudFront takes the first behaviour whose pattern matches; every service path must hit the ALB."""
    origins = {o["Id"]: o for o in distribution["Origins"]}
    behavior = next(
        (b for b in distribution["CacheBehaviors"] if _cloudfront_pattern(b["PathPattern"]).fullmatch(path)),
        distribution["DefaultCacheBehavior"],
    )
    assert "VpcOriginConfig" in origins[behavior["TargetOriginId"]], f"{path} goes to the SPA bucket"
    assert "POST" in behavior["AllowedMethods"]


def test_the_edge_waf_blocks_sql_injection_and_logs_every_request(synth: Synth) -> None:
    (name, acl) = next(iter(synth.resources("CruddurEdge", "AWS::WAFv2::WebACL").items()))
    groups = {
        r["Statement"]["ManagedRuleGroupStatement"]["Name"]
        for r in acl["Properties"]["Rules"]
        if "ManagedRuleGroupStatement" in r["Statement"]
    }
    assert "AWSManagedRulesSQLiRuleSet" in groups
    (logging,) = synth.resources("CruddurEdge", "AWS::WAFv2::LoggingConfiguration").values()
    props = logging["Properties"]
    assert props["ResourceArn"] == {"Fn::GetAtt": [name, "Arn"]}
    ((group, log_group),) = synth.resources("CruddurEdge", "AWS::Logs::LogGroup").items()
    assert log_group["Properties"]["LogGroupName"].startswith("aws-waf-logs-")
    assert {"Ref": group} in props["LogDestinationConfigs"][0]["Fn::Join"][1]
    redacted = {f["SingleHeader"]["Name"] for f in props["RedactedFields"]}
    assert {"authorization", "cookie"} <= redacted


def test_the_assets_bucket_is_readable_by_this_distribution_only(synth: Synth) -> None:
    assert synth.resources("CruddurFunctions", "AWS::S3::BucketPolicy").keys() == {
        n
        for n, p in synth.resources("CruddurFunctions", "AWS::S3::BucketPolicy").items()
        if "AssetsBucket" not in json.dumps(p["Properties"]["Bucket"])
    }, "the assets bucket's policy is written by CruddurFrontend alone"
    (distribution,) = synth.resources(FRONTEND, "AWS::CloudFront::Distribution")
    policies = [
        p["Properties"]
        for p in synth.resources(FRONTEND, "AWS::S3::BucketPolicy").values()
        if "AssetsBucket" in json.dumps(p["Properties"]["Bucket"])
    ]
    (policy,) = policies
    readers = [s for s in policy["PolicyDocument"]["Statement"] if s["Effect"] == "Allow"]
    assert readers, "CloudFront must read the assets"
    for statement in readers:
        assert statement["Principal"] == {"Service": "cloudfront.amazonaws.com"}
        assert statement["Condition"] == {
            "StringEquals": {
                "AWS:SourceArn": {
                    "Fn::Join": [
                        "",
                        [
                            "arn:",
                            {"Ref": "AWS::Partition"},
                            ":cloudfront::",
                            {"Ref": "AWS::AccountId"},
                            ":distribution/",
                            {"Ref": distribution},
                        ],
                    ]
                }
            }
        }
    assert any(
        s["Effect"] == "Deny" and s["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
        for s in policy["PolicyDocument"]["Statement"]
    )
