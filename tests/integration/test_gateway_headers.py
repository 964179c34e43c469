"""Through the running gateway: proxied responses carry one Date, no duplicated Server, the headers."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from cruddur_common.security_headers import security_headers
from devstack.stack import LocalStack
from tests.support import TestUser

pytestmark = pytest.mark.integration


@pytest.mark.parametrize("path", ["/api/users/me", "/api/activities/home", "/docs/user/openapi.json"])
def test_a_proxied_response_has_each_header_once(
    stack: LocalStack, api: httpx.Client, make_user: Callable[..., TestUser], path: str
) -> None:
    response = api.get(path, headers=make_user().headers)
    assert response.status_code == 200, response.text
    assert response.headers.get_list("server") == [], "neither the service's nor the gateway's"
    assert len(response.headers.get_list("date")) == 1
    expected = security_headers(tls=False, connect_src=(stack.cfg.aws_url,))
    assert {k: response.headers.get_list(k) for k in expected} == {k: [v] for k, v in expected.items()}
