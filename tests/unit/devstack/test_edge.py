"""The edge's nginx.conf: it routes every path as the registry (and so the Python gateway) does."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote

import pytest

from cruddur_common.registry import route
from devstack import edge
from tests.unit.common.test_registry import EXPECTED

SERVICES = {
    "activity": "http://127.0.0.1:8101",
    "user": "http://127.0.0.1:8102",
    "messaging": "http://127.0.0.1:8103",
    "notification": "http://127.0.0.1:8104",
}
CFG = {"aws": {"endpoint_url": "http://127.0.0.1:4566/"}}


def _config(**changes: object) -> str:
    args: dict[str, object] = {
        "listen_port": 8080,
        "gateway_url": "http://127.0.0.1:8100",
        "services": SERVICES,
        "headers": edge.gateway_headers(CFG),
        "data_dir": Path("/tmp/edge"),
        "modules": Path("/usr/lib/nginx/modules"),
    } | changes
    return edge.render_config(**args)  # type: ignore[arg-type]


def _upstream_of(config: str, request_uri: str) -> str:
    """What nginx's `map $request_uri $edge_upstream` picks: the first regex that matches, else default."""
    block = re.search(r"map \$request_uri \$edge_upstream \{\n(.*?)\n  \}", config, re.S)
    assert block is not None
    for line in block.group(1).splitlines():
        found = re.fullmatch(r'\s+"~(.*)" (\w+);', line)
        if found and re.search(found.group(1).replace("\\\\", "\\"), request_uri):
            return found.group(2)
    return "gateway"


TRICKY = [
    "/api/activities/notific%61tions",  # decoded: notification's; raw: activity's pattern
    "/api/activities/%2e%2e/notifications",
    "/api/activitiesx",
    "/api/activities/",
    "/api",
    "/api/",
    "/api/nope",
    "/api/moderation",  # only /api/moderation/* is routed
    "/api/moderation/reports",
    "/api/health-check",
    "/internal/users/by-sub/abc",
    "/api/activities/../../internal/x",
    "/API/activities/home",  # case-sensitive, as the ALB
    "/",
    "/home",
    "/config.json",
    "/cognito/",
    "/docs/user/openapi.json",
    "/assets/avatars/x.jpg",
    "/avatars/key_upload",
    "/avatars/key_uploadx",
    "/api/users/@b%C3%B6b",
]


@pytest.mark.parametrize("path", [p for p, _ in EXPECTED] + TRICKY)
@pytest.mark.parametrize("query", ["", "?cursor=abc&limit=5", "?q=%3F%25"])
def test_the_edge_routes_as_the_registry_or_leaves_it_to_the_gateway(path: str, query: str) -> None:
    picked = _upstream_of(_config(), path + query)
    entry = route(unquote(path))  # what the Python gateway routes by: the decoded path
    if "%" in path:
        assert picked == "gateway", "an escaped path is the Python gateway's to decode and route"
    else:
        assert picked == (entry.name if entry else "gateway"), (path, query)


def test_every_registry_path_goes_straight_to_its_service() -> None:
    config = _config()
    for path, name in EXPECTED:
        assert _upstream_of(config, path) == name


def test_the_upstreams_are_the_stacks_ports_with_keepalive() -> None:
    config = _config()
    for name, url in {"gateway": "http://127.0.0.1:8100", **SERVICES}.items():
        assert f"upstream {name} {{\n    server {url.removeprefix('http://')};\n    keepalive 64;" in config
    assert "listen 127.0.0.1:8080 " in config


def test_each_security_header_is_added_only_where_the_response_lacks_it() -> None:
    config = _config()
    for header, value in edge.gateway_headers(CFG).items():
        var = header.lower().replace("-", "_")
        assert f'map $upstream_http_{var} $edge_{var} {{\n    "" "{value}";\n    default "";' in config
        assert f"add_header {header} $edge_{var} always;" in config
    assert "more_clear_headers Server;" in config


def test_the_edge_keeps_the_request_ids_the_services_keep() -> None:
    from cruddur_common.logging import REQUEST_ID_PATTERN

    kept = f'map $http_x_request_id $edge_request_id {{\n    "~{REQUEST_ID_PATTERN}" $http_x_request_id;'
    assert kept in _config()


def test_a_value_nginx_would_read_as_a_variable_is_refused() -> None:
    with pytest.raises(ValueError, match=r"nginx\.conf"):
        _config(headers={"X-Frame-Options": "$host"})


def test_nginx_without_the_headers_more_module_is_not_used(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    fake = tmp_path / "nginx"
    fake.write_text(f"#!/bin/sh\necho 'configure arguments: --modules-path={tmp_path}/modules' >&2\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", str(tmp_path))
    assert edge.find_nginx() is None, "a bare nginx would send `Server: nginx`"
    (tmp_path / "modules").mkdir()
    (tmp_path / "modules" / edge.HEADERS_MORE).write_text("")
    assert edge.find_nginx() == edge.Nginx(str(fake), tmp_path / "modules")
