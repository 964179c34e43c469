"""Issue 18 finding 2: a handle is reserved at sign-up (PreSignUp), consumed at confirmation, and a
confirmed sign-in whose handle went to someone else finishes its profile instead of a dead end."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from devstack import seed
from devstack.stack import LocalStack
from tests.integration.activity.support import Db
from tests.support import PASSWORD, TestUser, expect_error, sign_in, unique_handle

pytestmark = pytest.mark.integration


def _sign_up(stack: LocalStack, handle: str, email: str) -> httpx.Response:
    assert stack.aws is not None
    attributes = {"email": email, "name": handle.title(), "preferred_username": handle}
    payload: dict[str, Any] = {
        "ClientId": stack.aws.client_id,
        "Username": email,
        "Password": PASSWORD,
        "UserAttributes": [{"Name": k, "Value": v} for k, v in attributes.items()],
    }
    return seed.cognito(stack.cfg.gateway_url, "SignUp", payload)


def _confirm(stack: LocalStack, email: str) -> httpx.Response:
    assert stack.aws is not None
    payload = {"ClientId": stack.aws.client_id, "Username": email, "ConfirmationCode": "000000"}
    return seed.cognito(stack.cfg.gateway_url, "ConfirmSignUp", payload)


def _email(prefix: str) -> str:
    return f"{unique_handle(prefix)}@example.com"


def _reservations(db: Db, handle: str) -> list[Any]:
    return db.fetch(
        "SELECT email, reserved_until - requested_at AS held FROM handle_reservations WHERE handle = $1",
        handle.lower(),
    )


def test_a_second_sign_up_of_a_reserved_handle_is_refused(
    stack: LocalStack, api: httpx.Client, db: Db
) -> None:
    handle, first, second = unique_handle("race"), _email("a"), _email("b")
    assert _sign_up(stack, handle, first).status_code == 200  # A signs up and does not confirm yet
    (reservation,) = _reservations(db, handle)
    assert (reservation["email"], reservation["held"].total_seconds()) == (first, 24 * 3600)

    refused = _sign_up(stack, handle.upper(), second)  # B, the same handle in other letters
    assert refused.status_code == 400
    assert refused.json()["__type"] == "UserLambdaValidationException"
    assert f"The handle @{handle.upper()} is taken." in refused.json()["message"]

    assert _confirm(stack, first).status_code == 200
    assert stack.aws is not None
    token = sign_in(stack.cfg.gateway_url, stack.aws.client_id, first)
    me = api.get("/api/users/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200 and me.json()["handle"] == handle
    assert _reservations(db, handle) == [], "the confirmation consumes the reservation"


def test_the_same_person_signing_up_again_is_not_refused_for_its_own_handle(
    stack: LocalStack, db: Db
) -> None:
    handle, email = unique_handle("again"), _email("a")
    assert _sign_up(stack, handle, email).status_code == 200
    again = _sign_up(stack, handle, email)
    assert again.json()["__type"] == "UsernameExistsException", "Cognito's answer, not `taken`"
    assert [r["email"] for r in _reservations(db, handle)] == [email]


def test_a_lapsed_sign_up_reservation_frees_the_handle(stack: LocalStack, db: Db) -> None:
    handle = unique_handle("lapse")
    assert _sign_up(stack, handle, _email("a")).status_code == 200
    db.execute(
        "UPDATE handle_reservations SET reserved_until = now() - interval '1 second' WHERE handle = $1",
        handle.lower(),
    )
    later = _email("b")
    assert _sign_up(stack, handle, later).status_code == 200
    assert [r["email"] for r in _reservations(db, handle)] == [later]


def test_a_confirmed_sign_in_without_a_profile_chooses_another_handle(
    stack: LocalStack, api: httpx.Client, db: Db
) -> None:
    assert stack.aws is not None
    handle, late, early = unique_handle("lost"), _email("a"), _email("b")
    assert _sign_up(stack, handle, late).status_code == 200
    db.execute("DELETE FROM handle_reservations WHERE handle = $1", handle.lower())  # older data: none
    seed.sign_up(stack.cfg.gateway_url, stack.aws.client_id, seed.DemoUser(handle, "Early", early), PASSWORD)
    failed = _confirm(stack, late)  # confirmed in Cognito, but the handle is someone else's
    assert "The handle" in failed.text and "is taken" in failed.text
    headers = {"Authorization": f"Bearer {sign_in(stack.cfg.gateway_url, stack.aws.client_id, late)}"}

    expect_error(api.get("/api/users/me", headers=headers), 409, "profile_incomplete")
    expect_error(
        api.post("/api/users/me/profile", json={"handle": handle}, headers=headers), 409, "handle_taken"
    )
    expect_error(api.post("/api/users/me/profile", json={"handle": "no spaces!"}, headers=headers), 422)
    expect_error(api.post("/api/users/me/profile", json={"handle": "x" * 5000}, headers=headers), 422)
    chosen = unique_handle("found")
    created = api.post("/api/users/me/profile", json={"handle": chosen}, headers=headers)
    assert created.status_code == 201, created.text
    assert (created.json()["handle"], created.json()["display_name"]) == (chosen, handle.title())
    again = api.post("/api/users/me/profile", json={"handle": unique_handle("other")}, headers=headers)
    assert (again.status_code, again.json()["handle"]) == (200, chosen), "an existing profile is kept"
    assert api.get("/api/users/me", headers=headers).json()["handle"] == chosen
    expect_error(api.post("/api/users/me/profile", json={"handle": chosen}), 401)


def test_an_existing_account_signing_up_again_reserves_nothing(
    stack: LocalStack, db: Db, make_user: Callable[..., TestUser]
) -> None:
    # as `make run` re-seeds its demo users: a reservation left here would outlive the account's own
    user = make_user()
    assert _sign_up(stack, user.handle, user.email).json()["__type"] == "UsernameExistsException"
    assert _reservations(db, user.handle) == []
