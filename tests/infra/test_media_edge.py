"""Pictures end with their crud at the edge, and the infra provisions what pictures need (contract §4).

The CloudFront Function's JS runs here in `node` against CloudFront-shaped events, judged by the same table
as the local gateway (tests/infra/media_edge_cases.py); the synth assertions pin the behaviour, its cache
policy, the lifecycle rules, the TTL attribute and the grants.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from typing import Any

import pytest

from cruddur_common.registry import service
from cruddur_infra.needs import EXPORTS_PREFIX, MEDIA_PREFIX, MEDIA_UPLOADS_PREFIX, UPLOADS_PREFIX
from cruddur_infra.settings import internal_url
from cruddur_infra.stacks.frontend import MEDIA_EXPIRY_JS
from devstack.gateway import MEDIA_MAX_AGE, MEDIA_MAX_AHEAD
from tests.infra.media_edge_cases import CASES, NOW
from tests.infra.support import Synth

PICTURE = "/assets/media/6f1c2a8e-0000-4000-8000-000000000001/tok/1600.webp"

# Runs the function file as CloudFront would (a plain script defining `handler`), with a fixed clock.
RUNNER = r"""
const fs = require('fs'), vm = require('vm');
const file = process.argv[process.argv.length - 1];
const results = [];
for (const c of JSON.parse(fs.readFileSync(0, 'utf8'))) {
  class FixedDate extends Date { static now() { return c.now_ms; } }
  const context = vm.createContext({ Date: FixedDate, Math, parseInt, JSON });
  const handler = vm.runInContext(fs.readFileSync(file, 'utf8') + '\nhandler', context);
  results.push(handler(JSON.parse(JSON.stringify(c.event))));
}
process.stdout.write(JSON.stringify(results));
"""


def _querystring(values: tuple[str, ...]) -> dict[str, Any]:
    """CloudFront's querystring object: one value, or the first plus `multiValue` for repeats."""
    if not values:
        return {}
    param: dict[str, Any] = {"value": values[0]}
    if len(values) > 1:
        param["multiValue"] = [{"value": v} for v in values]
    return {"expires": param}


def _event(kind: str, values: tuple[str, ...], status: int = 200) -> dict[str, Any]:
    request = {
        "method": "GET",
        "uri": PICTURE,
        "querystring": _querystring(values),
        "headers": {"host": {"value": "cruddur.example"}},
        "cookies": {},
    }
    event: dict[str, Any] = {
        "version": "1.0",
        "context": {"eventType": kind},
        "viewer": {"ip": "198.51.100.7"},
        "request": request,
    }
    if kind == "viewer-response":
        cache = {"cache-control": {"value": "public, max-age=86400"}}
        event["response"] = {"statusCode": status, "statusDescription": "", "headers": cache, "cookies": {}}
    return event


