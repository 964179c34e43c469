"""The calls reports make to the owners of the evidence, against fake peers (the contract's shapes)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from cruddur_common.errors import DependencyUnavailable
from user_service.reports import clients
from user_service.reports.errors import TargetNotFound
from user_service.reports.schemas import HeldMessage, ReportedCrud
from user_service.settings import Settings

SETTINGS = Settings(activity_url="http://activity.test", messaging_url="http://messaging.test")
PERSON = {"uuid": str(uuid.uuid4()), "handle": "someone", "display_name": "Someone"}
NOW = datetime.now(UTC)
CRUD = {
    "uuid": str(uuid.uuid4()),
    "author": PERSON,
    "message": "hi",
    "created_at": NOW.isoformat(),
    "expires_at": (NOW + timedelta(hours=1)).isoformat(),
    "reply_to_activity_uuid": None,
    "expired": False,
    "held": True,
}


def _message(text: str) -> dict[str, object]:
    return {
        "uuid": str(uuid.uuid4()),
        "message_group_uuid": str(uuid.uuid4()),
        "sender": PERSON,
        "message": text,
        "created_at": NOW.isoformat(),
    }


async def _hold(target_type: str, handler: Callable[[httpx.Request], httpx.Response]) -> object:
    async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as http:
        return await clients.hold(
            http,
            settings=SETTINGS,
            target_type=target_type,
            target=uuid.UUID(int=7),
            report=uuid.UUID(int=9),
            reporter=uuid.UUID(int=8),
            until=NOW,
        )


async def test_a_crud_hold_is_a_put_to_activity_with_the_reporter_and_the_bound() -> None:
    seen: list[httpx.Request] = []

    def activity(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=CRUD)

    held = await _hold("crud", activity)
    assert isinstance(held, ReportedCrud) and held.author.handle == "someone"
    [request] = seen
    assert request.method == "PUT"
    assert (
        str(request.url) == f"http://activity.test/internal/cruds/{uuid.UUID(int=7)}/holds/{uuid.UUID(int=9)}"
    )
    assert request.read() == (
        b'{"reporter":"%s","until":"%s"}' % (str(uuid.UUID(int=8)).encode(), NOW.isoformat().encode())
    )


async def test_a_message_hold_answers_the_message_and_its_context() -> None:
    body = {"message": _message("last"), "context": [_message(str(n)) for n in range(10)]}
    held = await _hold("message", lambda request: httpx.Response(200, json=body))
    assert isinstance(held, HeldMessage) and held.message.message == "last" and len(held.context) == 10


@pytest.mark.parametrize(
    ("response", "error"),
    [
        (httpx.Response(404, json={"error": {"code": "not_found", "message": "x"}}), TargetNotFound),
        (httpx.Response(503), DependencyUnavailable),
        (httpx.Response(500), DependencyUnavailable),
        (httpx.Response(401), DependencyUnavailable),  # our credential refused: unavailable to us
        (httpx.Response(200, json={"uuid": "not the contract"}), DependencyUnavailable),
        (httpx.Response(200, content=b"not json"), DependencyUnavailable),
    ],
)
async def test_anything_but_the_contract_is_not_found_or_unavailable(
    response: httpx.Response, error: type[Exception]
) -> None:
    with pytest.raises(error):
        await _hold("crud", lambda request: response)


async def test_an_unreachable_peer_is_unavailable_by_name() -> None:
    def down(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    with pytest.raises(DependencyUnavailable) as caught:
        await _hold("message", down)
    assert caught.value.dependency == "messaging"


async def test_releasing_is_idempotent_and_quiet_on_error_paths() -> None:
    calls: list[str] = []

    def peer(request: httpx.Request) -> httpx.Response:
        calls.append(f"{request.method} {request.url}")
        return httpx.Response(404 if len(calls) == 1 else 503)

    async with httpx.AsyncClient(transport=httpx.MockTransport(peer)) as http:
        await clients.release_hold(http, settings=SETTINGS, target_type="crud", report=uuid.UUID(int=9))
        await clients.release_quietly(http, settings=SETTINGS, target_type="message", report=uuid.UUID(int=9))
        await clients.release_hold(http, settings=SETTINGS, target_type="user", report=uuid.UUID(int=9))
    assert calls == [
        f"DELETE http://activity.test/internal/holds/{uuid.UUID(int=9)}",
        f"DELETE http://messaging.test/internal/holds/{uuid.UUID(int=9)}",
    ]
