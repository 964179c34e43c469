"""Blocks in direct messages: the user service is asked on every send and conversation lookup.

The in-process tests answer `/internal/relations/{a}/{b}` with a fake peer and send everything else to
the stack's user service; `test_a_block_through_the_gateway` uses the user service's real block routes.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from messaging_service.conversations import keys, repository
from messaging_service.conversations.repository import Table
from messaging_service.main import create_app
from messaging_service.moderation import repository as moderation
from messaging_service.settings import Settings
from tests.integration.messaging.support import groups, me, send, wait_for_preview
from tests.internal import internal_auth
from tests.support import TestUser, expect_error, wait_for

pytestmark = pytest.mark.integration
RELATIONS = "/internal/relations/"


@dataclass
class Relations(httpx.AsyncBaseTransport):
    """The user service as the app sees it: real, except the relations route, which the test decides."""

    blocked: set[frozenset[str]] = field(default_factory=set)
    answer: Callable[[httpx.Request], httpx.Response] | None = None  # overrides `blocked` (an outage)
    asked: list[str] = field(default_factory=list)
    real: httpx.AsyncHTTPTransport = field(default_factory=httpx.AsyncHTTPTransport)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Answer the relations route here; forward the rest."""
        if not request.url.path.startswith(RELATIONS):
            return await self.real.handle_async_request(request)
        self.asked.append(request.url.path)
        if self.answer is not None:
            return self.answer(request)
        a, b = request.url.path.removeprefix(RELATIONS).split("/")
        return httpx.Response(200, json={"blocked": frozenset((a, b)) in self.blocked})


@dataclass
class InProcess:
    """The messaging app in-process: its client, its fake relations, its table and its DynamoDB calls."""

    client: httpx.AsyncClient
    relations: Relations
    table: Table
    calls: list[str]


@pytest.fixture
async def messaging(aws_env: dict[str, str]) -> AsyncIterator[InProcess]:
    """The messaging app in-process on the stack's moto and user service, with a fake relations route."""
    relations = Relations()
    settings = Settings()
    app = create_app(settings, http_transport=relations)
    calls: list[str] = []

    def count(model: Any, **_: Any) -> None:
        calls.append(model.name)

    async with app.router.lifespan_context(app):
        dynamodb = app.state.aws["dynamodb"]
        dynamodb.meta.events.register("before-call.dynamodb", count)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://messaging.test") as client:
            yield InProcess(client, relations, Table(client=dynamodb, name=settings.messages_table), calls)


async def test_a_blocked_pair_can_neither_start_nor_continue_nor_open_a_conversation(
    api: httpx.Client, messaging: InProcess, pair: tuple[TestUser, TestUser]
) -> None:
    client, relations = messaging.client, messaging.relations
    alice, bob = pair
    first = await _send(client, alice, "hi bob", handle=bob.handle)
    group = first.json()["message_group_uuid"]
    ids = {me(api, user)["uuid"] for user in pair}
    assert relations.asked and set(relations.asked[0].removeprefix(RELATIONS).split("/")) == ids

    relations.blocked.add(frozenset(ids))  # whoever blocked whom: both directions are refused
    for sender, other in ((alice, bob), (bob, alice)):
        expect_error(await _send(client, sender, "hello?", handle=other.handle), 403, "blocked")
        expect_error(await _send(client, sender, "hello?", message_group_uuid=group), 403, "blocked")
        opened = await client.get(f"/api/message_groups/@{other.handle}", headers=sender.headers)
        body = expect_error(opened, 403, "blocked")
        assert "block" not in str(body["message"]).lower(), "who blocked whom is not said"
    history = await client.get(f"/api/messages/{group}", headers=bob.headers)
    assert [m["message"] for m in history.json()] == ["hi bob"], "nothing written; the history stays"

    relations.blocked.clear()  # unblocked
    assert (await _send(client, bob, "hi again", message_group_uuid=group)).status_code == 201