def _run(events: list[tuple[dict[str, Any], int]]) -> list[dict[str, Any]]:
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is needed to test the CloudFront Function (it is on every Cruddur machine)")
    cases = [{"event": event, "now_ms": now * 1000 + 250} for event, now in events]
    out = subprocess.run(
        [node, "-e", RUNNER, str(MEDIA_EXPIRY_JS)],
        input=json.dumps(cases),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    results: list[dict[str, Any]] = json.loads(out.stdout)
    return results


def test_viewer_request_refuses_what_the_gateway_refuses_and_strips_assets() -> None:
    results = _run([(_event("viewer-request", case.expires), case.now) for case in CASES])
    for case, result in zip(CASES, results, strict=True):
        if case.cache_control is None:
            assert result["statusCode"] == 404, case.id
            assert json.loads(result["body"]["data"])["error"]["code"] == "not_found", case.id
            assert result["headers"]["cache-control"] == {"value": "no-store"}, case.id
        else:
            assert "statusCode" not in result, case.id  # the request goes on, to the cache and the bucket
            assert result["uri"] == PICTURE.removeprefix("/assets"), case.id
            assert result["querystring"] == _querystring(case.expires), case.id


def test_viewer_response_bounds_the_browser_cache_by_the_crud_s_life() -> None:
    results = _run([(_event("viewer-response", case.expires), case.now) for case in CASES])
    for case, result in zip(CASES, results, strict=True):
        expected = case.cache_control or "no-store"
        assert result["headers"]["cache-control"] == {"value": expected}, case.id
        assert result["statusCode"] == 200, case.id


@pytest.mark.parametrize("status", [403, 404, 500])
def test_an_error_from_the_bucket_is_never_cached_by_the_browser(status: int) -> None:
    (result,) = _run([(_event("viewer-response", (str(NOW + 3600),), status), NOW)])
    assert result["statusCode"] == status
    assert result["headers"]["cache-control"] == {"value": "no-store"}


def test_the_function_and_the_gateway_share_their_limits() -> None:
    code = MEDIA_EXPIRY_JS.read_text(encoding="utf-8")
    assert f"var MAX_AGE = {MEDIA_MAX_AGE};" in code
    assert "var MAX_AHEAD = 30 * 86400 + 300;" in code and MEDIA_MAX_AHEAD == 30 * 86400 + 300
    assert len(code.encode()) < 10 * 1024, "CloudFront Functions are limited to 10 KB"


def test_the_thirty_day_limit_is_the_crud_s_maximum_life() -> None:
    expiry = pytest.importorskip("cruddur_common.expiry")  # lands with issue 15's expiry branch
    assert expiry.MAX_LIFE.total_seconds() == MEDIA_MAX_AHEAD - 300


def _distribution(synth: Synth) -> dict[str, Any]:
    (dist,) = synth.resources("CruddurFrontend", "AWS::CloudFront::Distribution").values()
    config: dict[str, Any] = dist["Properties"]["DistributionConfig"]
    return config


def test_media_behaviour_comes_before_assets_and_runs_the_function_both_ways(synth: Synth) -> None:
    config = _distribution(synth)
    patterns = [b["PathPattern"] for b in config["CacheBehaviors"]]
    assert patterns.index("/assets/media/*") < patterns.index("/assets/*")
    behaviours = {b["PathPattern"]: b for b in config["CacheBehaviors"]}
    media, assets = behaviours["/assets/media/*"], behaviours["/assets/*"]
    assert media["TargetOriginId"] == assets["TargetOriginId"]
    assert media["ViewerProtocolPolicy"] == "redirect-to-https"
    assert media["Compress"] == assets["Compress"] is True
    events = {a["EventType"]: a["FunctionARN"]["Fn::GetAtt"][0] for a in media["FunctionAssociations"]}
    assert events.keys() == {"viewer-request", "viewer-response"}
    assert len(set(events.values())) == 1, "one function, told apart by event.context.eventType"
    function = synth.templates["CruddurFrontend"]["Resources"][events["viewer-request"]]["Properties"]
    assert function["FunctionConfig"]["Runtime"] == "cloudfront-js-2.0"
    assert function["FunctionCode"] == MEDIA_EXPIRY_JS.read_text(encoding="utf-8")
    assert function["AutoPublish"] is True


def test_media_cache_policy_keys_on_expires_and_keeps_at_most_five_minutes(synth: Synth) -> None:
    config = _distribution(synth)
    media = next(b for b in config["CacheBehaviors"] if b["PathPattern"] == "/assets/media/*")
    policies = synth.resources("CruddurFrontend", "AWS::CloudFront::CachePolicy")
    policy = policies[media["CachePolicyId"]["Ref"]]["Properties"]["CachePolicyConfig"]
    assert (policy["MinTTL"], policy["DefaultTTL"], policy["MaxTTL"]) == (0, 300, 300)
    key = policy["ParametersInCacheKeyAndForwardedToOrigin"]
    assert key["QueryStringsConfig"] == {"QueryStringBehavior": "whitelist", "QueryStrings": ["expires"]}
    assert key["HeadersConfig"] == {"HeaderBehavior": "none"}
    assert key["CookiesConfig"] == {"CookieBehavior": "none"}
    assert key["EnableAcceptEncodingGzip"] is True and key["EnableAcceptEncodingBrotli"] is True


def _bucket(synth: Synth, prefix: str) -> dict[str, Any]:
    found = synth.resources("CruddurFunctions", "AWS::S3::Bucket")
    (props,) = [b["Properties"] for name, b in found.items() if name.startswith(prefix)]
    return props


def test_unattached_picture_uploads_go_after_a_day_with_every_upload(synth: Synth) -> None:
    rules = _bucket(synth, "UploadsBucket")["LifecycleConfiguration"]["Rules"]
    expiring = [r for r in rules if r.get("ExpirationInDays")]
    assert sorted((r["Prefix"], r["ExpirationInDays"], r["Status"]) for r in expiring) == [
        (EXPORTS_PREFIX, 1, "Enabled"),  # data exports (issue 16): the zip's link lasts a day too
        (UPLOADS_PREFIX, 1, "Enabled"),
    ]
    assert MEDIA_UPLOADS_PREFIX.startswith(UPLOADS_PREFIX)


def test_pictures_are_deleted_by_the_purge_and_their_old_versions_a_day_later(synth: Synth) -> None:
    bucket = _bucket(synth, "AssetsBucket")
    assert bucket["VersioningConfiguration"] == {"Status": "Enabled"}
    rules = bucket["LifecycleConfiguration"]["Rules"]
    assert not [r for r in rules if "ExpirationInDays" in r or "ExpirationDate" in r], "the purge owns it"
    (media,) = [r for r in rules if r.get("Prefix") == MEDIA_PREFIX]
    assert media["NoncurrentVersionExpiration"] == {"NoncurrentDays": 1}
    assert media["ExpiredObjectDeleteMarker"] is True
    everything = [r for r in rules if "Prefix" not in r and "NoncurrentVersionExpiration" in r]
    assert [r["NoncurrentVersionExpiration"]["NoncurrentDays"] for r in everything] == [30]


def test_messages_expire_by_the_ttl_attribute(synth: Synth) -> None:
    (table,) = synth.resources("CruddurData", "AWS::DynamoDB::Table").values()
    assert table["Properties"]["TimeToLiveSpecification"] == {"AttributeName": "ttl", "Enabled": True}


def _role_statements(synth: Synth, stack: str, role: str) -> list[dict[str, Any]]:
    resources = synth.templates[stack]["Resources"]
    return [
        statement
        for res in resources.values()
        if res["Type"] == "AWS::IAM::Policy" and {"Ref": role} in res["Properties"]["Roles"]
        for statement in res["Properties"]["PolicyDocument"]["Statement"]
    ]


def _grants(statements: list[dict[str, Any]]) -> set[tuple[str, str]]:
    """(action, resource) pairs, resources as `<bucket>/<suffix>` with the bucket's import or ref named."""
    found = set()
    for statement in statements:
        actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        resources = (
            statement["Resource"] if isinstance(statement["Resource"], list) else [statement["Resource"]]
        )
        for resource in resources:
            found |= {(action, _resource_name(resource)) for action in actions}
    return found


def _resource_name(resource: Any) -> str:
    if isinstance(resource, str):
        return resource
    if "Fn::Join" in resource:
        return "".join(_resource_name(part) for part in resource["Fn::Join"][1])
    if "Fn::ImportValue" in resource:
        return str(resource["Fn::ImportValue"]).split("-")[-1]
    if "Fn::GetAtt" in resource:
        return str(resource["Fn::GetAtt"][0])
    if "Ref" in resource:
        return str(resource["Ref"])
    raise AssertionError(resource)


def _task_role(synth: Synth, family: str) -> str:
    resources = synth.templates["CruddurCompute"]["Resources"]
    (task,) = [
        res["Properties"]
        for res in resources.values()
        if res["Type"] == "AWS::ECS::TaskDefinition" and res["Properties"]["Family"] == family
    ]
    return str(task["TaskRoleArn"]["Fn::GetAtt"][0])


@pytest.mark.parametrize("family", ["cruddur-activity", "cruddur-activity-purge"])
def test_activity_and_its_purge_presign_pictures_and_delete_them(synth: Synth, family: str) -> None:
    statements = _role_statements(synth, "CruddurCompute", _task_role(synth, family))
    s3 = {(a, r) for a, r in _grants(statements) if a.startswith("s3:")}
    assert s3 == {
        ("s3:PutObject", f"UploadsBucketArn/{MEDIA_UPLOADS_PREFIX}*"),
        ("s3:DeleteObject", f"AssetsBucketArn/{MEDIA_PREFIX}*"),
        ("s3:ListBucket", "AssetsBucketArn"),
    }
    (listing,) = [s for s in statements if s["Action"] == "s3:ListBucket"]
    assert listing["Condition"] == {"StringLike": {"s3:prefix": [f"{MEDIA_PREFIX}*"]}}


def test_the_processor_writes_pictures_and_reports_to_activity(synth: Synth) -> None:
    functions = synth.resources("CruddurFunctions", "AWS::Lambda::Function")
    (name,) = [
        n
        for n, f in functions.items()
        if f["Properties"].get("Handler") == "user_service.lambdas.avatar_processor.handler"
    ]
    props = functions[name]["Properties"]
    env = props["Environment"]["Variables"]
    activity = service("activity")
    assert env["ACTIVITY_URL"] == internal_url(activity.name, activity.port)  # like USER_URL for avatars
    role = props["Role"]["Fn::GetAtt"][0]
    grants = _grants(_role_statements(synth, "CruddurFunctions", role))
    buckets = {n for n in synth.resources("CruddurFunctions", "AWS::S3::Bucket")}
    assets = next(b for b in buckets if b.startswith("AssetsBucket"))
    uploads = next(b for b in buckets if b.startswith("UploadsBucket"))
    assert {
        ("s3:PutObject", f"{assets}/{MEDIA_PREFIX}*"),
        ("s3:PutObject", f"{assets}/avatars/*"),
        ("s3:GetObject", f"{uploads}/{UPLOADS_PREFIX}*"),
        ("s3:DeleteObject", f"{uploads}/{UPLOADS_PREFIX}*"),
    } <= grants
