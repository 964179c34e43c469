"""The local gateway: the ALB's role in `make run`, routing by the registry with ALB rule semantics.

Also serves what CloudFront serves in AWS (the SPA at `/`, the assets bucket at `/assets/`), the SPA's
runtime `/config.json`, each service's docs at `/docs/<service>` and the local Cognito at `/cognito/`.
Run as `python -m devstack.gateway --config <data_dir>/gateway.json`. Where nginx is installed, the edge
(devstack/edge.py) listens on the public port in front of it and sends the registry's paths straight to the
services; the rest, and anything with a `%` escape in its path, still comes here.
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import json
import logging
import mimetypes
import os
import re
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import asdict
from pathlib import Path
from typing import Any
from urllib.parse import quote

import aiohttp
import httpx
import uvicorn
from multidict import CIMultiDict
from starlette.applications import Starlette
from starlette.background import BackgroundTask
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, Response, StreamingResponse
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from yarl import URL

from cruddur_common.logging import accept_request_id
from cruddur_common.registry import load_registry, route
from cruddur_common.security_headers import security_headers
from devstack.cognito_proxy import CognitoProxy
from devstack.edge import connect_src, gateway_headers

log = logging.getLogger("devstack.gateway")
SWAGGER_DIR = Path(__file__).resolve().parents[2] / ".tools" / "swagger" / "node_modules" / "swagger-ui-dist"
SWAGGER_CDN = "https://cdn.jsdelivr.net"
KEEPALIVE_SECONDS = 4.0  # below the services' uvicorn --timeout-keep-alive (5 s, its default)
SWAGGER_INIT = Path(__file__).resolve().parent / "static" / "swagger-init.js"
HOP_BY_HOP = {
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailers",
    "transfer-encoding",
    "upgrade",
    "host",
}
# The gateway sets these itself: a client's (or the edge's, in front) would reach the service twice. Behind
# the edge, uvicorn's proxy headers make the edge's X-Forwarded-For/-Proto the request's client and scheme.
OWN_REQUEST_HEADERS = {"x-request-id", "x-forwarded-for", "x-forwarded-proto", "x-forwarded-host"}
# The gateway's own server sets these; passing the service's on too sent each header twice.
OWN_HEADERS = {"server", "date"}
# The SPA's text files go out gzipped to clients that take it (CloudFront compresses in AWS). Each file is
# compressed once per version (mtime, size) and kept in memory, never per request; API responses pass
# through untouched. Below ~1 KiB gzip saves nothing worth a header.
COMPRESSIBLE = frozenset({".js", ".mjs", ".css", ".html", ".svg", ".json", ".map", ".txt", ".webmanifest"})
MIN_COMPRESS_BYTES = 1024
PLACEHOLDER = """<!doctype html><html lang="en"><meta charset="utf-8"><title>Cruddur</title>
<body style="background:#3d0d7b;color:#fff;font-family:system-ui;padding:3rem">
<h1>Cruddur</h1><p>The API runs; the web app has not been built yet (<code>make spa</code>).</p>
<p>API docs: {links}</p></body></html>"""


def _error(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status)


# Pictures end with their crud (docs/ops.md "Pictures at the edge"); CloudFront runs the same rule in
# infra/cruddur_infra/edge/media_expiry.js, and tests/infra/media_edge_cases.py holds both to one table.
MEDIA_PREFIX = "media/"
MEDIA_MAX_AGE = 86400  # a day: what the processor writes; the crud's remaining life bounds it further
# No crud ends more than 30 days from now (cruddur_common.expiry.MAX_LIFE) plus 5 minutes of clock skew:
# an `expires` beyond that was not handed out by the activity service.
MEDIA_MAX_AHEAD = 30 * 86400 + 300
_EPOCH_SECONDS = re.compile(r"[0-9]{1,12}")


def accepts_gzip(header: str | None) -> bool:
    """Whether an Accept-Encoding header takes gzip (`gzip` or `*`, without q=0)."""
    for part in (header or "").lower().split(","):
        name, _, params = part.strip().partition(";")
        q = params.strip().removeprefix("q=").strip() if params.strip().startswith("q=") else "1"
        if name.strip() in ("gzip", "*"):
            try:
                return float(q) > 0
            except ValueError:
                return False
    return False


def worth_gzip(path: Path) -> bool:
    """Text (by suffix) of at least MIN_COMPRESS_BYTES."""
    return path.suffix in COMPRESSIBLE and path.stat().st_size >= MIN_COMPRESS_BYTES


class GzipCache:
    """Gzipped bodies of the SPA's text files, made once per file version and kept."""

    def __init__(self) -> None:
        self._bodies: dict[Path, tuple[tuple[int, int], bytes]] = {}

    def cached(self, path: Path) -> bytes | None:
        """The gzipped body if this version of the file is compressed already."""
        stat = path.stat()
        hit = self._bodies.get(path)
        return hit[1] if hit and hit[0] == (stat.st_mtime_ns, stat.st_size) else None

    def compress(self, path: Path) -> bytes:
        """Compress the file now (in a worker thread: level 9 of a large bundle takes tens of ms)."""
        stat = path.stat()
        body = gzip.compress(path.read_bytes(), compresslevel=9, mtime=0)
        self._bodies[path] = ((stat.st_mtime_ns, stat.st_size), body)
        return body


