"""The messaging stream Lambda's failure handling: partial batches, bisect, bounded retries, one DLQ."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.infra.support import Synth

STACK = "CruddurFunctions"
HANDLER = "messaging_service.lambdas.stream.handler"
STREAM_RETENTION_SECONDS = 24 * 3600


@pytest.fixture(scope="module")
def mapping(synth: Synth) -> dict[str, Any]:
    """The event source mapping of the messages table's stream."""
    (found,) = synth.resources(STACK, "AWS::Lambda::EventSourceMapping").values()
    props: dict[str, Any] = found["Properties"]
    return props


def _consumer(synth: Synth) -> tuple[str, dict[str, Any]]:
    functions = synth.resources(STACK, "AWS::Lambda::Function")
    (name,) = [n for n, f in functions.items() if f["Properties"].get("Handler") == HANDLER]
    return name, functions[name]["Properties"]


def _dead_letter_queue(mapping: dict[str, Any]) -> str:
    """The logical id of the queue the mapping's on-failure destination points at."""
    destination = mapping["DestinationConfig"]["OnFailure"]["Destination"]
    queue, attribute = destination["Fn::GetAtt"]
    assert attribute == "Arn"
    return str(queue)


def test_failures_are_reported_per_record_and_bisected_in_order(
    synth: Synth, mapping: dict[str, Any]
) -> None:
    name, _ = _consumer(synth)
    assert mapping["FunctionName"] == {"Ref": name}
    assert mapping["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert mapping["BisectBatchOnFunctionError"] is True
    assert mapping.get("ParallelizationFactor", 1) == 1, "one batch per shard at a time keeps DMs in order"


def test_retries_and_record_age_are_bounded_inside_the_stream_retention(mapping: dict[str, Any]) -> None:
    assert 0 < mapping["MaximumRetryAttempts"] <= 1000
    assert 60 <= mapping["MaximumRecordAgeInSeconds"] < STREAM_RETENTION_SECONDS


def test_the_handler_parks_poison_on_the_same_alarmed_dead_letter_queue(
    synth: Synth, mapping: dict[str, Any]
) -> None:
    queue = _dead_letter_queue(mapping)
    queues = synth.resources(STACK, "AWS::SQS::Queue")
    assert queue in queues
    assert queues[queue]["Properties"]["MessageRetentionPeriod"] == 14 * 24 * 3600
    _, consumer = _consumer(synth)
    assert consumer["Environment"]["Variables"]["STREAM_DEAD_LETTER_QUEUE"] == {"Ref": queue}
    assert consumer["Timeout"] >= 40, "the in-invocation backoff (lambdas/stream.py) needs the time"
    role = consumer["Role"]["Fn::GetAtt"][0]
    statements = [
        s
        for p in synth.resources(STACK, "AWS::IAM::Policy").values()
        if {"Ref": role} in p["Properties"]["Roles"]
        for s in p["Properties"]["PolicyDocument"]["Statement"]
    ]
    senders = [s for s in statements if "sqs:SendMessage" in json.dumps(s["Action"])]
    assert senders and all(s["Resource"] == {"Fn::GetAtt": [queue, "Arn"]} for s in senders)
    alarms = json.dumps(synth.resources("CruddurOps", "AWS::CloudWatch::Alarm"))
    assert "cruddur-stream-dlq-depth" in alarms


def test_the_messaging_service_may_count_the_parked_records_and_nothing_more(synth: Synth) -> None:
    statements = [
        statement
        for policy in synth.resources("CruddurCompute", "AWS::IAM::Policy").values()
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]
        if "sqs:GetQueueAttributes" in json.dumps(statement["Action"])
    ]
    assert len(statements) == 1, statements
    assert statements[0]["Action"] == "sqs:GetQueueAttributes"
    assert statements[0]["Resource"] != "*" and "Fn::ImportValue" in json.dumps(statements[0]["Resource"])
