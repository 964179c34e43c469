"""Schemathesis over every service's public API, through the gateway, with a valid access token."""

from __future__ import annotations

import httpx
import pytest
import schemathesis
from schemathesis.config import SchemathesisConfig

from cruddur_common.registry import load_registry
from devstack.config import ROOT
from tests.support import create_user

pytestmark = pytest.mark.integration

OPENAPI_DIR = ROOT / "frontend-react-js" / "openapi"
SERVICES = [entry.name for entry in load_registry()]
# Not public (never routed; liveness/readiness are called on the target) or long-lived (the SSE stream).
EXCLUDED_PATHS = r"^/internal/|^/health$|^/ready$|^/api/notifications/stream$"
CHECKS = [
    schemathesis.checks.not_a_server_error,
    schemathesis.checks.status_code_conformance,
    schemathesis.checks.response_schema_conformance,
]
# Bounded and reproducible: a fixed seed, derandomized, few examples per operation, no shrinking.
CONFIG = {
    "seed": 12,
    "request-timeout": 10,
    "generation": {
        "max-examples": 10,
        "deterministic": True,
        "no-shrink": True,
        "database": "none",
        "with-security-parameters": False,
    },
    "phases": {"stateful": {"enabled": False}},
}


def _schema(service: str) -> schemathesis.BaseSchema:
    """A service's committed OpenAPI document (test_openapi_fresh holds it equal to the app's)."""
    config = SchemathesisConfig.from_dict(CONFIG)
    schema = schemathesis.openapi.from_path(OPENAPI_DIR / f"{service}.json", config=config)
    # Deleting the account would delete the one user every other generated request signs in as
    # (tests/integration/user/test_account_deletion.py covers that route).
    return schema.exclude(path_regex=EXCLUDED_PATHS).exclude(method="DELETE", path="/api/users/me")


schemas = schemathesis.pytest.parametrize(**{name: _schema(name) for name in SERVICES})


@pytest.fixture(scope="module")
def auth_headers(gateway_url: str, client_id: str) -> dict[str, str]:
    """One signed-in user for every generated request."""
    return create_user(gateway_url, client_id).headers


@pytest.mark.parametrize("service", SERVICES)
def test_gateway_serves_the_document_under_test(api: httpx.Client, service: str) -> None:
    response = api.get(f"/docs/{service}/openapi.json")
    assert response.status_code == 200, response.text
    assert response.json() == _schema(service).raw_schema


@schemas
def test_public_api_conforms_to_its_openapi(
    case: schemathesis.Case, gateway_url: str, auth_headers: dict[str, str]
) -> None:
    case.call_and_validate(base_url=gateway_url, headers=auth_headers, checks=CHECKS)
