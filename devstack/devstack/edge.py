"""The local edge: nginx in front of the gateway, forwarding the API by the registry (the ALB's routing path).

One Python gateway process cost 0.45-0.5 ms of CPU per proxied request and, alone on its core, capped the
home feed at 0.45x direct (issue 19, docs/performance.md "The local edge"). nginx forwards a request for
~0.05 ms. It takes only what the ALB does: a path that a listener rule of `services/registry.toml` matches
goes straight to its service (keep-alive upstreams); everything else (the SPA, `/config.json`,
`/cognito/`, `/assets/`, `/docs/`, `/api/health-check`, the JSON 404s) goes to the Python gateway behind
it, which also still serves everything alone where nginx is missing (and in docker-compose).

nginx matches the path as the client sent it: a path with a `%` escape goes to the Python gateway, which
routes on the decoded path, so both always agree on the service (tests/unit/devstack/test_edge.py).
The config is generated into the stack's data directory; `python -m devstack.edge <nginx.conf>` runs it.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from cruddur_common.logging import REQUEST_ID_PATTERN
from cruddur_common.registry import load_registry
from cruddur_common.security_headers import security_headers

HEADERS_MORE = "ngx_http_headers_more_filter_module.so"  # removes `Server` (nginx cannot, alone)
KEEPALIVE_SECONDS = 4  # below the services' uvicorn --timeout-keep-alive (5 s), as the Python gateway
ERROR_PREFIX = "/_edge/"  # internal locations (a client asking for one gets the 404 below)
# The Python gateway's own error bodies, for what nginx answers itself.
ERRORS = {
    "unavailable": (503, "service_unavailable", "The service is not reachable."),
    "timeout": (504, "upstream_timeout", "The service did not answer in time."),
    "bad_request": (400, "bad_request", "The request line is not valid."),
    "not_found": (404, "route_not_found", "No route for this path."),
    "too_large": (431, "headers_too_large", "The request line or headers are too large."),
}


@dataclass(frozen=True)
class Nginx:
    """An nginx binary and the directory its dynamic modules are in."""

    binary: str
    modules: Path


def find_nginx() -> Nginx | None:
    """nginx with the headers-more module (scripts/bootstrap.sh installs both), or None."""
    binary = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/usr/local/sbin")
    if binary is None:
        return None
    try:
        built = subprocess.run([binary, "-V"], capture_output=True, text=True, timeout=10).stderr
    except (OSError, subprocess.SubprocessError):
        return None
    found = re.search(r"--modules-path=(\S+)", built)
    modules = Path(found.group(1) if found else "/usr/lib/nginx/modules")
    return Nginx(binary, modules) if (modules / HEADERS_MORE).is_file() else None


def connect_src(cfg: Mapping[str, Any]) -> tuple[str, ...]:
    """Origins the SPA calls besides the gateway (gateway.json): the AWS endpoint of presigned uploads."""
    endpoint = cfg["aws"].get("endpoint_url")
    if not endpoint:
        return ()
    parts = urlsplit(endpoint)
    return (f"{parts.scheme}://{parts.netloc}",)


def gateway_headers(cfg: Mapping[str, Any]) -> dict[str, str]:
    """The security headers every response of the local edge carries (gateway.json's AWS endpoint in CSP)."""
    return security_headers(tls=False, connect_src=connect_src(cfg))


def path_regex(pattern: str) -> str:
    """An ALB path pattern as a PCRE over nginx's `$request_uri` (the raw path, then maybe `?query`).

    `*` is any run and `?` one character, as in the registry, but never a `%` (escaped paths go to the
    Python gateway) nor the `?` that starts the query.
    """
    parts = ["[^?%]*" if ch == "*" else "[^?%]" if ch == "?" else re.escape(ch) for ch in pattern]
    return "^" + "".join(parts) + r"(?:\?|$)"


def _quoted(value: str, *, regex: bool = False) -> str:
    """A double-quoted nginx string; `$` would start a variable (not in a map's regex): refused."""
    if ("$" in value and not regex) or "\n" in value:
        raise ValueError(f"cannot write {value!r} into nginx.conf")
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _host_port(url: str) -> str:
    found = re.fullmatch(r"http://([^/]+)/?", url)
    if not found:
        raise ValueError(f"the edge proxies plain http://host:port upstreams, not {url!r}")
    return found.group(1)


def _error_location(name: str) -> str:
    """An internal location answering one of ERRORS (a URI, not @name: a refused request line has none)."""
    status, code, message = ERRORS[name]
    body = '{"error":{"code":"%s","message":"%s"}}' % (code, message)  # noqa: UP031 - braces in JSON
    return (
        f"    location = {ERROR_PREFIX}{name} {{\n      internal;\n      default_type application/json;\n"
        f"      return {status} '{body}';\n    }}"
    )


def render_config(
    *,
    listen_port: int,
    gateway_url: str,
    services: Mapping[str, str],
    headers: Mapping[str, str],
    data_dir: Path,
    modules: Path,
    workers: int | str = "auto",
) -> str:
    """nginx.conf: registry paths to their services, the rest to the gateway; `headers` where missing."""
    upstreams = {"gateway": gateway_url, **services}
    routes = "\n".join(
        f"    {_quoted('~' + path_regex(pattern), regex=True)} {entry.name};"
        for entry in load_registry()  # by ascending priority: the first regex that matches wins
        for rule in entry.rules
        for pattern in rule.paths
    )
    hosts = "\n".join(f"    {name} {_host_port(url)};" for name, url in services.items())
    pools = "\n".join(
        f"  upstream {name} {{\n    server {_host_port(url)};\n    keepalive 64;\n"
        f"    keepalive_timeout {KEEPALIVE_SECONDS}s;\n    keepalive_requests 100000;\n  }}"
        for name, url in upstreams.items()
    )
    missing: list[str] = []  # a header the response lacks is added, one it has is left alone
    for header, value in headers.items():
        var = "edge_" + header.lower().replace("-", "_")
        missing.append(
            f'  map $upstream_http_{header.lower().replace("-", "_")} ${var} {{\n    "" {_quoted(value)};\n'
            f'    default "";\n  }}'
        )
    adds = "\n".join(f"    add_header {h} $edge_{h.lower().replace('-', '_')} always;" for h in headers)
    temp = data_dir / "temp"
    return f"""# Generated by devstack.edge from services/registry.toml and the stack's ports: do not edit.
load_module {modules / HEADERS_MORE};
daemon off;
worker_processes {workers};
pid {data_dir / "nginx.pid"};
error_log stderr crit;
events {{
  worker_connections 16384;
}}
http {{
  access_log off;
  server_tokens off;
  more_clear_headers Server;
  client_body_temp_path {temp}/body;
  proxy_temp_path {temp}/proxy;
  fastcgi_temp_path {temp}/fastcgi;
  uwsgi_temp_path {temp}/uwsgi;
  scgi_temp_path {temp}/scgi;
  underscores_in_headers on;
  client_max_body_size 0;
  keepalive_requests 100000;
  large_client_header_buffers 4 16k;

  map $http_x_request_id $edge_request_id {{
    {_quoted("~" + REQUEST_ID_PATTERN, regex=True)} $http_x_request_id;
    default $request_id;
  }}
  map $upstream_http_x_request_id $edge_response_id {{
    "" $edge_request_id;
    default "";
  }}
  map $request_uri $edge_upstream {{
    default gateway;
{routes}
  }}
  map $edge_upstream $edge_host {{
    default $http_host;
{hosts}
  }}
{chr(10).join(missing)}
{pools}

  server {{
    listen 127.0.0.1:{listen_port} backlog=4096;
    add_header X-Request-Id $edge_response_id always;
{adds}
    error_page 400 ={ERRORS["bad_request"][0]} {ERROR_PREFIX}bad_request;
    error_page 404 ={ERRORS["not_found"][0]} {ERROR_PREFIX}not_found;
    error_page 414 494 ={ERRORS["too_large"][0]} {ERROR_PREFIX}too_large;
    error_page 502 ={ERRORS["unavailable"][0]} {ERROR_PREFIX}unavailable;
    error_page 504 ={ERRORS["timeout"][0]} {ERROR_PREFIX}timeout;
    location / {{
      proxy_pass http://$edge_upstream;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $edge_host;
      proxy_set_header X-Request-Id $edge_request_id;
      proxy_set_header X-Forwarded-For $remote_addr;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_set_header X-Forwarded-Host $http_host;
      proxy_ignore_headers X-Accel-Redirect X-Accel-Expires X-Accel-Limit-Rate X-Accel-Buffering;
      proxy_buffering off;
      proxy_request_buffering off;
      proxy_buffer_size 16k;
      proxy_buffers 8 16k;
      proxy_busy_buffers_size 32k;
      proxy_connect_timeout 3s;
      proxy_read_timeout 1d;
      proxy_send_timeout 1d;
    }}
{chr(10).join(_error_location(name) for name in ERRORS)}
  }}
}}
"""


def write_config(conf_dir: Path, text: str) -> Path:
    """nginx.conf in `conf_dir` (with its temp directories), checked by `nginx -t` by the caller."""
    (conf_dir / "temp").mkdir(parents=True, exist_ok=True)
    path = conf_dir / "nginx.conf"
    path.write_text(text)
    return path


def serve(conf: Path) -> None:
    """Become nginx on `conf` (exec: the supervisor watches and signals nginx's master itself)."""
    found = find_nginx()
    if found is None:
        raise SystemExit("nginx with the headers-more module is not installed (scripts/bootstrap.sh)")
    args = [found.binary, "-e", "stderr", "-p", str(conf.parent), "-c", str(conf)]
    os.execv(found.binary, args)  # noqa: S606 - nginx itself, no shell


if __name__ == "__main__":
    serve(Path(sys.argv[1]))