def media_cache_control(expires: list[str], now: float) -> str | None:
    """`Cache-Control` of a picture whose crud ends at `expires` (the URL's values), or None: not served.

    One integer of epoch seconds, later than now and no further ahead than any crud lives; the
    max-age is what is left of the crud's life, at most a day.
    """
    if len(expires) != 1 or not _EPOCH_SECONDS.fullmatch(expires[0]):
        return None
    left = int(expires[0]) - int(now)
    if left <= 0 or left > MEDIA_MAX_AHEAD:
        return None
    return f"public, max-age={min(left, MEDIA_MAX_AGE)}"


class Gateway:
    """Everything the gateway needs at run time, read from gateway.json."""

    def __init__(self, cfg: dict[str, Any]) -> None:
        self.cfg = cfg
        self.services: dict[str, str] = cfg["services"]
        self.spa_dir = Path(cfg["spa_dir"])
        self.gzipped = GzipCache()
        self.http = httpx.AsyncClient(
            timeout=httpx.Timeout(30.0, connect=3.0),
            follow_redirects=False,
            limits=httpx.Limits(max_connections=500, max_keepalive_connections=200),
        )
        self.upstream: aiohttp.ClientSession | None = None
        self.streams: aiohttp.ClientSession | None = None
        aws = cfg["aws"]
        self.headers = gateway_headers(cfg)
        self.cognito = CognitoProxy(
            aws_url=aws["endpoint_url"],
            pool_id=aws["user_pool_id"],
            client_id=aws["client_id"],
            http=self.http,
        )

    async def open(self) -> None:
        """The upstream connection pools (aiohttp: its C parser keeps the proxy hop cheap).

        Two pools, neither with a connection limit: with `limit=500`, 500 held event streams took every
        connection and each ordinary request then waited 3 s for one and got 504 (finding 8). A limit
        protects nothing here: each upstream connection carries one client request, so the clients'
        own connections already bound them. Streams get their own pool so that they never sit in the
        keep-alive set of ordinary requests.
        """

        def session() -> aiohttp.ClientSession:
            return aiohttp.ClientSession(
                # Under uvicorn's 5 s keep-alive: a connection idle longer is one the service may be
                # closing as we reuse it (a spurious 503 "not reachable"; seen once in CI).
                connector=aiohttp.TCPConnector(limit=0, keepalive_timeout=KEEPALIVE_SECONDS),
                timeout=aiohttp.ClientTimeout(total=None, connect=3.0, sock_connect=3.0),
                auto_decompress=False,
                skip_auto_headers=("User-Agent", "Accept-Encoding", "Content-Type"),
            )

        self.upstream = session()
        self.streams = session()

    async def close(self) -> None:
        """Close every client."""
        for pool in (self.upstream, self.streams):
            if pool is not None:
                await pool.close()
        await self.http.aclose()

    def _pool(self, request: Request) -> aiohttp.ClientSession:
        """The stream pool for an event-stream request (EventSource sends that Accept), else the other."""
        pool = self.streams if "text/event-stream" in request.headers.get("accept", "") else self.upstream
        assert pool is not None
        return pool

    async def proxy(self, request: Request, base_url: str, path: str) -> Response:
        """Forward method, headers, body and query untouched; stream the response back."""
        request_id = accept_request_id(request.headers.get("x-request-id"))
        dropped = HOP_BY_HOP | OWN_REQUEST_HEADERS
        headers = [(k, v) for k, v in request.headers.items() if k.lower() not in dropped]
        headers += [
            ("x-request-id", request_id),
            ("x-forwarded-for", request.client.host if request.client else ""),
            ("x-forwarded-proto", request.url.scheme),
            ("x-forwarded-host", request.headers.get("host", "")),
        ]
        # Forward the path as the client sent it (still percent-encoded), like the ALB: the decoded form
        # may hold bytes (%00, %C3%B7) that are not valid in a request line; the service judges them.
        raw_path = request.scope.get("raw_path")
        sent = raw_path.decode("latin-1") if raw_path and path == request.url.path else quote(path)
        query = request.url.query
        target = base_url + sent + (f"?{query}" if query else "")
        body = await request.body() if request.method not in ("GET", "HEAD") else None
        try:
            response = await self._pool(request).request(
                request.method,
                URL(target, encoded=True),
                headers=CIMultiDict(headers),
                data=body,
                allow_redirects=False,
            )
        except ValueError:  # aiohttp refuses to send a request line it considers malformed
            return _error(400, "bad_request", "The request line is not valid.")
        except TimeoutError:
            return _error(504, "upstream_timeout", "The service did not answer in time.")
        except aiohttp.ClientError:
            return _error(503, "service_unavailable", "The service is not reachable.")
        raw = [
            (k.lower().encode("latin-1"), v.encode("latin-1"))
            for k, v in response.headers.items()
            if k.lower() not in HOP_BY_HOP | OWN_HEADERS and k.lower() != "x-request-id"
        ]
        raw.append((b"x-request-id", response.headers.get("x-request-id", request_id).encode("latin-1")))
        out = StreamingResponse(
            response.content.iter_any(),
            status_code=response.status,
            background=BackgroundTask(response.release),
        )
        out.raw_headers = raw
        return out

    async def dispatch(self, request: Request) -> Response:
        """Route API paths by the registry (ALB semantics); serve the SPA otherwise."""
        path = request.url.path
        if path.startswith("/internal"):
            return _error(404, "route_not_found", "No route for this path.")
        entry = route(path)
        if entry is not None:
            return await self.proxy(request, self.services[entry.name], path)
        if path.startswith("/api/") or path == "/api":
            return _error(404, "route_not_found", f"No service serves {path}.")
        if request.method not in ("GET", "HEAD"):
            return _error(405, "method_not_allowed", "Only GET is served here.")
        return await self.spa(path, accept_encoding=request.headers.get("accept-encoding"))

    async def spa(self, path: str, *, accept_encoding: str | None = None) -> Response:
        """Static files of the built SPA; unknown paths get index.html so deep links work."""
        index = self.spa_dir / "index.html"
        if not index.exists():
            links = ", ".join(f'<a style="color:#fff" href="/docs/{n}">{n}</a>' for n in self.services)
            return HTMLResponse(PLACEHOLDER.format(links=links))
        candidate = (self.spa_dir / path.lstrip("/")).resolve()
        if candidate.is_file() and self.spa_dir.resolve() in candidate.parents:
            cache = "public, max-age=31536000, immutable" if path.startswith("/static/") else "no-cache"
            return await self._static(candidate, cache=cache, accept_encoding=accept_encoding)
        if Path(path).suffix and not path.endswith(".html"):
            return _error(404, "not_found", f"No file {path}.")
        return await self._static(index, cache="no-cache", accept_encoding=accept_encoding)

    async def _static(self, path: Path, *, cache: str, accept_encoding: str | None) -> Response:
        """One file of the SPA: gzipped (from the cache) when it is text and the client takes gzip."""
        if not worth_gzip(path):
            return FileResponse(path, headers={"cache-control": cache})
        headers = {"cache-control": cache, "vary": "Accept-Encoding"}
        if not accepts_gzip(accept_encoding):
            return FileResponse(path, headers=headers)
        body = self.gzipped.cached(path) or await asyncio.to_thread(self.gzipped.compress, path)
        media_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return Response(body, media_type=media_type, headers={**headers, "content-encoding": "gzip"})

    async def health(self, _: Request) -> JSONResponse:
        """`{"success": true, "ver": 1}` plus each service's readiness."""

        async def probe(name: str, url: str) -> tuple[str, dict[str, Any]]:
            try:
                response = await self.http.get(url + "/ready", timeout=3.0)
                return name, response.json() | {"status": "ok" if response.status_code == 200 else "error"}
            except (httpx.HTTPError, ValueError) as exc:
                return name, {"status": "error", "error": type(exc).__name__}

        results = dict(await asyncio.gather(*(probe(n, u) for n, u in self.services.items())))
        ok = all(r["status"] == "ok" for r in results.values())
        return JSONResponse({"success": ok, "ver": 1, "services": results}, status_code=200 if ok else 503)

    async def config_json(self, request: Request) -> JSONResponse:
        """The SPA's runtime configuration."""
        aws = self.cfg["aws"]
        base = str(request.base_url).rstrip("/")
        return JSONResponse(
            {
                "region": aws["region"],
                "userPoolId": aws["user_pool_id"],
                "userPoolClientId": aws["client_id"],
                "cognitoEndpoint": f"{base}/cognito/",
                "authFlowType": "USER_PASSWORD_AUTH",
                "assetsBaseUrl": f"{base}/assets",
            },
            headers={"cache-control": "no-store"},
        )

    async def docs(self, request: Request) -> Response:
        """Swagger UI for one service, reading its spec through the gateway so "Try it out" works."""
        name = request.path_params["service"]
        if name not in self.services:
            return _error(404, "not_found", f"No service {name}.")
        base, headers = "/docs/_static", {}
        if not (SWAGGER_DIR / "swagger-ui-bundle.js").exists():  # no offline copy from npm: the CDN
            base = f"{SWAGGER_CDN}/npm/swagger-ui-dist@5"
            headers["content-security-policy"] = security_headers(
                tls=False,
                connect_src=connect_src(self.cfg),
                script_src=(SWAGGER_CDN,),
                style_src=(SWAGGER_CDN,),
            )["content-security-policy"]
        return HTMLResponse(
            f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Cruddur {name} API</title>
<link rel="stylesheet" href="{base}/swagger-ui.css"><link rel="icon" href="/docs/_static/favicon-32x32.png">
</head><body><div id="swagger-ui"></div><script src="{base}/swagger-ui-bundle.js"></script>
<script src="/docs/_static/init.js"></script></body></html>""",
            headers=headers,
        )

    async def docs_static(self, request: Request) -> Response:
        """Swagger UI's own files and the page's init script."""
        name = request.path_params["name"]
        if name == "init.js":
            return FileResponse(
                SWAGGER_INIT, media_type="text/javascript", headers={"cache-control": "no-cache"}
            )
        if name not in ("swagger-ui-bundle.js", "swagger-ui.css", "favicon-32x32.png"):
            return _error(404, "not_found", "No such file.")
        return FileResponse(SWAGGER_DIR / name, headers={"cache-control": "public, max-age=86400"})

    async def docs_index(self, _: Request) -> HTMLResponse:
        """Links to every service's docs."""
        items = "".join(f'<li><a href="/docs/{n}">{n}</a></li>' for n in self.services)
        return HTMLResponse(
            f"<!doctype html><title>Cruddur API docs</title><h1>Cruddur APIs</h1><ul>{items}</ul>"
        )

    async def openapi(self, request: Request) -> Response:
        """A service's OpenAPI document."""
        name = request.path_params["service"]
        if name not in self.services:
            return _error(404, "not_found", f"No service {name}.")
        return await self.proxy(request, self.services[name], "/openapi.json")

    async def assets(self, request: Request) -> Response:
        """The assets bucket (CloudFront's `/assets/*` and `/assets/media/*` behaviours in AWS).

        Avatars are immutable (a new upload is a new key). A picture under `media/` is served only
        while its crud lives, by the `expires` its URL carries, and cached no longer than that.
        """
        key = request.path_params["key"]
        if {"", ".", ".."} & set(key.split("/")):  # no way around the media/ rule by path segments
            return _error(404, "not_found", "No such asset.")
        cache = "public, max-age=31536000, immutable"
        if key.startswith(MEDIA_PREFIX):
            media_cache = media_cache_control(request.query_params.getlist("expires"), time.time())
            if media_cache is None:
                return _error(404, "not_found", "No such asset.")
            cache = media_cache
        aws = self.cfg["aws"]
        url = f"{aws['endpoint_url']}/{aws['assets_bucket']}/{key}"
        response = await self.http.get(url)
        if response.status_code != 200:
            return _error(404, "not_found", "No such asset.")
        return Response(
            response.content,
            media_type=response.headers.get("content-type"),
            headers={"cache-control": cache},
        )


class SecurityHeaders:
    """ASGI middleware: every response gets the security headers it does not set itself (ARCHITECTURE §6)."""

    def __init__(self, app: ASGIApp, headers: dict[str, str]) -> None:
        self.app = app
        self.headers = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Add the missing headers to the response start."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                raw = list(message.get("headers", []))
                present = {k.lower() for k, _ in raw}
                raw += [(k, v) for k, v in self.headers if k not in present]
                message["headers"] = raw
            await send(message)

        await self.app(scope, receive, send_with_headers)


def create_app(cfg: dict[str, Any]) -> Starlette:
    """The gateway app."""
    gateway = Gateway(cfg)

    @asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        await gateway.open()
        yield
        await gateway.close()

    methods = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
    return Starlette(
        routes=[
            Route("/api/health-check", gateway.health, methods=["GET"]),
            Route("/config.json", gateway.config_json, methods=["GET"]),
            Route("/docs", gateway.docs_index, methods=["GET"]),
            Route("/docs/_static/{name}", gateway.docs_static, methods=["GET"]),
            Route("/docs/{service}", gateway.docs, methods=["GET"]),
            Route("/docs/{service}/openapi.json", gateway.openapi, methods=["GET"]),
            Route("/cognito/", gateway.cognito.handle, methods=["POST"]),
            Route("/cognito", gateway.cognito.handle, methods=["POST"]),
            Route("/assets/{key:path}", gateway.assets, methods=["GET", "HEAD"]),
            Route("/{path:path}", gateway.dispatch, methods=methods),
        ],
        middleware=[Middleware(SecurityHeaders, headers=gateway.headers)],
        lifespan=lifespan,
    )


def config_from_env() -> dict[str, Any]:
    """Gateway config for containers (docker-compose): peers from *_URL, AWS resources bootstrapped."""
    from devstack.aws_bootstrap import bootstrap

    resources = bootstrap(os.environ.get("AWS_ENDPOINT_URL", "http://aws:4566"))
    services = {
        e.name: os.environ.get(f"{e.name.upper()}_URL", f"http://{e.name}:{e.port}") for e in load_registry()
    }
    return {
        "port": int(os.environ.get("CRUDDUR_PORT", "8080")),
        "services": services,
        "aws": asdict(resources),
        "spa_dir": os.environ.get(
            "SPA_DIR", str(Path(__file__).resolve().parents[2] / "frontend-react-js" / "dist")
        ),
    }


def serve_from_env() -> None:
    """`python -m devstack gateway`: the gateway inside a container, listening on all interfaces."""
    cfg = config_from_env()
    uvicorn.run(
        create_app(cfg),
        host="0.0.0.0",
        port=cfg["port"],
        log_level="warning",
        access_log=False,
        server_header=False,
        proxy_headers=True,
    )


def main() -> None:
    """Serve the gateway."""
    parser = argparse.ArgumentParser(description="Cruddur local gateway")
    parser.add_argument("--config", type=Path, required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int)
    args = parser.parse_args()
    cfg = json.loads(args.config.read_text())
    port = args.port or cfg["port"]
    load_registry()
    uvicorn.run(
        create_app(cfg),
        host=args.host,
        port=port,
        log_level="warning",
        access_log=False,
        server_header=False,
        timeout_graceful_shutdown=2,
        # The stdlib event loop, not uvloop: under wrk, with clients dropping connections mid-response,
        # uvloop 0.23 segfaulted here (a NULL callback in its C code; cf. MagicStack/uvloop#538, #706).
        loop="asyncio",
    )


if __name__ == "__main__":
    main()
