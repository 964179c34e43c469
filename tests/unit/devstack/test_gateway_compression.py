"""The local gateway serves the SPA's text files gzipped, compressed once (issue 18: JS went out raw)."""

from __future__ import annotations

import gzip
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from devstack import gateway
from devstack.gateway import accepts_gzip, create_app

BUNDLE = "export const words = 'cruddur';\n" * 2000  # ~64 KB of script
STYLE = "body { color: #123; }\n" * 500


@pytest.fixture
def spa(tmp_path: Path) -> Path:
    (tmp_path / "index.html").write_text("<!doctype html><title>Cruddur</title>" + "<!-- pad -->" * 200)
    (tmp_path / "static").mkdir()
    (tmp_path / "static" / "app.js").write_text(BUNDLE)
    (tmp_path / "static" / "app.css").write_text(STYLE)
    (tmp_path / "static" / "tiny.js").write_text("1")
    (tmp_path / "static" / "logo.png").write_bytes(b"\x89PNG" + bytes(4000))
    return tmp_path


@pytest.fixture
async def client(spa: Path) -> AsyncIterator[httpx.AsyncClient]:
    cfg = {
        "port": 0,
        "services": {"activity": "http://127.0.0.1:9", "user": "http://127.0.0.1:9"},
        "aws": {
            "region": "us-east-1",
            "endpoint_url": "http://127.0.0.1:4566/",
            "user_pool_id": "us-east-1_x",
            "client_id": "c",
            "assets_bucket": "cruddur-assets",
        },
        "spa_dir": str(spa),
    }
    app = create_app(cfg)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gateway") as http,
    ):
        yield http


async def _raw(client: httpx.AsyncClient, path: str, encoding: str | None) -> httpx.Response:
    """The response as sent (httpx would decode gzip itself)."""
    headers = {"accept-encoding": encoding} if encoding is not None else {"accept-encoding": "identity"}
    async with client.stream("GET", path, headers=headers) as response:
        response._content = b"".join([chunk async for chunk in response.aiter_raw()])
    return response


@pytest.mark.parametrize(("path", "text"), [("/static/app.js", BUNDLE), ("/static/app.css", STYLE)])
async def test_text_files_go_out_gzipped_to_clients_that_take_it(
    client: httpx.AsyncClient, path: str, text: str
) -> None:
    response = await _raw(client, path, "gzip, deflate, br")
    assert response.status_code == 200
    assert response.headers["content-encoding"] == "gzip"
    assert response.headers["vary"] == "Accept-Encoding"
    assert response.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert gzip.decompress(response.content).decode() == text
    assert len(response.content) < len(text.encode()) / 10


async def test_the_shell_and_deep_links_are_gzipped_too(client: httpx.AsyncClient) -> None:
    for path in ("/", "/home"):
        response = await _raw(client, path, "gzip")
        assert (
            response.headers["content-encoding"] == "gzip" and response.headers["cache-control"] == "no-cache"
        )
        assert response.headers["content-type"].startswith("text/html")


@pytest.mark.parametrize("encoding", [None, "br", "gzip;q=0", "identity"])
async def test_clients_that_do_not_take_gzip_get_the_file_as_is(
    client: httpx.AsyncClient, encoding: str | None
) -> None:
    response = await _raw(client, "/static/app.js", encoding)
    assert "content-encoding" not in response.headers
    assert response.headers["vary"] == "Accept-Encoding"
    assert response.content.decode() == BUNDLE


@pytest.mark.parametrize("path", ["/static/tiny.js", "/static/logo.png"])
async def test_tiny_and_binary_files_are_not_compressed(client: httpx.AsyncClient, path: str) -> None:
    response = await _raw(client, path, "gzip")
    assert "content-encoding" not in response.headers


async def test_each_file_is_compressed_once_per_version(
    client: httpx.AsyncClient, spa: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[int] = []
    real = gateway.gzip.compress
    monkeypatch.setattr(gateway.gzip, "compress", lambda data, **kw: calls.append(1) or real(data, **kw))
    for _ in range(5):
        await _raw(client, "/static/app.js", "gzip")
    assert len(calls) == 1
    (spa / "static" / "app.js").write_text(BUNDLE + "// a new build\n")
    fresh = await _raw(client, "/static/app.js", "gzip")
    assert len(calls) == 2 and gzip.decompress(fresh.content).decode().endswith("// a new build\n")


async def test_api_routes_are_not_compressed_by_the_gateway(client: httpx.AsyncClient) -> None:
    response = await _raw(client, "/api/nope", "gzip")
    assert response.status_code == 404 and "content-encoding" not in response.headers


@pytest.mark.parametrize(
    ("header", "takes"),
    [
        ("gzip", True),
        ("deflate, gzip;q=0.5", True),
        ("*", True),
        ("gzip;q=0", False),
        ("br", False),
        (None, False),
    ],
)
def test_accept_encoding(header: str | None, takes: bool) -> None:
    assert accepts_gzip(header) is takes
