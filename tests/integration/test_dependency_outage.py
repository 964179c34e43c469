"""Dependencies down on the real test stack: 503 dependency_unavailable, connection kept, back in ~1 s.

Each test stops a part of the shared session stack and restarts it in a `finally`, so later tests find it
running whatever happens here.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator

import httpx
import pytest
from sqlalchemy import text

from cruddur_common import db
from cruddur_common.logging import JsonFormatter
from cruddur_common.registry import load_registry
from devstack.processes import wait_port
from devstack.stack import LocalStack
from tests.support import TestUser

pytestmark = pytest.mark.integration

RECOVERY_SECONDS = 1.0


def _service_url(stack: LocalStack, name: str) -> str:
    entry = next(e for e in load_registry() if e.name == name)
    return stack.cfg.service_url(entry)


def _local_port(response: httpx.Response) -> int:
    """The client side's port of the connection that carried `response` (one per TCP connection)."""
    port: int = response.extensions["network_stream"].get_extra_info("client_addr")[1]
    return port


def _expect_unavailable(response: httpx.Response, dependency: str) -> None:
    assert response.status_code == 503, (response.status_code, response.text)
    error = response.json()["error"]
    assert error["code"] == "dependency_unavailable", error
    assert error["details"] == {"dependency": dependency}
    assert 1 <= int(response.headers["retry-after"]) <= 5
    assert response.headers["x-request-id"]


def _expect_same_connection(client: httpx.Client, after: httpx.Response) -> None:
    """The connection that carried `after` (a 503) answers the next request: the server did not close it.

    Asked right away: uvicorn closes a connection idle for 5 s, longer than a restart may take here.
    """
    response = client.get("/health")
    assert response.status_code == 200
    assert _local_port(response) == _local_port(after)


def _first_200(call: Callable[[], httpx.Response], *, within: float) -> float:
    """Seconds from now until the start of the first call that answers 200; fails past `within`.

    Measured at the start of the call: on a loaded machine one request can take longer than a second
    even when nothing fails, and what matters is that a request sent after `within` succeeds.
    """
    started = time.monotonic()
    while True:
        sent = time.monotonic() - started
        response = call()
        if response.status_code == 200:
            return sent
        assert sent < within, (response.status_code, response.text)
        time.sleep(0.05)


def _caller(
    client: httpx.Client, path: str, *, query: dict[str, str], headers: dict[str, str]
) -> Callable[[], httpx.Response]:
    return lambda: client.get(path, params=query, headers=headers)


@pytest.fixture
def user(make_user: Callable[..., TestUser]) -> TestUser:
    return make_user()


@pytest.fixture
def postgres_down(stack: LocalStack) -> Iterator[Callable[[], None]]:
    """Stops the test Postgres; yields a function that starts it again (also called on teardown)."""
    assert stack.postgres is not None, "these tests need the embedded Postgres"
    postgres = stack.postgres
    with stack.unsupervised("postgres"):  # else the local supervisor starts it again within a second
        postgres.stop()
        try:
            yield postgres.start
        finally:
            if not postgres.is_running():
                postgres.start()


# (service, path, query): a Postgres-backed route of each service that owns tables
POSTGRES_ROUTES: list[tuple[str, str, dict[str, str]]] = [
    ("activity", "/api/activities/home", {}),  # the hot route: asyncpg StatementPool
    ("activity", "/api/activities/explore", {}),  # asyncpg pool
    ("user", "/api/users/me", {}),  # SQLAlchemy
    ("notification", "/api/notifications", {}),  # SQLAlchemy
]


def test_postgres_down_is_a_503_and_back_within_a_second(
    stack: LocalStack, user: TestUser, postgres_down: Callable[[], None]
) -> None:
    clients = {
        name: httpx.Client(base_url=_service_url(stack, name), timeout=10) for name, _, _ in POSTGRES_ROUTES
    }
    try:
        for name, path, query in POSTGRES_ROUTES:
            response = clients[name].get(path, params=query, headers=user.headers)
            _expect_unavailable(response, "postgres")
            _expect_same_connection(clients[name], response)
        postgres_down()  # starts it again; returns once it accepts connections
        for name, path, query in POSTGRES_ROUTES:
            call = _caller(clients[name], path, query=query, headers=user.headers)
            took = _first_200(call, within=RECOVERY_SECONDS)
            assert took < RECOVERY_SECONDS, (name, path, took)
    finally:
        for client in clients.values():
            client.close()


def test_postgres_down_through_the_gateway_spills_onto_nothing_else(
    api: httpx.Client, user: TestUser, postgres_down: Callable[[], None]
) -> None:
    for _ in range(5):  # each 503 used to close the gateway's upstream connection, failing the next request
        _expect_unavailable(api.get("/api/users/me", headers=user.headers), "postgres")
        assert api.get("/docs/user/openapi.json").status_code == 200  # needs no Postgres: unaffected
    # messaging asks the user service, which cannot answer: the peer is named, still a 503
    _expect_unavailable(api.get("/api/message_groups", headers=user.headers), "user")
    postgres_down()
    _first_200(lambda: api.get("/api/users/me", headers=user.headers), within=RECOVERY_SECONDS)


def test_moto_down_is_a_503_for_messaging_and_back_within_a_second(stack: LocalStack, user: TestUser) -> None:
    moto = next(child for child in stack.children if child.name == "moto")
    with httpx.Client(base_url=_service_url(stack, "messaging"), timeout=30) as client:
        assert client.get("/api/message_groups", headers=user.headers).status_code == 200
        with stack.unsupervised("moto"):
            moto.stop()  # SIGTERM: moto pickles its state before it exits
            try:
                response = client.get("/api/message_groups", headers=user.headers)
                _expect_unavailable(response, "dynamodb")
                _expect_same_connection(client, response)
            finally:
                if not moto.alive():
                    moto.start()  # restores the pickled state
                    wait_port(stack.cfg.moto_port, timeout=30, child=moto)
        took = _first_200(
            lambda: client.get("/api/message_groups", headers=user.headers), within=RECOVERY_SECONDS
        )
        assert took < RECOVERY_SECONDS


async def test_failed_statements_do_not_log_their_parameters(
    stack: LocalStack, caplog: pytest.LogCaptureFixture
) -> None:
    engine = db.create_engine(
        stack.cfg.db_url.replace("postgresql://", "postgresql+asyncpg://", 1), schema="public"
    )
    log = logging.getLogger("tests.outage")
    secret = "private-dm-text-4711"
    statements = [
        ("SELECT length(CAST(:v AS text))", f"{secret}\x00"),  # refused by the server (NUL in text)
        ("SELECT CAST(:v AS integer) + 1", secret),  # refused by asyncpg while encoding the argument
    ]
    try:
        with caplog.at_level(logging.ERROR, logger="tests.outage"):
            for statement, value in statements:
                async with engine.connect() as conn:
                    with pytest.raises(Exception) as failure:  # any driver error will do
                        await conn.execute(text(statement), {"v": value})
                log.error("statement failed", exc_info=failure.value)
    finally:
        await engine.dispose()
    formatter = JsonFormatter(service="test")
    lines = [formatter.format(record) for record in caplog.records]
    assert len(lines) == len(statements)
    for line in lines:
        assert secret not in line, line
