"""The local gateway's security headers: the one definition on every kind of response, once each."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from cruddur_common.security_headers import security_headers
from devstack.gateway import create_app

AWS = "http://127.0.0.1:4566"


@pytest.fixture
async def client(tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    (tmp_path / "index.html").write_text("<!doctype html><title>Cruddur</title>")
    (tmp_path / "static").mkdir()
    (tmp_path / "static" / "app.js").write_text("console.log(1)")
    cfg = {
        "port": 0,
        "services": {"activity": "http://127.0.0.1:9", "user": "http://127.0.0.1:9"},
        "aws": {
            "region": "us-east-1",
            "endpoint_url": f"{AWS}/",
            "user_pool_id": "us-east-1_x",
            "client_id": "c",
            "assets_bucket": "cruddur-assets",
        },
        "spa_dir": str(tmp_path),
    }
    app = create_app(cfg)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gateway") as http,
    ):
        yield http


@pytest.mark.parametrize(
    "path",
    [
        "/",  # the SPA shell
        "/home",  # a deep link
        "/static/app.js",  # an SPA file
        "/config.json",
        "/docs",
        "/docs/activity",
        "/docs/_static/init.js",
        "/api/nope",  # the gateway's own 404
        "/api/activities/home",  # a proxied route whose service is down (503)
    ],
)
async def test_every_response_carries_the_security_headers_once(client: httpx.AsyncClient, path: str) -> None:
    response = await client.get(path)
    expected = security_headers(tls=False, connect_src=(AWS,))
    for name, value in expected.items():
        assert response.headers.get_list(name) == [value], (path, name)
    assert "strict-transport-security" not in response.headers, "the local gateway speaks plain http"
    assert len(response.headers.get_list("server")) <= 1


async def test_the_docs_page_has_no_inline_script(client: httpx.AsyncClient) -> None:
    page = (await client.get("/docs/activity")).text
    assert "<script>" not in page and "<script src=" in page
    init = await client.get("/docs/_static/init.js")
    assert init.status_code == 200 and "SwaggerUIBundle" in init.text
    assert init.headers["content-type"].startswith("text/javascript")
