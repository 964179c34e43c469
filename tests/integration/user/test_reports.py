"""Reports: who may report what, validation, one open report per reporter and target, evidence holds."""

from __future__ import annotations

import json
import os
import signal
import threading
import uuid
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from devstack.stack import LocalStack
from tests.integration.activity.support import Db, purge
from tests.integration.user.safety import post, report
from tests.support import TestUser, expect_error

pytestmark = pytest.mark.integration


def _uuid(api: httpx.Client, user: TestUser) -> str:
    return str(api.get(f"/api/users/@{user.handle}/short").json()["uuid"])


def _reports_of(db: Db, reporter: TestUser) -> list[Any]:
    return db.fetch(
        "SELECT r.* FROM users.reports r JOIN users.users u ON u.uuid = r.reporter_uuid WHERE u.handle = $1",
        reporter.handle,
    )


def test_report_a_user_once_while_it_is_open(
    api: httpx.Client, safety_api: httpx.Client, make_user: Callable[..., TestUser], db: Db
) -> None:
    reporter, other_reporter, target = make_user(), make_user(), make_user()
    target_id = _uuid(api, target)
    first = report(safety_api, reporter, "user", target_id, comment="  keeps insulting me  ")
    assert first.status_code == 201, first.text
    body = first.json()
    assert set(body) == {"id", "status", "created_at"} and body["status"] == "open"
    again = report(safety_api, reporter, "user", target_id, category="spam")
    assert again.status_code == 200 and again.json() == body  # the first one, unchanged
    other = report(safety_api, other_reporter, "user", target_id)
    assert other.status_code == 201 and other.json()["id"] != body["id"]
    [row] = _reports_of(db, reporter)
    assert (row["category"], row["comment"], row["target_type"]) == (
        "harassment",
        "keeps insulting me",
        "user",
    )
    assert str(row["target_user_uuid"]) == target_id and row["hold_until"] is None  # nothing to hold
    assert json.loads(row["content"])["handle"] == target.handle  # the profile as it was


