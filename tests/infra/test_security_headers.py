"""CloudFront sends the same security headers as the local gateway: both read cruddur_common."""

from __future__ import annotations

from typing import Any

from cruddur_common.security_headers import aws_connect_src, security_headers
from tests.infra.support import Synth

REGION = "eu-west-2"


def _resolve(value: Any) -> str:
    """A CloudFormation string with `Ref AWS::Region` put in, as CloudFormation would."""
    if isinstance(value, str):
        return value
    if "Fn::Join" in value:
        sep, parts = value["Fn::Join"]
        return sep.join(_resolve(p) for p in parts)
    if value == {"Ref": "AWS::Region"}:
        return REGION
    raise AssertionError(f"unexpected intrinsic in a header value: {value}")


def _headers(config: dict[str, Any]) -> dict[str, str]:
    """The headers a SecurityHeadersConfig makes CloudFront send."""
    security = config["SecurityHeadersConfig"]
    hsts = security["StrictTransportSecurity"]
    flags = "; includeSubDomains" if hsts.get("IncludeSubdomains") else ""
    flags += "; preload" if hsts.get("Preload") else ""
    assert all(
        security[k]["Override"]
        for k in ("ContentSecurityPolicy", "ContentTypeOptions", "FrameOptions", "ReferrerPolicy")
    )
    return {
        "content-security-policy": _resolve(security["ContentSecurityPolicy"]["ContentSecurityPolicy"]),
        "x-content-type-options": "nosniff",
        "x-frame-options": security["FrameOptions"]["FrameOption"],
        "referrer-policy": security["ReferrerPolicy"]["ReferrerPolicy"],
        "strict-transport-security": f"max-age={hsts['AccessControlMaxAgeSec']}{flags}",
    }


def test_cloudfront_sends_the_shared_security_headers(synth: Synth) -> None:
    (policy,) = synth.resources("CruddurFrontend", "AWS::CloudFront::ResponseHeadersPolicy").values()
    config = policy["Properties"]["ResponseHeadersPolicyConfig"]
    expected = security_headers(tls=True, connect_src=aws_connect_src(REGION))
    assert _headers(config) == expected
    assert f"https://cognito-idp.{REGION}.amazonaws.com" in expected["content-security-policy"]
    assert [h["Header"] for h in config["RemoveHeadersConfig"]["Items"]] == ["server"]


def test_the_local_gateway_sends_the_same_set_less_hsts() -> None:
    local, edge = security_headers(tls=False), security_headers(tls=True)
    assert edge.keys() - local.keys() == {"strict-transport-security"}
    assert {k: v for k, v in edge.items() if k != "strict-transport-security"} == local


def test_every_behavior_uses_the_policy(synth: Synth) -> None:
    (name,) = synth.resources("CruddurFrontend", "AWS::CloudFront::ResponseHeadersPolicy")
    (dist,) = synth.resources("CruddurFrontend", "AWS::CloudFront::Distribution").values()
    config = dist["Properties"]["DistributionConfig"]
    behaviors = [config["DefaultCacheBehavior"], *config["CacheBehaviors"]]
    # default, /api/*, /avatars/key_upload, /assets/media/*, /assets/*, /config.json
    assert len(behaviors) == 6
    assert all(b["ResponseHeadersPolicyId"] == {"Ref": name} for b in behaviors)
