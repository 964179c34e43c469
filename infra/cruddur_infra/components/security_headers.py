"""CloudFront's response headers policy, built from the one definition the local gateway also serves."""

from __future__ import annotations

import re

from aws_cdk import Aws, Duration
from aws_cdk import aws_cloudfront as cloudfront
from constructs import Construct

from cruddur_common.security_headers import aws_connect_src, security_headers


def _hsts(value: str) -> cloudfront.ResponseHeadersStrictTransportSecurity:
    match = re.fullmatch(r"max-age=(\d+)((?:; *\w+)*)", value)
    if match is None:
        raise ValueError(f"cannot express Strict-Transport-Security {value!r} in CloudFront")
    flags = {flag.strip().lower() for flag in match.group(2).split(";") if flag.strip()}
    return cloudfront.ResponseHeadersStrictTransportSecurity(
        access_control_max_age=Duration.seconds(int(match.group(1))),
        include_subdomains="includesubdomains" in flags,
        preload="preload" in flags,
        override=True,
    )


def security_behavior(headers: dict[str, str]) -> cloudfront.ResponseSecurityHeadersBehavior:
    """The dict as CloudFront's typed security headers; a header it cannot express fails the synth."""
    known = {
        "content-security-policy",
        "x-content-type-options",
        "x-frame-options",
        "referrer-policy",
        "strict-transport-security",
    }
    unknown = headers.keys() - known
    if unknown or headers.get("x-content-type-options", "nosniff") != "nosniff":
        raise ValueError(f"map these security headers to CloudFront first: {sorted(unknown)}")
    return cloudfront.ResponseSecurityHeadersBehavior(
        content_security_policy=cloudfront.ResponseHeadersContentSecurityPolicy(
            content_security_policy=headers["content-security-policy"], override=True
        ),
        content_type_options=cloudfront.ResponseHeadersContentTypeOptions(override=True),
        frame_options=cloudfront.ResponseHeadersFrameOptions(
            frame_option=cloudfront.HeadersFrameOption[headers["x-frame-options"].upper()], override=True
        ),
        referrer_policy=cloudfront.ResponseHeadersReferrerPolicy(
            referrer_policy=cloudfront.HeadersReferrerPolicy[
                headers["referrer-policy"].upper().replace("-", "_")
            ],
            override=True,
        ),
        strict_transport_security=_hsts(headers["strict-transport-security"]),
    )


def response_headers_policy(scope: Construct, construct_id: str) -> cloudfront.ResponseHeadersPolicy:
    """Every response of the site: the SPA, the API, the assets (the SPA calls Cognito in this region)."""
    headers = security_headers(tls=True, connect_src=aws_connect_src(Aws.REGION))
    return cloudfront.ResponseHeadersPolicy(
        scope,
        construct_id,
        comment="Cruddur security headers (cruddur_common.security_headers)",
        security_headers_behavior=security_behavior(headers),
        remove_headers=["server"],
    )
