"""The local stream poller on the test stack's moto: resumes after a restart, parks bugs, never dies."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator, Callable
from typing import Any

import aioboto3
import httpx
import pytest

from messaging_service.conversations.repository import Table
from messaging_service.settings import Settings
from messaging_service.stream import poller as stream_poller
from messaging_service.stream.checkpoints import Checkpoints
from messaging_service.stream.clients import NotificationClient
from messaging_service.stream.dead_letters import DeadLetters
from messaging_service.stream.poller import StreamPoller
from messaging_service.stream.processor import Processor
from tests.integration.messaging.support import send
from tests.support import TestUser

pytestmark = pytest.mark.integration
Answer = Callable[[httpx.Request], httpx.Response]


@pytest.fixture
async def aws(aws_env: dict[str, str]) -> AsyncIterator[dict[str, Any]]:
    """aioboto3 clients on the stack's moto and a dead-letter queue of this test's own."""
    session = aioboto3.Session()
    kwargs = {"endpoint_url": aws_env["AWS_ENDPOINT_URL"], "region_name": aws_env["AWS_REGION"]}
    async with (
        session.client("dynamodb", **kwargs) as dynamodb,
        session.client("dynamodbstreams", **kwargs) as streams,
        session.client("sqs", **kwargs) as sqs,
    ):
        queue = (await sqs.create_queue(QueueName=f"test-dlq-{uuid.uuid4().hex[:8]}"))["QueueUrl"]
        yield {"dynamodb": dynamodb, "dynamodbstreams": streams, "sqs": sqs, "queue": queue}


@pytest.fixture
async def make_poller(aws: dict[str, Any], aws_env: dict[str, str]) -> Callable[..., StreamPoller]:
    """Pollers of the real stream with a fake notification service, as one consumer (own checkpoints).

    The consumer starts where the stack's own poller is, not at the start of the stream: the history of
    every earlier test (and run) would take minutes to replay on a loaded machine.
    """
    consumer = f"test-{uuid.uuid4().hex[:8]}"
    settings = Settings()
    table = await aws["dynamodb"].describe_table(TableName=aws_env["MESSAGES_TABLE"])
    stream_arn = table["Table"]["LatestStreamArn"]
    live = Checkpoints(client=aws["dynamodb"], table=settings.stream_checkpoint_table)
    mine = Checkpoints(client=aws["dynamodb"], table=settings.stream_checkpoint_table, consumer=consumer)
    for shard_id, sequence_number in (await live.load(stream_arn)).items():
        await mine.save(stream_arn, shard_id, sequence_number)

    def make(answer: Answer, **overrides: Any) -> StreamPoller:
        settings = Settings(**overrides)
        http = httpx.AsyncClient(transport=httpx.MockTransport(answer))
        processor = Processor(
            table=Table(client=aws["dynamodb"], name=settings.messages_table),
            notifications=NotificationClient(http=http, base_url="http://notification.test"),
            dead_letters=DeadLetters(sqs=aws["sqs"], queue=aws["queue"]),
        )
        checkpoints = Checkpoints(
            client=aws["dynamodb"], table=settings.stream_checkpoint_table, consumer=consumer
        )
        return StreamPoller(
            settings=settings, processor=processor, streams=aws["dynamodbstreams"], checkpoints=checkpoints
        )

    return make


def recorder(sent: list[str], *, failing: set[str] | None = None) -> Answer:
    """A notification service that records event ids and raises (a bug) for the `failing` ones."""

    def answer(request: httpx.Request) -> httpx.Response:
        event_id = json.loads(request.content)["event_id"]
        if failing and event_id in failing:
            raise RuntimeError("a bug in the consumer path")
        sent.append(event_id)
        return httpx.Response(202, json={"status": "stored"})

    return answer


async def drain(
    poller: StreamPoller, *, until: Callable[[], bool] = lambda: True, timeout: float = 30
) -> None:
    """Poll until nothing is left and `until()` holds."""
    deadline = asyncio.get_running_loop().time() + timeout
    while asyncio.get_running_loop().time() < deadline:
        if not await poller.poll_once() and not poller.retries and until():
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"the poller did not drain: {poller.stats_fields()}")


async def test_a_restarted_poller_resumes_where_it_stopped(
    api: httpx.Client, pair: tuple[TestUser, TestUser], make_poller: Callable[..., StreamPoller]
) -> None:
    alice, bob = pair
    first: list[str] = []
    await drain(make_poller(recorder(first)))  # up to the stream's end
    fresh = send(api, alice, "after the restart", handle=bob.handle)["uuid"]

    again: list[str] = []
    restarted = make_poller(recorder(again))
    await drain(restarted, until=lambda: fresh in again)

    assert again == [fresh], "only what came after the checkpoint is delivered again"
    assert restarted.stats.applied < 10


async def test_a_record_that_keeps_failing_unexpectedly_is_parked_after_the_attempts(
    api: httpx.Client,
    pair: tuple[TestUser, TestUser],
    make_poller: Callable[..., StreamPoller],
    aws: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(stream_poller, "RETRY_BASE_SECONDS", 0.01)
    alice, bob = pair
    sent: list[str] = []
    failing: set[str] = set()
    poller = make_poller(recorder(sent, failing=failing), stream_max_attempts=3)
    await drain(poller)  # up to the stream's end
    parked_before = poller.stats.parked
    bad = send(api, alice, "trips a bug", handle=bob.handle)["uuid"]
    failing.add(bad)
    good = send(api, alice, "still delivered", handle=bob.handle)["uuid"]

    await drain(poller, until=lambda: good in sent)

    assert bad not in sent and poller.stats.parked == parked_before + 1
    letters = []
    for _ in range(10):
        response = await aws["sqs"].receive_message(QueueUrl=aws["queue"], MaxNumberOfMessages=10)
        letters += [json.loads(m["Body"]) for m in response.get("Messages", [])]
    (letter,) = [x for x in letters if x["reason"] == "retries_exhausted"]
    assert letter["message_uuid"] == bad and letter["reason"] == "retries_exhausted"
    assert "after 3 attempts" in letter["error"]


async def test_the_loop_survives_any_exception_and_resumes(
    api: httpx.Client,
    pair: tuple[TestUser, TestUser],
    make_poller: Callable[..., StreamPoller],
    aws: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(stream_poller, "LOOP_BASE_SECONDS", 0.01)
    alice, bob = pair
    sent: list[str] = []
    poller = make_poller(recorder(sent))
    await drain(poller)
    poller.streams = object()  # every poll now raises AttributeError, an error nobody planned for
    poller.stream_arn = None
    stop = asyncio.Event()
    task = asyncio.create_task(poller.run(stop))
    message = send(api, alice, "during the fault", handle=bob.handle)["uuid"]
    await asyncio.sleep(0.5)
    assert not task.done() and poller.stats.loop_errors >= 2

    poller.streams = aws["dynamodbstreams"]  # the fault clears
    for _ in range(100):
        if message in sent:
            break
        await asyncio.sleep(0.1)
    stop.set()
    await asyncio.wait_for(task, timeout=5)
    assert message in sent


async def test_a_transient_failure_is_retried_in_order_and_never_dropped(
    api: httpx.Client,
    pair: tuple[TestUser, TestUser],
    make_poller: Callable[..., StreamPoller],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(stream_poller, "RETRY_BASE_SECONDS", 0.01)
    alice, bob = pair
    sent: list[str] = []
    outage = iter(range(4))  # the notification service answers 503 four times, then recovers

    def flaky(request: httpx.Request) -> httpx.Response:
        if next(outage, None) is not None:
            return httpx.Response(503, json={"error": {"code": "dependency_unavailable", "message": "down"}})
        sent.append(json.loads(request.content)["event_id"])
        return httpx.Response(202, json={"status": "stored"})

    poller = make_poller(flaky, stream_max_attempts=2)  # a 5xx is transient: the bound does not apply
    first = send(api, alice, "during the outage", handle=bob.handle)["uuid"]
    second = send(api, alice, "right after it", handle=bob.handle)["uuid"]

    await drain(poller, until=lambda: second in sent)

    assert sent.index(first) < sent.index(second), "in order"
    assert poller.stats.retries >= 4 and poller.stats.parked == 0
