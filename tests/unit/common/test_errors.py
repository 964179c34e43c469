"""Error plumbing through a real HTTP server: outages are 503s, bugs 500s, the connection survives both."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator

import asyncpg
import httpx
import pytest
import sqlalchemy.exc
import uvicorn
from botocore.exceptions import ClientError
from fastapi import APIRouter, FastAPI, Request
from pydantic import BaseModel

from cruddur_common import db
from cruddur_common.app import ServiceSpec, create_service_app
from cruddur_common.settings import CommonSettings

DEAD = "127.0.0.1:1"  # nothing listens on port 1: connections are refused at once


class Item(BaseModel):
    text: str


def _router() -> APIRouter:
    router = APIRouter()

    @router.get("/peer")
    async def peer(request: Request) -> dict[str, int]:
        assert request.client is not None
        return {"port": request.client.port}  # the client's source port: one per connection

    @router.get("/postgres/gone")
    async def postgres_gone() -> None:
        raise asyncpg.exceptions.ConnectionDoesNotExistError(
            "connection was closed in the middle of operation"
        )

    @router.get("/postgres/mid-shutdown")
    async def postgres_mid_shutdown() -> None:
        raise asyncpg.InternalClientError("cannot switch to state 15; another operation (2) is in progress")

    @router.get("/postgres/stale-cache")
    async def postgres_stale_cache() -> None:
        raise asyncpg.exceptions.OutdatedSchemaCacheError("cache lookup failed for type 12345")

    @router.get("/postgres/refused")
    async def postgres_refused() -> None:
        await asyncpg.connect(f"postgresql://cruddur@{DEAD}/cruddur", timeout=2)

    @router.get("/postgres/engine")
    async def postgres_engine() -> None:
        engine = db.create_engine(f"postgresql+asyncpg://cruddur@{DEAD}/cruddur", schema="x")
        try:
            await db.ping(engine)
        finally:
            await engine.dispose()

    @router.get("/postgres/integrity")
    async def postgres_integrity() -> None:
        raise sqlalchemy.exc.IntegrityError(
            "INSERT", {}, asyncpg.exceptions.UniqueViolationError("duplicate")
        )

    @router.get("/postgres/syntax")
    async def postgres_syntax() -> None:
        raise asyncpg.exceptions.PostgresSyntaxError('syntax error at or near "SELEC"')

    @router.get("/dynamodb")
    async def dynamodb(request: Request) -> None:
        await request.app.state.aws["dynamodb"].list_tables()

    @router.get("/aws/{code}")
    async def aws_error(code: str) -> None:
        raise ClientError({"Error": {"Code": code}, "ResponseMetadata": {"HTTPStatusCode": 400}}, "PutItem")

    @router.get("/user")
    async def user(request: Request) -> None:
        await request.app.state.http.get(f"{request.app.state.settings.user_url}/internal/users/x")

    @router.get("/user/answers/{status}")
    async def user_answers(status: int, request: Request) -> None:
        url = f"{request.app.state.settings.user_url}/internal/users/x"
        httpx.Response(status, request=httpx.Request("GET", url)).raise_for_status()

    @router.get("/bug")
    async def bug() -> None:
        raise ValueError("a genuine bug")

    @router.post("/items", status_code=201)
    async def create(item: Item) -> Item:
        return item

    @router.put("/thing")
    async def put_thing() -> None:
        return None

    @router.delete("/thing")
    async def delete_thing() -> None:
        return None

    return router


def _app() -> FastAPI:
    settings = CommonSettings(
        user_url=f"http://{DEAD}", aws_endpoint_url=f"http://{DEAD}", max_body_bytes=1024
    )
    spec = ServiceSpec(
        name="errtest",
        title="t",
        description="t",
        settings=settings,
        routers=[_router()],
        aws_services=("dynamodb",),
    )
    return create_service_app(spec)


@pytest.fixture
async def client(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[httpx.AsyncClient]:
    """The app behind a real uvicorn server; a client that keeps one keep-alive connection."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    config = uvicorn.Config(_app(), log_config=None, lifespan="on")
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve(sockets=[sock]))
    while not server.started:
        assert not task.done(), "the server did not start"
        await asyncio.sleep(0.01)
    base = f"http://127.0.0.1:{sock.getsockname()[1]}"
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    try:
        async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as http:
            yield http
    finally:
        server.should_exit = True
        await task


