"""Issue 12 finding 6 in AWS: one generated INTERNAL_SECRET, injected into every task, read by the Lambdas."""

from __future__ import annotations

import json
from typing import Any

from tests.infra.support import Synth
from tests.infra.test_security import _import_to_resource

CALLING_LAMBDAS = (
    "user_service.lambdas.avatar_processor.handler",
    "messaging_service.lambdas.stream.handler",
)


def _internal_secret(synth: Synth) -> tuple[str, dict[str, Any]]:
    secrets = synth.resources("CruddurData", "AWS::SecretsManager::Secret")
    (found,) = [(k, v) for k, v in secrets.items() if v["Properties"].get("Name") == "cruddur/internal"]
    return found


def test_the_internal_secret_is_generated_not_written_down(synth: Synth) -> None:
    _, secret = _internal_secret(synth)
    generated = secret["Properties"]["GenerateSecretString"]
    assert generated["PasswordLength"] >= 32 and "SecretString" not in secret["Properties"]


def test_every_task_definition_gets_it_as_a_secret(synth: Synth) -> None:
    logical, _ = _internal_secret(synth)
    tasks = synth.resources("CruddurCompute", "AWS::ECS::TaskDefinition")
    assert tasks
    for name, task in tasks.items():
        for container in task["Properties"]["ContainerDefinitions"]:
            secrets = {s["Name"]: s["ValueFrom"] for s in container.get("Secrets", [])}
            assert "INTERNAL_SECRET" in secrets, name
            assert _import_to_resource(synth, secrets["INTERNAL_SECRET"])[0] == logical, name
            env = {e["Name"] for e in container.get("Environment", [])}
            assert "INTERNAL_SECRET" not in env, name  # never a plain environment value


def _functions(synth: Synth) -> dict[str, dict[str, Any]]:
    functions = {**synth.resources("CruddurFunctions", "AWS::Lambda::Function")}
    return {f["Properties"]["Handler"]: f for f in functions.values() if "Handler" in f["Properties"]}


def test_the_lambdas_that_call_internal_routes_read_it_by_arn_with_a_grant(synth: Synth) -> None:
    logical, _ = _internal_secret(synth)
    functions = _functions(synth)
    policies = synth.resources("CruddurFunctions", "AWS::IAM::Policy").values()
    for handler in CALLING_LAMBDAS:
        props = functions[handler]["Properties"]
        env = props["Environment"]["Variables"]
        assert "INTERNAL_SECRET" not in env, handler  # a resolved value would be readable in the config
        arn = env["INTERNAL_SECRET_ARN"]
        assert _import_to_resource(synth, arn)[0] == logical, handler
        role = props["Role"]["Fn::GetAtt"][0]
        granted = [
            statement
            for policy in policies
            if {"Ref": role} in policy["Properties"]["Roles"]
            for statement in policy["Properties"]["PolicyDocument"]["Statement"]
            if statement.get("Resource") == arn
        ]
        assert any("secretsmanager:GetSecretValue" in json.dumps(s["Action"]) for s in granted), handler


def test_no_other_function_can_read_it(synth: Synth) -> None:
    logical, _ = _internal_secret(synth)
    for stack, template in synth.templates.items():
        for name, resource in template["Resources"].items():
            if resource["Type"] != "AWS::IAM::Policy":
                continue
            text = json.dumps(resource["Properties"]["PolicyDocument"])
            if logical in text and stack == "CruddurFunctions":
                roles = json.dumps(resource["Properties"]["Roles"])
                assert "AvatarProcessor" in roles or "MessagingStream" in roles, name
            if stack == "CruddurAuth":
                assert logical not in text, (
                    name
                )  # post-confirmation writes Postgres; it calls no internal route
