"""Moderation: moderators only, the queue, dismiss/remove/suspend, unsuspend, the audit log."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from devstack import seed
from devstack.stack import LocalStack
from tests.integration.activity.support import Db, purge
from tests.integration.user.safety import post, queue, report, resolve
from tests.support import PASSWORD, TestUser, expect_error

pytestmark = pytest.mark.integration


def _uuid(api: httpx.Client, user: TestUser) -> str:
    return str(api.get(f"/api/users/@{user.handle}/short").json()["uuid"])


def _report_user(api: httpx.Client, safety_api: httpx.Client, reporter: TestUser, target: TestUser) -> str:
    response = report(safety_api, reporter, "user", _uuid(api, target), comment="please look")
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def _audit(safety_api: httpx.Client, moderator: TestUser) -> list[dict[str, Any]]:
    page = safety_api.get("/api/moderation/audit", params={"limit": 100}, headers=moderator.headers)
    assert page.status_code == 200, page.text
    return list(page.json()["items"])


def _sign_in(gateway_url: str, client_id: str, user: TestUser) -> httpx.Response:
    return seed.cognito(
        gateway_url,
        "InitiateAuth",
        {
            "ClientId": client_id,
            "AuthFlow": "USER_PASSWORD_AUTH",
            "AuthParameters": {"USERNAME": user.email, "PASSWORD": PASSWORD},
        },
    )


def test_only_moderators_reach_moderation(
    api: httpx.Client, safety_api: httpx.Client, make_user: Callable[..., TestUser], make_moderator
) -> None:
    someone, moderator = make_user(), make_moderator()
    assert api.get("/api/users/me", headers=someone.headers).json()["moderator"] is False
    assert api.get("/api/users/me", headers=moderator.headers).json()["moderator"] is True
    report_id = "00000000-0000-4000-8000-000000000000"
    calls = [
        ("GET", "/api/moderation/reports", None),
        ("GET", "/api/moderation/reports?status=resolved", None),
        ("GET", "/api/moderation/audit", None),
        ("POST", f"/api/moderation/reports/{report_id}/resolve", {"action": "dismiss"}),
        ("POST", f"/api/moderation/users/@{moderator.handle}/unsuspend", None),
    ]
    for method, path, body in calls:
        expect_error(safety_api.request(method, path, json=body, headers=someone.headers), 403, "forbidden")
        expect_error(safety_api.request(method, path, json=body), 401, "not_authenticated")
    expect_error(resolve(safety_api, moderator, report_id, "dismiss"), 404, "report_not_found")


def test_the_queue_shows_open_reports_oldest_first_with_their_content(
    api: httpx.Client, safety_api: httpx.Client, make_user: Callable[..., TestUser], make_moderator
) -> None:
    moderator, reporter, first, second = make_moderator(), make_user(), make_user(), make_user()
    ids = [_report_user(api, safety_api, reporter, target) for target in (first, second)]
    mine = [r for r in queue(safety_api, moderator) if r["id"] in ids]
    assert [r["id"] for r in mine] == ids
    item = mine[0]
    assert item["status"] == "open" and item["category"] == "harassment" and item["comment"] == "please look"
    assert item["reporter"] == {"uuid": _uuid(api, reporter), "handle": reporter.handle}
    assert item["target"]["type"] == "user" and item["target"]["id"] == _uuid(api, first)
    assert item["target"]["user"]["handle"] == first.handle
    assert item["content"]["handle"] == first.handle and item["context"] == []
    assert item["resolution"] is None
    page = safety_api.get("/api/moderation/reports", params={"limit": 1}, headers=moderator.headers).json()
    assert len(page["items"]) == 1 and page["next_cursor"]
    other_list = {"status": "resolved", "cursor": page["next_cursor"]}
    response = safety_api.get("/api/moderation/reports", params=other_list, headers=moderator.headers)
    expect_error(response, 400, "invalid_cursor")
    expect_error(
        safety_api.get("/api/moderation/reports", params={"status": "all"}, headers=moderator.headers), 422
    )


def test_dismiss_resolves_once_and_is_audited(
    api: httpx.Client, safety_api: httpx.Client, make_user: Callable[..., TestUser], make_moderator
) -> None:
    moderator, reporter, target = make_moderator(), make_user(), make_user()
    report_id = _report_user(api, safety_api, reporter, target)
    done = resolve(safety_api, moderator, report_id, "dismiss", note="  not harassment  ")
    assert done.status_code == 200, done.text
    resolution = done.json()["resolution"]
    assert done.json()["status"] == "resolved"
    assert (resolution["action"], resolution["note"]) == ("dismiss", "not harassment")
    assert resolution["moderator"] == {"uuid": _uuid(api, moderator), "handle": moderator.handle}
    expect_error(resolve(safety_api, moderator, report_id, "suspend"), 409, "already_resolved")
    resolved = [r for r in queue(safety_api, moderator, "resolved") if r["id"] == report_id]
    assert resolved and resolved[0]["resolution"]["action"] == "dismiss"
    assert report_id not in {r["id"] for r in queue(safety_api, moderator)}
    entry = _audit(safety_api, moderator)[0]
    assert (
        entry["report_id"] == report_id and entry["action"] == "dismiss" and entry["note"] == "not harassment"
    )
    assert entry["moderator"]["handle"] == moderator.handle and entry["user"]["handle"] == target.handle
    again = report(safety_api, reporter, "user", _uuid(api, target))  # resolved: a new report may be opened
    assert again.status_code == 201 and again.json()["id"] != report_id


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"action": "remove"}, 422, "nothing_to_remove"),  # a user report has no content to remove
        ({"action": "ban"}, 422, "validation_error"),
        ({"action": "dismiss", "note": "n" * 1001}, 422, "note_too_long"),
        ({}, 422, "validation_error"),
    ],
)
def test_bad_resolutions_change_nothing(
    api: httpx.Client,
    safety_api: httpx.Client,
    make_user: Callable[..., TestUser],
    make_moderator,
    body: dict[str, Any],
    status: int,
    code: str,
) -> None:
    moderator, reporter, target = make_moderator(), make_user(), make_user()
    report_id = _report_user(api, safety_api, reporter, target)
    path = f"/api/moderation/reports/{report_id}/resolve"
    expect_error(safety_api.post(path, json=body, headers=moderator.headers), status, code)
    assert report_id in {r["id"] for r in queue(safety_api, moderator)}
    expect_error(
        safety_api.post("/api/moderation/reports/nope/resolve", json=body, headers=moderator.headers), 422
    )


def test_suspend_and_unsuspend(
    api: httpx.Client,
    safety_api: httpx.Client,
    gateway_url: str,
    client_id: str,
    make_user: Callable[..., TestUser],
    make_moderator,
    held: Db,  # the outbox delivers nothing meanwhile: its events stay to be read
) -> None:
    moderator, reporter, target = make_moderator(), make_user(), make_user()
    report_id = _report_user(api, safety_api, reporter, target)
    done = resolve(safety_api, moderator, report_id, "suspend", note="threats")
    assert done.status_code == 200, done.text
    # Cognito refuses the sign-in; the token they still hold is refused by the user service
    refused = _sign_in(gateway_url, client_id, target)
    assert refused.status_code == 400 and "NotAuthorizedException" in refused.text, refused.text
    expect_error(api.get("/api/users/me", headers=target.headers), 403, "suspended")
    expect_error(report(safety_api, target, "user", _uuid(api, reporter)), 403, "suspended")
    [row] = held.fetch("SELECT suspended FROM users.users WHERE handle = $1", target.handle)
    assert row["suspended"] is True
    target_uuid = _uuid(api, target)
    events = [
        (r["destination"], json.loads(r["body"]))
        for r in held.fetch("SELECT destination, body FROM users.outbox ORDER BY id")
        + held.fetch("SELECT destination, body FROM users.outbox_parked ORDER BY id")
    ]
    suspension = {"type": "suspension", "user": target_uuid, "suspended": True}
    assert ("relations", suspension) in events and ("activity", suspension) in events
    entry = _audit(safety_api, moderator)[0]
    assert (entry["action"], entry["report_id"], entry["user"]["handle"]) == (
        "suspend",
        report_id,
        target.handle,
    )

    unsuspend = f"/api/moderation/users/@{target.handle}/unsuspend"
    lifted = safety_api.post(unsuspend, json={"note": "appeal granted"}, headers=moderator.headers)
    assert lifted.status_code == 204, lifted.text
    assert _sign_in(gateway_url, client_id, target).status_code == 200
    assert api.get("/api/users/me", headers=target.headers).status_code == 200
    entry = _audit(safety_api, moderator)[0]
    assert (entry["action"], entry["report_id"], entry["note"]) == ("unsuspend", None, "appeal granted")
    assert entry["user"]["handle"] == target.handle
    assert safety_api.post(unsuspend, headers=moderator.headers).status_code == 204  # idempotent
    assert _audit(safety_api, moderator)[0]["id"] == entry["id"]  # and nothing happened to audit
    expect_error(
        safety_api.post("/api/moderation/users/@nobody_zz_here/unsuspend", headers=moderator.headers), 404
    )


def test_a_moderator_cannot_suspend_themselves(
    api: httpx.Client, safety_api: httpx.Client, make_user: Callable[..., TestUser], make_moderator
) -> None:
    moderator, reporter = make_moderator(), make_user()
    report_id = _report_user(api, safety_api, reporter, moderator)
    expect_error(resolve(safety_api, moderator, report_id, "suspend"), 422, "cannot_suspend_self")
    assert api.get("/api/users/me", headers=moderator.headers).status_code == 200


def test_the_audit_log_pages_newest_first(
    api: httpx.Client, safety_api: httpx.Client, make_user: Callable[..., TestUser], make_moderator
) -> None:
    moderator, reporter = make_moderator(), make_user()
    ids = [_report_user(api, safety_api, reporter, make_user()) for _ in range(3)]
    for report_id in ids:
        assert resolve(safety_api, moderator, report_id, "dismiss").status_code == 200
    first = safety_api.get("/api/moderation/audit", params={"limit": 2}, headers=moderator.headers).json()
    rest = safety_api.get(
        "/api/moderation/audit",
        params={"limit": 1, "cursor": first["next_cursor"]},
        headers=moderator.headers,
    ).json()
    assert [e["report_id"] for e in first["items"] + rest["items"]] == ids[::-1]
    bad = safety_api.get("/api/moderation/audit", params={"cursor": "x"}, headers=moderator.headers)
    expect_error(bad, 400, "invalid_cursor")


# --- crud and message targets: need the activity and messaging sides of the hold contract ------------------


def test_remove_deletes_the_crud_for_everyone(
    api: httpx.Client, safety_api: httpx.Client, make_user: Callable[..., TestUser], make_moderator, db: Db
) -> None:
    moderator, author, reporter = make_moderator(), make_user(), make_user()
    crud = post(api, author, "remove me")
    report_id = report(safety_api, reporter, "crud", crud["uuid"]).json()["id"]
    [item] = [r for r in queue(safety_api, moderator) if r["id"] == report_id]
    assert item["content"]["message"] == "remove me" and item["target"]["user"]["handle"] == author.handle
    assert resolve(safety_api, moderator, report_id, "remove", note="spam").status_code == 200
    page = api.get(f"/api/activities/@{author.handle}/status/{crud['uuid']}")
    expect_error(page, 404, "activity_not_found")
    assert db.fetch("SELECT uuid FROM activities WHERE uuid = $1::uuid", crud["uuid"]) == []


def test_dismiss_releases_the_hold_so_the_purge_removes_an_expired_crud(
    stack: LocalStack,
    api: httpx.Client,
    safety_api: httpx.Client,
    make_user: Callable[..., TestUser],
    make_moderator,
    db: Db,
) -> None:
    moderator, author, reporter = make_moderator(), make_user(), make_user()
    crud = post(api, author)
    report_id = report(safety_api, reporter, "crud", crud["uuid"]).json()["id"]
    db.expire(crud["uuid"])
    purge(stack)
    assert db.fetch("SELECT uuid FROM activities WHERE uuid = $1::uuid", crud["uuid"])  # held
    [item] = [r for r in queue(safety_api, moderator) if r["id"] == report_id]
    assert item["content"]["uuid"] == crud["uuid"]  # the moderator still sees it
    assert resolve(safety_api, moderator, report_id, "dismiss").status_code == 200
    purge(stack)
    assert db.fetch("SELECT uuid FROM activities WHERE uuid = $1::uuid", crud["uuid"]) == []


def test_remove_deletes_a_reported_message_for_both(
    api: httpx.Client, safety_api: httpx.Client, make_user: Callable[..., TestUser], make_moderator
) -> None:
    moderator, sender, recipient = make_moderator(), make_user(), make_user()
    sent = api.post(
        "/api/messages", json={"message": "nasty", "handle": recipient.handle}, headers=sender.headers
    )
    assert sent.status_code in (200, 201), sent.text
    message = sent.json()
    report_id = report(safety_api, recipient, "message", message["uuid"]).json()["id"]
    [item] = [r for r in queue(safety_api, moderator) if r["id"] == report_id]
    assert item["content"]["message"] == "nasty" and item["target"]["user"]["handle"] == sender.handle
    assert resolve(safety_api, moderator, report_id, "remove").status_code == 200
    for member in (sender, recipient):
        page = api.get(f"/api/messages/{message['message_group_uuid']}", headers=member.headers)
        assert "nasty" not in page.text
