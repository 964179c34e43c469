"""The home feed's hot route answers exactly as the FastAPI route it shortcuts (cruddur_common.hot)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack
from typing import Any

import httpx
import pytest

from activity_service.feeds import router as feeds_router
from activity_service.main import create_app
from activity_service.settings import Settings
from devstack.stack import LocalStack
from tests.integration.activity.support import follow
from tests.support import TestUser

pytestmark = pytest.mark.integration
HOME = "/api/activities/home"


@pytest.fixture
async def apps(
    stack: LocalStack, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[dict[str, httpx.AsyncClient]]:
    """The activity app in-process against the test stack, with hot routes on and off."""
    for key, value in stack.service_env().items():
        monkeypatch.setenv(key, value)
    clients: dict[str, httpx.AsyncClient] = {}
    async with AsyncExitStack() as exits:
        for name, hot in (("hot", True), ("fastapi", False)):
            app = create_app(Settings(hot_routes=hot, outbox_enabled=False))
            await exits.enter_async_context(app.router.lifespan_context(app))
            transport = httpx.ASGITransport(app=app)
            clients[name] = await exits.enter_async_context(
                httpx.AsyncClient(transport=transport, base_url="http://activity.test")
            )
        yield clients


def _comparable(response: httpx.Response) -> tuple[Any, ...]:
    headers = {k: response.headers.get(k) for k in ("content-type", "link", "www-authenticate")}
    return response.status_code, headers, response.content


async def test_hot_and_fastapi_routes_answer_alike(
    apps: dict[str, httpx.AsyncClient],
    api: httpx.Client,
    make_user: Callable[..., TestUser],
    post: Callable[..., dict[str, Any]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    me, friend = make_user(), make_user()
    follow(api, me, friend.handle)
    for i in range(3):
        post(friend, f"hot {i} <b>#cruddur</b> \u00e9")
    assert api.put(f"/api/activities/{post(friend, 'liked')['uuid']}/like", headers=me.headers).is_success
    signed_in = me.headers
    first = await apps["fastapi"].get(HOME, params={"limit": 2}, headers=signed_in)
    next_page = first.headers["link"].split(">")[0][1:]
    cases: list[tuple[str, dict[str, str]]] = [
        (HOME, signed_in),
        (HOME, {}),
        (f"{HOME}?limit=2", signed_in),
        (next_page, signed_in),
        (f"{HOME}?limit=2&limit=3&other=1", signed_in),
        (f"{HOME}?limit=0", signed_in),
        (f"{HOME}?limit=101", signed_in),
        (f"{HOME}?limit=abc", {}),
        (f"{HOME}?cursor=not-ours", signed_in),
        (f"{HOME}?cursor={'x' * 1025}", signed_in),
        (f"{HOME}?limit=0", {"authorization": "Bearer not.a.token"}),  # auth fails before params
        (HOME, {"authorization": me.token}),
        (HOME, {"authorization": f"Bearer {me.token[:-2]}xx"}),
    ]
    served_hot = []
    real = feeds_router.get_reader_uuid

    async def spy(*args: Any) -> Any:
        served_hot.append(1)
        return await real(*args)

    monkeypatch.setattr(feeds_router, "get_reader_uuid", spy)
    for url, headers in cases:
        hot = await apps["hot"].get(url, headers=headers)
        plain = await apps["fastapi"].get(url, headers=headers)
        assert _comparable(hot) == _comparable(plain), url
    assert len(served_hot) == len(cases)  # the hot app took the shortcut every time; the other never did
    statuses = [(await apps["hot"].get(url, headers=headers)).status_code for url, headers in cases]
    assert statuses == [200, 200, 200, 200, 200, 422, 422, 422, 400, 422, 401, 401, 401]


async def test_other_methods_and_paths_are_not_hot(apps: dict[str, httpx.AsyncClient]) -> None:
    client = apps["hot"]
    assert (await client.post(HOME, json={})).status_code == 405
    assert (await client.get(f"{HOME}/")).status_code in (307, 404)
    assert (await client.head(HOME)).status_code == (await apps["fastapi"].head(HOME)).status_code
