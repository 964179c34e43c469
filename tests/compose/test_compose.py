"""docker-compose.yml and the Dockerfiles agree with the routing registry (validated, not run)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from cruddur_common.registry import ServiceEntry, load_registry
from cruddur_infra.needs import needs_for

ROOT = Path(__file__).resolve().parents[2]
REGISTRY = load_registry()


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    """The parsed compose file (YAML anchors and merge keys resolved)."""
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))


def _env(service: dict[str, Any]) -> dict[str, str]:
    env = service.get("environment", {})
    return dict(item.split("=", 1) for item in env) if isinstance(env, list) else dict(env)


def test_stack_has_datastores_emulator_gateway_frontend_and_every_service(compose: dict[str, Any]) -> None:
    names = set(compose["services"])
    assert {"postgres", "redis", "aws", "gateway", "frontend"} | {e.name for e in REGISTRY} == names
    assert "127.0.0.1:4566:4566" in compose["services"]["aws"]["ports"]
    assert "ports" not in compose["services"]["redis"]  # reached by the services only


@pytest.mark.parametrize("entry", REGISTRY, ids=lambda e: e.name)
def test_every_service_shares_redis(compose: dict[str, Any], entry: ServiceEntry) -> None:
    """Rate-limit counters and live fan-out are shared through Redis, as in a multi-task deploy."""
    service = compose["services"][entry.name]
    assert _env(service)["REDIS_URL"] == "redis://redis:6379/0"
    assert service["depends_on"]["redis"] == {"condition": "service_healthy"}


@pytest.mark.parametrize("entry", REGISTRY, ids=lambda e: e.name)
def test_each_service_builds_the_shared_image_on_its_registry_port(
    compose: dict[str, Any], entry: ServiceEntry
) -> None:
    service = compose["services"][entry.name]
    assert service["build"]["dockerfile"] == "docker/service.Dockerfile"
    assert service["build"]["args"]["SERVICE"] == entry.name
    assert service["ports"] == [f"127.0.0.1:{entry.port}:{entry.port}"]
    env = _env(service)
    assert ({"DB_HOST", "DB_NAME", "DB_USER", "DB_PASSWORD"} <= env.keys()) is needs_for(entry).postgres
    assert ("MESSAGES_TABLE" in env) is needs_for(entry).messages_table


def test_every_caller_reaches_peers_at_their_registry_address(compose: dict[str, Any]) -> None:
    for name in [e.name for e in REGISTRY] + ["gateway"]:
        env = _env(compose["services"][name])
        for peer in REGISTRY:
            assert env[f"{peer.name.upper()}_URL"] == f"http://{peer.name}:{peer.port}", (name, peer.name)


def test_gateway_runs_the_devstack_gateway_in_front_of_all_services(compose: dict[str, Any]) -> None:
    gateway = compose["services"]["gateway"]
    assert gateway["command"] == ["python", "-m", "devstack", "gateway"]
    assert set(gateway["depends_on"]) == {e.name for e in REGISTRY}
    assert compose["services"]["frontend"]["environment"]["CRUDDUR_API_UPSTREAM"] == "http://gateway:8080"


def _published(compose: dict[str, Any]) -> dict[str, list[tuple[str, str]]]:
    """Each service's published (host address, host port); address "" means every interface."""
    published: dict[str, list[tuple[str, str]]] = {}
    for name, service in compose["services"].items():
        for port in service.get("ports", []):
            assert isinstance(port, str), (name, port)  # the short syntax only, so this reading is complete
            parts = port.split(":")
            address = parts[0] if len(parts) == 3 else ""
            published.setdefault(name, []).append((address, parts[-2]))
    return published


def test_host_ports_do_not_collide(compose: dict[str, Any]) -> None:
    host_ports = [port for ports in _published(compose).values() for _, port in ports]
    assert len(host_ports) == len(set(host_ports))


def test_only_the_frontend_and_gateway_listen_beyond_this_machine(compose: dict[str, Any]) -> None:
    """Issue 12 finding 6: service ports on every interface let anyone on the network call /internal."""
    public = {
        name for name, ports in _published(compose).items() for address, _ in ports if address != "127.0.0.1"
    }
    assert public == {"frontend", "gateway"}


def test_every_process_gets_the_internal_secret_and_none_has_a_default(compose: dict[str, Any]) -> None:
    for name in [e.name for e in REGISTRY] + ["gateway"]:
        value = _env(compose["services"][name])["INTERNAL_SECRET"]
        assert value.startswith("${INTERNAL_SECRET:?"), (name, value)  # required: compose refuses without it


def test_service_dockerfile_is_parameterised_slim_non_root_and_healthchecked() -> None:
    text = (ROOT / "docker" / "service.Dockerfile").read_text(encoding="utf-8")
    assert "ARG SERVICE" in text
    assert re.search(r"FROM python:\$\{PYTHON_VERSION\}-slim\S* AS runtime", text)
    assert "uv sync --frozen --no-dev" in text and '--package "${PACKAGE}"' in text
    assert "USER 10001" in text
    assert "HEALTHCHECK" in text and "/health" in text
    assert "--proxy-headers" in text and "--factory" in text


def test_frontend_image_serves_the_built_spa_with_fallback() -> None:
    dockerfile = (ROOT / "docker" / "frontend.Dockerfile").read_text(encoding="utf-8")
    nginx = (ROOT / "docker" / "nginx.conf.template").read_text(encoding="utf-8")
    assert "npm run build" in dockerfile and "nginx-unprivileged" in dockerfile
    assert "try_files $uri $uri/ /index.html" in nginx
    assert "location /api/" in nginx


def test_cognito_ids_match_what_the_emulator_creates(
    compose: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The hashed ids in the compose file are the ones a bootstrap of the pinned moto really yields."""
    from moto.server import ThreadedMotoServer

    from devstack.aws_bootstrap import bootstrap

    for key, value in _env(compose["services"]["aws"]).items():
        monkeypatch.setenv(key, value)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        resources = bootstrap(f"http://{host}:{port}")
    finally:
        server.stop()
    image = compose["services"]["aws"]["image"]
    assert image.endswith(":5.2.5")  # the version in uv.lock
    for name in [e.name for e in REGISTRY] + ["gateway"]:
        env = _env(compose["services"][name])
        assert env["COGNITO_USER_POOL_ID"] == resources.user_pool_id, name
        assert env["COGNITO_CLIENT_ID"] == resources.client_id, name
        assert env["COGNITO_JWKS_URL"] == f"http://aws:4566/{resources.user_pool_id}/.well-known/jwks.json"


def test_postgres_services_migrate_on_start(compose: dict[str, Any]) -> None:
    for entry in REGISTRY:
        env = _env(compose["services"][entry.name])
        assert (env.get("MIGRATE_ON_START") == "true") is needs_for(entry).postgres