def test_concurrent_reports_of_one_target_make_one_report(
    api: httpx.Client, safety_url: str, make_user: Callable[..., TestUser], db: Db
) -> None:
    reporter, target = make_user(), make_user()
    target_id = _uuid(api, target)
    answers: list[httpx.Response] = []

    def send() -> None:
        with httpx.Client(base_url=safety_url, timeout=30) as client:
            answers.append(report(client, reporter, "user", target_id))

    threads = [threading.Thread(target=send) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(a.status_code for a in answers) == [200] * 5 + [201], [a.text for a in answers]
    assert len({a.json()["id"] for a in answers}) == 1
    assert len(_reports_of(db, reporter)) == 1


@pytest.mark.parametrize(
    ("change", "status", "code"),
    [
        ({"category": "rude"}, 422, "validation_error"),
        ({"target": {"type": "post", "id": "00000000-0000-4000-8000-000000000000"}}, 422, "validation_error"),
        ({"target": {"type": "user", "id": "not-a-uuid"}}, 422, "validation_error"),
        ({"target": {"type": "user"}}, 422, "validation_error"),
        ({"comment": "x" * 1001}, 422, "comment_too_long"),
        ({"comment": "look \u202e here"}, 422, "bidi_control"),
        ({"comment": 5}, 422, "validation_error"),
        ({"target": {"type": "user", "id": str(uuid.UUID(int=1))}}, 404, "user_not_found"),
        ({"target": {"type": "crud", "id": str(uuid.UUID(int=2))}}, 404, "not_found"),
        ({"target": {"type": "message", "id": str(uuid.UUID(int=3))}}, 404, "not_found"),
    ],
)
def test_bad_reports_are_refused_and_write_nothing(
    api: httpx.Client,
    safety_api: httpx.Client,
    make_user: Callable[..., TestUser],
    db: Db,
    change: dict[str, Any],
    status: int,
    code: str,
) -> None:
    reporter, target = make_user(), make_user()
    body = {"target": {"type": "user", "id": _uuid(api, target)}, "category": "spam", **change}
    expect_error(safety_api.post("/api/reports", json=body, headers=reporter.headers), status, code)
    assert _reports_of(db, reporter) == []


def test_a_comment_of_1000_characters_after_trimming_is_fine(
    api: httpx.Client, safety_api: httpx.Client, make_user: Callable[..., TestUser]
) -> None:
    reporter, target = make_user(), make_user()
    response = report(safety_api, reporter, "user", _uuid(api, target), comment=f"  {'x' * 1000}\n")
    assert response.status_code == 201, response.text


def test_who_may_report(
    api: httpx.Client, safety_api: httpx.Client, make_user: Callable[..., TestUser]
) -> None:
    me = make_user()
    expect_error(report(safety_api, me, "user", _uuid(api, me)), 422, "cannot_report_self")
    body = {"target": {"type": "user", "id": _uuid(api, me)}, "category": "spam"}
    expect_error(safety_api.post("/api/reports", json=body), 401, "not_authenticated")


def test_activity_down_is_a_503_and_writes_nothing(
    stack: LocalStack, safety_api: httpx.Client, make_user: Callable[..., TestUser], db: Db
) -> None:
    reporter = make_user()
    activity = next(child for child in stack.children if child.name == "activity")
    assert activity.proc is not None
    # Frozen, not stopped: its socket still accepts, nothing answers (the internal call times out), and
    # it is back at once afterwards (a restart takes a minute on a busy machine).
    os.killpg(activity.proc.pid, signal.SIGSTOP)
    try:
        response = report(safety_api, reporter, "crud", str(uuid.uuid4()))
    finally:
        os.killpg(activity.proc.pid, signal.SIGCONT)
    error = expect_error(response, 503, "dependency_unavailable")
    assert error["details"] == {"dependency": "activity"} and response.headers["retry-after"]
    assert _reports_of(db, reporter) == []


# --- crud and message targets: need the activity and messaging sides of the hold contract ------------------


def test_report_a_crud_holds_it_past_expiry_and_keeps_its_snapshot(
    stack: LocalStack, api: httpx.Client, safety_api: httpx.Client, make_user: Callable[..., TestUser], db: Db
) -> None:
    author, reporter = make_user(), make_user()
    crud = post(api, author, "something nasty")
    created = report(safety_api, reporter, "crud", crud["uuid"], category="spam")
    assert created.status_code == 201, created.text
    [row] = _reports_of(db, reporter)
    assert row["hold_until"] is not None and (row["hold_until"] - row["created_at"]).days == 90
    assert "something nasty" in row["content"] and str(row["target_user_uuid"]) == _uuid(api, author)
    db.expire(crud["uuid"])
    purge(stack)
    assert db.fetch("SELECT uuid FROM activities WHERE uuid = $1::uuid", crud["uuid"]), "held past expiry"
    page = api.get(f"/api/activities/@{author.handle}/status/{crud['uuid']}")
    expect_error(page, 404, "activity_not_found")  # hidden from everyone, as if expired


def test_a_crud_of_someone_who_blocked_you_or_gone_cannot_be_reported(
    api: httpx.Client, safety_api: httpx.Client, make_user: Callable[..., TestUser]
) -> None:
    author, reporter = make_user(), make_user()
    crud = post(api, author)
    assert api.delete(f"/api/activities/{crud['uuid']}", headers=author.headers).status_code in (200, 204)
    expect_error(report(safety_api, reporter, "crud", crud["uuid"]), 404, "not_found")


def test_only_a_member_can_report_a_message_and_its_context_is_kept(
    api: httpx.Client, safety_api: httpx.Client, make_user: Callable[..., TestUser], db: Db
) -> None:
    sender, recipient, outsider = make_user(), make_user(), make_user()
    group = None
    for n in range(12):
        body: dict[str, Any] = {"message": f"message {n}"}
        body.update({"message_group_uuid": group} if group else {"handle": recipient.handle})
        sent = api.post("/api/messages", json=body, headers=sender.headers)
        assert sent.status_code in (200, 201), sent.text
        group = sent.json()["message_group_uuid"]
    last = sent.json()["uuid"]
    expect_error(report(safety_api, outsider, "message", last), 404, "not_found")
    assert report(safety_api, recipient, "message", last).status_code == 201
    [row] = _reports_of(db, recipient)
    assert "message 11" in row["content"] and row["hold_until"] is not None
    assert 'message 1"' in row["context"] and 'message 0"' not in row["context"]  # the 10 before it
