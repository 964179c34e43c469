"""Each service connects as its own database user, from its own rotated secret (issue 17 item 8).

The roles themselves (ownership of one schema each) are created by cruddur_common.db_roles, which the
data stack triggers on deploy; tests/integration/test_db_roles.py runs that code on the real Postgres.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from cruddur_common.db_roles import role_name
from cruddur_common.registry import load_registry
from cruddur_infra.needs import needs_for, postgres_schema
from tests.infra.support import Synth

DATA = "CruddurData"
POSTGRES = sorted(entry.name for entry in load_registry() if needs_for(entry).postgres)
DB_SETTINGS = ("DB_HOST", "DB_PORT", "DB_NAME", "DB_USER", "DB_PASSWORD")


def _resources(synth: Synth) -> dict[str, dict[str, Any]]:
    resources: dict[str, dict[str, Any]] = synth.templates[DATA]["Resources"]
    return resources


def _in_data(synth: Synth, value: Any) -> str:
    """The logical id in CruddurData that a value refers to (a Ref there, or an import of its export)."""
    if "Ref" in value:
        return str(value["Ref"])
    name = value["Fn::ImportValue"]
    (output,) = (
        o for o in synth.templates[DATA]["Outputs"].values() if o.get("Export", {}).get("Name") == name
    )
    return str(output["Value"]["Ref"])


def _generated(synth: Synth, logical_id: str) -> dict[str, Any]:
    """How a secret (or the one its attachment to the instance names) is generated."""
    resource = _resources(synth)[logical_id]
    if resource["Type"] == "AWS::SecretsManager::SecretTargetAttachment":
        assert resource["Properties"]["TargetType"] == "AWS::RDS::DBInstance"
        resource = _resources(synth)[resource["Properties"]["SecretId"]["Ref"]]
    return dict(resource["Properties"].get("GenerateSecretString", {}))


def _is_login(synth: Synth, logical_id: str) -> bool:
    """Whether a secret holds a database login (a username template), not a bare key like the HMAC ones."""
    resource = _resources(synth)[logical_id]
    return resource["Type"].startswith("AWS::SecretsManager::") and "SecretStringTemplate" in _generated(
        synth, logical_id
    )


def _login(synth: Synth, logical_id: str) -> str:
    """The username a secret (or its attachment to the instance) is generated with."""
    template = _generated(synth, logical_id)["SecretStringTemplate"]
    # {"username":"cruddur_user","masterarn":"<ref>"}: the literal parts alone are JSON too.
    text = (
        template
        if isinstance(template, str)
        else "".join(p for p in template["Fn::Join"][1] if isinstance(p, str))
    )
    return str(json.loads(text)["username"])


def _secret_of(synth: Synth, value_from: Any) -> str:
    """The secret an ECS `ValueFrom` (<arn>:<json key>::) reads."""
    parts = value_from["Fn::Join"][1]
    return _in_data(synth, parts[0])


def _task_db_secrets(synth: Synth) -> dict[str, set[str]]:
    """The logins behind every task definition's DB_* settings, by family."""
    found: dict[str, set[str]] = {}
    for task in synth.resources("CruddurCompute", "AWS::ECS::TaskDefinition").values():
        container = task["Properties"]["ContainerDefinitions"][0]
        plain = {pair["Name"] for pair in container.get("Environment", [])}
        assert not plain & set(DB_SETTINGS), f"{task['Properties']['Family']}: database settings in plain env"
        secrets = {
            s["Name"]: s["ValueFrom"] for s in container.get("Secrets", []) if s["Name"] in DB_SETTINGS
        }
        found[task["Properties"]["Family"]] = {_login(synth, _secret_of(synth, v)) for v in secrets.values()}
    return found


def test_every_postgres_service_has_its_own_secret_and_login(synth: Synth) -> None:
    secrets = synth.resources(DATA, "AWS::SecretsManager::Secret")
    names = {props["Properties"]["Name"]: logical for logical, props in secrets.items()}
    for name in POSTGRES:
        logical = names[f"cruddur/database/{name}"]
        assert _login(synth, logical) == role_name(name)


def test_each_task_reads_only_its_own_services_login(synth: Synth) -> None:
    logins = _task_db_secrets(synth)
    for family, used in logins.items():
        service = family.removeprefix("cruddur-").split("-")[0]
        if service in POSTGRES:
            assert used == {role_name(service)}, (family, used)
        else:
            assert used == set(), (family, used)


def _imports(value: Any) -> list[str]:
    """Every Fn::ImportValue name under a template value."""
    if isinstance(value, dict):
        if "Fn::ImportValue" in value and isinstance(value["Fn::ImportValue"], str):
            return [value["Fn::ImportValue"]]
        return [name for item in value.values() for name in _imports(item)]
    if isinstance(value, list):
        return [name for item in value for name in _imports(item)]
    return []


