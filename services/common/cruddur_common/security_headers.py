"""The security headers of every response, defined once: the local gateway and CloudFront both read them."""

from __future__ import annotations

from collections.abc import Sequence

HSTS = "max-age=63072000; includeSubDomains"  # two years; only ever sent over TLS


def aws_connect_src(region: str) -> tuple[str, ...]:
    """What the SPA calls in AWS besides its own origin: Cognito, and S3 for presigned avatar uploads."""
    return (
        f"https://cognito-idp.{region}.amazonaws.com",
        f"https://*.s3.{region}.amazonaws.com",
        "https://*.s3.amazonaws.com",  # us-east-1 presigned POSTs use the global endpoint
    )


def content_security_policy(
    *, connect_src: Sequence[str] = (), script_src: Sequence[str] = (), style_src: Sequence[str] = ()
) -> str:
    """`default-src 'self'` with no inline script; `connect_src` etc. add other origins the page calls."""
    directives = {
        "default-src": ["'self'"],
        "script-src": ["'self'", *script_src],
        "style-src": ["'self'", *style_src],
        # data: for Swagger UI's icons, blob: for the avatar preview before upload; avatars are /assets
        "img-src": ["'self'", "data:", "blob:"],
        "connect-src": ["'self'", *connect_src],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
    return "; ".join(f"{name} {' '.join(sources)}" for name, sources in directives.items())


def security_headers(
    *,
    tls: bool,
    connect_src: Sequence[str] = (),
    script_src: Sequence[str] = (),
    style_src: Sequence[str] = (),
) -> dict[str, str]:
    """Header name (lower case) -> value; HSTS only where the site is served over TLS."""
    headers = {
        "content-security-policy": content_security_policy(
            connect_src=connect_src, script_src=script_src, style_src=style_src
        ),
        "x-content-type-options": "nosniff",
        "x-frame-options": "DENY",
        "referrer-policy": "strict-origin-when-cross-origin",
    }
    if tls:
        headers["strict-transport-security"] = HSTS
    return headers
