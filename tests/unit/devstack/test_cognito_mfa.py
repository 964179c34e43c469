"""The local Cognito's TOTP check (RFC 6238 with one step of drift each way) and its Cognito-shaped errors."""

from __future__ import annotations

import time
from typing import Any

import httpx
import orjson
import pyotp
import pytest

from devstack.cognito_mfa import CognitoError, code_matches, text_param

SECRET = pyotp.random_base32()


@pytest.mark.parametrize("shift", [-30, 0, 30])
def test_a_code_of_now_or_one_step_either_side_passes(shift: int) -> None:
    assert code_matches(SECRET, pyotp.TOTP(SECRET).at(time.time() + shift))


@pytest.mark.parametrize("shift", [-120, -90, 90, 120])
def test_older_and_later_codes_do_not(shift: int) -> None:
    code = pyotp.TOTP(SECRET).at(time.time() + shift)
    near = {pyotp.TOTP(SECRET).at(time.time() + s) for s in (-30, 0, 30)}
    assert code in near or not code_matches(SECRET, code)  # a code may repeat across steps (1 in 10^6)


@pytest.mark.parametrize(
    "code", ["", "12345", "1234567", " 123456", "12345a", "١٢٣٤٥٦", 123456, None, ["123456"], "9" * 10_000]
)
def test_malformed_codes_never_pass(code: Any) -> None:
    assert not code_matches(SECRET, code)


def test_no_secret_no_pass() -> None:
    assert not code_matches(None, pyotp.TOTP(SECRET).now())


def test_a_code_of_another_secret_does_not_pass() -> None:
    other = pyotp.random_base32()
    assert other != SECRET
    code = pyotp.TOTP(other).now()
    assert code == pyotp.TOTP(SECRET).now() or not code_matches(SECRET, code)


@pytest.mark.parametrize("value", [None, "", 5, ["x"], {"a": 1}])
def test_a_missing_or_malformed_parameter_is_invalid(value: Any) -> None:
    with pytest.raises(CognitoError) as raised:
        text_param({"AccessToken": value}, "AccessToken")
    assert (raised.value.kind, raised.value.status) == ("InvalidParameterException", 400)


def test_errors_have_cognitos_shape() -> None:
    response = CognitoError("CodeMismatchException", "Invalid code received for user").response()
    assert response.status_code == 400
    assert response.media_type == "application/x-amz-json-1.1"
    assert orjson.loads(response.body) == {
        "__type": "CodeMismatchException",
        "message": "Invalid code received for user",
    }


@pytest.mark.parametrize(
    ("answered", "kind", "status"),
    [
        (
            httpx.Response(400, json={"__type": "NotAuthorizedException", "message": "x"}),
            "NotAuthorizedException",
            400,
        ),
        (httpx.Response(500, text="<!doctype html><title>500</title>"), "InternalErrorException", 500),
        (httpx.Response(400, json=["no", "type"]), "InternalErrorException", 500),
    ],
)
def test_moto_errors_pass_on_in_cognitos_shape(answered: httpx.Response, kind: str, status: int) -> None:
    error = CognitoError.from_upstream(answered)
    assert (error.kind, error.status) == (kind, status)