async def test_a_block_check_that_cannot_be_made_is_a_503_and_nothing_is_written(
    messaging: InProcess, make_user: Callable[..., TestUser]
) -> None:
    client, relations = messaging.client, messaging.relations
    alice, bob, carol = make_user(), make_user(), make_user()
    group = (await _send(client, alice, "before", handle=bob.handle)).json()["message_group_uuid"]

    def refused(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)  # the user service is down

    def missing(_: httpx.Request) -> httpx.Response:  # a user service without the route (never 404 else)
        return httpx.Response(404, json={"error": {"code": "not_found", "message": "Not Found"}})

    for answer in (refused, missing, lambda _: httpx.Response(502)):
        relations.answer = answer
        for response in (
            await _send(client, alice, "lost?", message_group_uuid=group),
            await _send(client, alice, "lost?", handle=carol.handle),
            await client.get(f"/api/message_groups/@{bob.handle}", headers=alice.headers),
        ):
            body = expect_error(response, 503, "dependency_unavailable")
            assert body["details"] == {"dependency": "user"} and response.headers["retry-after"]
    relations.answer = None
    history = await client.get(f"/api/messages/{group}", headers=alice.headers)
    assert [m["message"] for m in history.json()] == ["before"]
    expect_error(
        await client.get(f"/api/message_groups/@{carol.handle}", headers=alice.headers),
        404,
        "message_group_not_found",
    )  # no conversation was started with carol


def test_a_block_through_the_gateway(api: httpx.Client, make_user: Callable[..., TestUser]) -> None:
    """Needs the user service's block routes (issue 14, the relations part): passes once both are merged."""
    alice, bob = make_user(), make_user()
    group = send(api, alice, "hi bob", handle=bob.handle)["message_group_uuid"]
    assert (
        api.put(f"/api/users/@{bob.handle}/mute", json={"duration": None}, headers=alice.headers).status_code
        == 204
    )
    assert send(api, bob, "a mute does not stop messages", handle=alice.handle)["message_group_uuid"] == group

    assert api.put(f"/api/users/@{alice.handle}/block", headers=bob.headers).status_code == 204
    for sender, other in ((alice, bob), (bob, alice)):
        to_handle = {"message": "hello?", "handle": other.handle}
        expect_error(api.post("/api/messages", json=to_handle, headers=sender.headers), 403, "blocked")
        in_group = {"message": "hello?", "message_group_uuid": group}
        expect_error(api.post("/api/messages", json=in_group, headers=sender.headers), 403, "blocked")
        expect_error(api.get(f"/api/message_groups/@{other.handle}", headers=sender.headers), 403, "blocked")

    assert api.delete(f"/api/users/@{alice.handle}/block", headers=bob.headers).status_code == 204
    assert send(api, alice, "unblocked", message_group_uuid=group)["message"] == "unblocked"


async def test_a_member_holds_a_message_with_the_ten_before_it_until_released(
    api: httpx.Client,
    messaging: InProcess,
    pair: tuple[TestUser, TestUser],
    make_user: Callable[..., TestUser],
) -> None:
    client, alice, bob = messaging.client, *pair
    texts = [f"m{i}" for i in range(13)]
    sent = [
        _json(await _send(client, (alice, bob)[i % 2], text, handle=(bob, alice)[i % 2].handle))
        for i, text in enumerate(texts)
    ]
    target, reporter = sent[12], me(api, bob)["uuid"]
    report, until = str(uuid.uuid4()), datetime.now(UTC) + timedelta(days=90)
    hold = {"reporter": reporter, "until": until.isoformat()}

    messaging.calls.clear()
    held = _json(await _hold(client, target["uuid"], report, hold))
    assert sorted(messaging.calls) == ["PutItem", "Query", "Query", "UpdateItem"]
    assert held["message"] == {
        "uuid": target["uuid"],
        "message_group_uuid": target["message_group_uuid"],
        "sender": {"uuid": me(api, alice)["uuid"], "handle": alice.handle, "display_name": alice.name},
        "message": "m12",
        "created_at": target["created_at"],
    }
    assert [m["message"] for m in held["context"]] == texts[2:12], "the 10 before it, oldest first"
    assert held["context"][0]["sender"]["handle"] == alice.handle
    assert (await _item(messaging, target["uuid"]))["holds"] == {report: keys.format_ts(until)}

    assert _json(await _hold(client, target["uuid"], report, hold)) == held, "idempotent per report"
    second = str(uuid.uuid4())
    assert (await _hold(client, target["uuid"], second, hold)).status_code == 200
    assert set((await _item(messaging, target["uuid"]))["holds"]) == {report, second}
    first_message = _json(await _hold(client, sent[0]["uuid"], str(uuid.uuid4()), hold))
    assert first_message["context"] == []

    carol = me(api, make_user())["uuid"]
    expect_error(
        await _hold(client, target["uuid"], str(uuid.uuid4()), hold | {"reporter": carol}), 404, "not_found"
    )
    expect_error(await _hold(client, str(uuid.uuid4()), str(uuid.uuid4()), hold), 404, "not_found")
    for bad in (
        {"reporter": reporter},
        hold | {"until": "2027-01-01T00:00:00"},
        hold | {"until": "0001-01-01T00:00:00+01:00"},
    ):
        expect_error(await _hold(client, target["uuid"], str(uuid.uuid4()), bad), 422)
    anonymous = await client.put(f"/internal/messages/{target['uuid']}/holds/{report}", json=hold)
    assert anonymous.status_code == 401

    for _ in range(2):
        released = await client.delete(f"/internal/holds/{report}", auth=internal_auth())
        assert released.status_code == 204
    assert (await _item(messaging, target["uuid"]))["holds"] == {second: keys.format_ts(until)}
    assert (await client.delete(f"/internal/holds/{uuid.uuid4()}", auth=internal_auth())).status_code == 204