async def _port(http: httpx.AsyncClient) -> int:
    response = await http.get("/peer")
    assert response.status_code == 200
    port: int = response.json()["port"]
    return port


def assert_unavailable(response: httpx.Response, dependency: str) -> None:
    assert response.status_code == 503, response.text
    error = response.json()["error"]
    assert error["code"] == "dependency_unavailable"
    assert dependency in error["message"] and error["details"] == {"dependency": dependency}
    assert 1 <= int(response.headers["retry-after"]) <= 5
    assert response.headers["x-request-id"]


@pytest.mark.parametrize(
    ("path", "dependency"),
    [
        ("/postgres/gone", "postgres"),
        ("/postgres/mid-shutdown", "postgres"),
        ("/postgres/refused", "postgres"),
        ("/postgres/engine", "postgres"),
        ("/dynamodb", "dynamodb"),
        ("/aws/ProvisionedThroughputExceededException", "aws"),
        ("/aws/ThrottlingException", "aws"),
        ("/aws/RequestLimitExceeded", "aws"),
        ("/user", "user"),
        ("/user/answers/502", "user"),
    ],
)
async def test_a_dependency_down_is_a_503_and_the_connection_stays(
    client: httpx.AsyncClient, path: str, dependency: str
) -> None:
    before = await _port(client)
    assert_unavailable(await client.get(path), dependency)
    assert await _port(client) == before  # the same keep-alive connection answers the next request


@pytest.mark.parametrize(
    "path",
    [
        "/bug",
        "/postgres/integrity",
        "/postgres/syntax",
        "/postgres/stale-cache",
        "/aws/ConditionalCheckFailedException",
        "/user/answers/404",
    ],
)
async def test_a_genuine_bug_is_still_a_500_with_a_request_id_and_the_connection_stays(
    client: httpx.AsyncClient, path: str
) -> None:
    before = await _port(client)
    response = await client.get(path, headers={"x-request-id": "trace-500"})
    assert response.status_code == 500, response.text
    assert response.json() == {
        "error": {"code": "internal_error", "message": "Something went wrong on our side."}
    }
    assert response.headers["x-request-id"] == "trace-500"
    assert await _port(client) == before


async def test_a_chunked_body_over_the_limit_is_a_413(client: httpx.AsyncClient) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        yield b'{"text": "'
        for _ in range(8):
            yield b"x" * 256
        yield b'"}'

    response = await client.post("/items", content=chunks(), headers={"content-type": "application/json"})
    assert response.status_code == 413, response.text
    assert response.json()["error"]["code"] == "payload_too_large"
    small = await client.post("/items", json={"text": "fits"})
    assert small.status_code == 201


async def test_a_405_names_every_method_of_the_path(client: httpx.AsyncClient) -> None:
    response = await client.patch("/thing")
    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"
    assert set(response.headers["allow"].split(", ")) == {"PUT", "DELETE"}


def test_openapi_documents_invalid_body_and_outages() -> None:
    spec = _app().openapi()
    create = spec["paths"]["/items"]["post"]["responses"]
    assert create["400"]["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorResponse")
    assert "invalid_body" in create["400"]["description"]
    assert "422" in create
    for operations in spec["paths"].values():
        for operation in operations.values():
            assert "503" in operation["responses"]
    assert "400" not in spec["paths"]["/peer"]["get"]["responses"]  # no body, no invalid_body