def _exported_ref(synth: Synth, name: str) -> str | None:
    """The logical id a CruddurData export refers to (None for an exported attribute)."""
    (output,) = (
        o for o in synth.templates[DATA]["Outputs"].values() if o.get("Export", {}).get("Name") == name
    )
    ref = output["Value"].get("Ref")
    return str(ref) if ref is not None else None


def test_nothing_outside_the_data_stack_reads_the_admin_secret(synth: Synth) -> None:
    for stack, template in synth.templates.items():
        names = [name for name in _imports(template) if name.startswith(f"{DATA}:")]
        refs = [_exported_ref(synth, name) for name in names]
        secrets = [ref for ref in refs if ref is not None]
        logins = {_login(synth, s) for s in secrets if _is_login(synth, s)}
        assert "cruddur_admin" not in logins, f"{stack} reads the admin login"


def test_every_database_secret_rotates_in_the_vpc(synth: Synth) -> None:
    schedules = synth.resources(DATA, "AWS::SecretsManager::RotationSchedule").values()
    rotated = {_login(synth, s["Properties"]["SecretId"]["Ref"]): s["Properties"] for s in schedules}
    assert set(rotated) == {"cruddur_admin", *(role_name(name) for name in POSTGRES)}
    apps = synth.resources(DATA, "AWS::Serverless::Application")
    mappings = synth.templates[DATA]["Mappings"]
    for login, schedule in rotated.items():
        assert schedule["RotationRules"]["ScheduleExpression"] == "rate(30 days)"
        app = apps[schedule["RotationLambdaARN"]["Fn::GetAtt"][0]]["Properties"]
        mapping = app["Location"]["ApplicationId"]["Fn::FindInMap"][0]
        application = mappings[mapping]["aws"]["applicationId"]
        # Services alternate users (a running task's login stays valid through the next rotation);
        # the admin, which nothing holds open, rotates in place.
        expected = "SingleUser" if login == "cruddur_admin" else "MultiUser"
        assert application.endswith(f"SecretsManagerRDSPostgreSQLRotation{expected}"), (login, application)
        params = app["Parameters"]
        assert "appSubnet" in json.dumps(params["vpcSubnetIds"]), "rotation needs the NAT to reach the API"
        assert "FunctionsSecurityGroup" in json.dumps(params["vpcSecurityGroupIds"])
        if expected == "MultiUser":
            assert _login(synth, _in_data(synth, params["masterSecretArn"])) == "cruddur_admin"


@pytest.fixture(scope="module")
def roles_function(synth: Synth) -> dict[str, Any]:
    (trigger,) = synth.resources(DATA, "Custom::Trigger").values()
    handler = trigger["Properties"]["HandlerArn"]["Ref"]
    version = _resources(synth)[handler]["Properties"]["FunctionName"]["Ref"]
    props: dict[str, Any] = _resources(synth)[version]["Properties"]
    assert trigger["Properties"]["ExecuteOnHandlerChange"] is True
    return props


def test_the_roles_are_created_on_deploy_as_the_admin(synth: Synth, roles_function: dict[str, Any]) -> None:
    assert roles_function["Handler"] == "cruddur_common.db_roles.handler"
    assert roles_function["VpcConfig"]["SubnetIds"]
    env = roles_function["Environment"]["Variables"]
    assert _login(synth, _in_data(synth, env["DB_SECRET_ARN"])) == "cruddur_admin"
    parts = env["DB_ROLES"]["Fn::Join"][1]
    text = "".join(
        p if isinstance(p, str) else json.dumps(_login(synth, _in_data(synth, p)))[1:-1] for p in parts
    )
    roles = json.loads(text)
    assert {name: spec["schema"] for name, spec in roles.items()} == {n: postgres_schema(n) for n in POSTGRES}
    assert {name: spec["secret_arn"] for name, spec in roles.items()} == {n: role_name(n) for n in POSTGRES}


def test_the_cognito_triggers_connect_as_the_user_service(synth: Synth) -> None:
    pool = next(iter(synth.resources("CruddurAuth", "AWS::Cognito::UserPool").values()))["Properties"]
    functions = synth.resources("CruddurAuth", "AWS::Lambda::Function")
    for trigger in ("PreSignUp", "PostConfirmation"):
        env = functions[pool["LambdaConfig"][trigger]["Fn::GetAtt"][0]]["Properties"]["Environment"]
        assert _login(synth, _in_data(synth, env["Variables"]["DB_SECRET_ARN"])) == role_name("user")