async def test_a_removed_message_is_gone_for_both_and_the_previews_step_back(
    api: httpx.Client, messaging: InProcess, pair: tuple[TestUser, TestUser]
) -> None:
    client, alice, bob = messaging.client, *pair
    one = _json(await _send(client, alice, "one", handle=bob.handle))
    group = one["message_group_uuid"]
    two = _json(await _send(client, bob, "two", message_group_uuid=group))
    three = _json(await _send(client, alice, "three", message_group_uuid=group))
    for user, other in ((alice, bob), (bob, alice)):
        wait_for_preview(api, user, handle=other.handle, text="three")

    def notified() -> list[str]:
        return [n["uuid"] for n in api.get("/api/notifications", headers=bob.headers).json()["items"]]

    wait_for(lambda: three["uuid"] in notified(), what="bob's notification of the message to remove")
    removed = await _item(messaging, three["uuid"])
    hold = {"reporter": me(api, bob)["uuid"], "until": (datetime.now(UTC) + timedelta(days=1)).isoformat()}
    held = _json(await _hold(client, three["uuid"], str(uuid.uuid4()), hold))
    assert held["message"]["message"] == "three"

    for _ in range(2):
        assert (
            await client.delete(f"/internal/messages/{three['uuid']}", auth=internal_auth())
        ).status_code == 204
    for user in pair:
        history = api.get(f"/api/messages/{group}", headers=user.headers).json()
        assert [m["message"] for m in history] == ["one", "two"]
        (preview,) = groups(api, user)
        assert (preview["message"], preview["created_at"]) == ("two", two["created_at"])
    assert notified() == [one["uuid"]], "its notification (a preview of it) went with it"
    a, b = removed["sender_uuid"], removed["recipient_uuid"]
    late = await repository.set_last_message(messaging.table, owner_uuid=b, other_uuid=a, message=removed)
    assert late is False, "a late or redelivered stream record of the removed message cannot bring it back"
    expect_error(await _hold(client, three["uuid"], str(uuid.uuid4()), hold), 404, "not_found")

    assert (await client.delete(f"/internal/messages/{one['uuid']}", auth=internal_auth())).status_code == 204
    assert groups(api, alice)[0]["message"] == "two", "an older message's removal leaves the preview"
    assert (await client.delete(f"/internal/messages/{two['uuid']}", auth=internal_auth())).status_code == 204
    for user in pair:
        (preview,) = groups(api, user)
        assert (preview["message"], preview["created_at"]) == ("", two["created_at"])
        assert api.get(f"/api/messages/{group}", headers=user.headers).json() == []
    four = _json(await _send(client, bob, "four", message_group_uuid=group))
    wait_for_preview(api, alice, handle=bob.handle, text="four")
    assert groups(api, alice)[0]["created_at"] == four["created_at"]


async def _hold(client: httpx.AsyncClient, message: str, report: str, body: dict[str, Any]) -> httpx.Response:
    return await client.put(f"/internal/messages/{message}/holds/{report}", json=body, auth=internal_auth())


async def _item(messaging: InProcess, message_uuid: str) -> dict[str, Any]:
    found = await moderation.find_message(messaging.table, message_uuid=message_uuid)
    assert found is not None
    return found


async def _send(client: httpx.AsyncClient, user: TestUser, text: str, **to: str) -> httpx.Response:
    return await client.post("/api/messages", json={"message": text, **to}, headers=user.headers)


def _json(response: httpx.Response) -> Any:
    assert response.status_code < 300, response.text
    return response.json()
