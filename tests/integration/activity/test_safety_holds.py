"""Evidence holds and moderators' removal: the internal routes the user service's moderation tools call."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest

from devstack.stack import LocalStack
from tests.integration.activity.safety import activity_url, block, send, user_uuid, uuids
from tests.integration.activity.support import Db, purge
from tests.internal import internal_auth
from tests.support import TestUser, expect_error

pytestmark = pytest.mark.integration
LATER = "2999-01-01T00:00:00+00:00"


def _call(stack: LocalStack, method: str, path: str, **kwargs: Any) -> httpx.Response:
    return httpx.request(method, activity_url(stack) + path, auth=internal_auth(), timeout=10, **kwargs)


def _hold(stack: LocalStack, crud: str, report: str, reporter: str, until: str = LATER) -> httpx.Response:
    return _call(
        stack, "PUT", f"/internal/cruds/{crud}/holds/{report}", json={"reporter": reporter, "until": until}
    )


def _crud(stack: LocalStack, crud: str) -> httpx.Response:
    return _call(stack, "GET", f"/internal/cruds/{crud}")


def _exists(db: Db, crud: str) -> bool:
    return bool(db.fetch("SELECT 1 FROM activities WHERE uuid = $1::uuid", crud))


@pytest.fixture
def author(make_user: Any) -> TestUser:
    user: TestUser = make_user()
    return user


@pytest.fixture
def reporter(api: httpx.Client, make_user: Any) -> tuple[TestUser, str]:
    user: TestUser = make_user()
    return user, user_uuid(api, user)


def test_a_crud_is_read_in_any_state(
    stack: LocalStack, api: httpx.Client, author: TestUser, post: Any, db: Db
) -> None:
    crud = post(author, "what moderators read")
    body = _crud(stack, crud["uuid"]).json()
    assert body == {
        "uuid": crud["uuid"],
        "author": {"uuid": user_uuid(api, author), "handle": author.handle, "display_name": author.name},
        "message": "what moderators read",
        "created_at": crud["created_at"],
        "expires_at": crud["expires_at"],
        "reply_to_activity_uuid": None,
        "expired": False,
        "held": False,
    }
    db.expire(crud["uuid"])
    assert _crud(stack, crud["uuid"]).json()["expired"] is True  # not purged yet
    expect_error(_crud(stack, str(uuid.uuid4())), 404, "not_found")


def test_a_held_crud_outlives_its_expiry_hidden_until_released(
    stack: LocalStack, api: httpx.Client, author: TestUser, reporter: tuple[TestUser, str], post: Any, db: Db
) -> None:
    fan, fan_uuid = reporter
    word = f"held{uuid.uuid4().hex[:8]}"
    crud = post(author, f"{word} reported")
    reply = api.post(
        f"/api/activities/{crud['uuid']}/reply", json={"message": "re"}, headers=fan.headers
    ).json()
    report = str(uuid.uuid4())
    for _ in range(2):  # idempotent per report
        held = _hold(stack, crud["uuid"], report, fan_uuid)
        assert held.status_code == 200, held.text
        assert held.json()["held"] is True and held.json()["expired"] is False
    db.expire(crud["uuid"])
    purge(stack)

    assert _exists(db, crud["uuid"]) and not _exists(db, reply["uuid"])  # the reply was not reported
    assert (_crud(stack, crud["uuid"]).json()["expired"], _crud(stack, crud["uuid"]).json()["held"]) == (
        True,
        True,
    )
    # hidden from everyone, exactly as if expired
    expect_error(
        api.get(f"/api/activities/@{author.handle}/status/{crud['uuid']}"), 404, "activity_not_found"
    )
    assert crud["uuid"] not in uuids(
        api.get("/api/activities/explore", params={"limit": 100}).json()["items"]
    )
    assert api.get("/api/activities/search", params={"term": word}).json()["activities"] == []
    expect_error(api.put(f"/api/activities/{crud['uuid']}/like", headers=fan.headers), 404)
    # a second report of the expired, held crud may hold it too; a new report of an unheld expired one not
    second = str(uuid.uuid4())
    assert _hold(stack, crud["uuid"], second, fan_uuid).status_code == 200

    for released in (report, second, second):  # idempotent
        assert _call(stack, "DELETE", f"/internal/holds/{released}").status_code == 204
    purge(stack)
    assert not _exists(db, crud["uuid"])
    expect_error(_crud(stack, crud["uuid"]), 404, "not_found")


def test_a_held_reply_keeps_the_thread_above_it_through_the_purge(
    stack: LocalStack, api: httpx.Client, author: TestUser, reporter: tuple[TestUser, str], post: Any, db: Db
) -> None:
    fan_uuid = reporter[1]
    crud = post(author, "parent")
    reply = api.post(
        f"/api/activities/{crud['uuid']}/reply", json={"message": "mid"}, headers=author.headers
    ).json()
    deep = api.post(
        f"/api/activities/{reply['uuid']}/reply", json={"message": "deep"}, headers=author.headers
    ).json()
    assert _hold(stack, deep["uuid"], str(uuid.uuid4()), fan_uuid).status_code == 200
    db.expire(crud["uuid"])
    purge(stack)
    assert all(_exists(db, c["uuid"]) for c in (crud, reply, deep))  # the parent's purge would cascade


def test_a_hold_lapses_at_its_time(
    stack: LocalStack, author: TestUser, reporter: tuple[TestUser, str], post: Any, db: Db
) -> None:
    crud = post(author, "held for a while")
    report = str(uuid.uuid4())
    assert _hold(stack, crud["uuid"], report, reporter[1]).status_code == 200
    db.expire(crud["uuid"])
    db.execute("UPDATE holds SET until = now() - interval '1 second' WHERE report_id = $1::uuid", report)
    assert _crud(stack, crud["uuid"]).json()["held"] is False
    purge(stack)
    assert not _exists(db, crud["uuid"])


def test_what_cannot_be_held(
    stack: LocalStack, api: httpx.Client, author: TestUser, reporter: tuple[TestUser, str], post: Any, db: Db
) -> None:
    _, fan_uuid = reporter
    expect_error(_hold(stack, str(uuid.uuid4()), str(uuid.uuid4()), fan_uuid), 404, "not_found")
    expired = post(author, "gone already")
    db.expire(expired["uuid"])
    expect_error(_hold(stack, expired["uuid"], str(uuid.uuid4()), fan_uuid), 404, "not_found")
    # the author blocked the reporter: the reporter could not see it (the other way round, they could)
    crud = post(author, "not for you")
    send(stack, block(user_uuid(api, author), fan_uuid))
    expect_error(_hold(stack, crud["uuid"], str(uuid.uuid4()), fan_uuid), 404, "not_found")
    send(stack, block(user_uuid(api, author), fan_uuid, on=False), block(fan_uuid, user_uuid(api, author)))
    report = str(uuid.uuid4())
    assert _hold(stack, crud["uuid"], report, fan_uuid).status_code == 200
    other = post(author, "another")
    expect_error(_hold(stack, other["uuid"], report, fan_uuid), 409, "hold_conflict")
    bad = _call(stack, "PUT", f"/internal/cruds/{crud['uuid']}/holds/{report}", json={"reporter": fan_uuid})
    expect_error(bad, 422, "validation_error")
    naive = _hold(stack, crud["uuid"], report, fan_uuid, until="2999-01-01T00:00:00")
    expect_error(naive, 422, "validation_error")


def test_a_moderator_removal_takes_everything_with_it_in_any_state(
    stack: LocalStack, api: httpx.Client, author: TestUser, reporter: tuple[TestUser, str], post: Any, db: Db
) -> None:
    fan, fan_uuid = reporter
    parent = post(fan, "the parent")
    crud = post(author, "to be removed #removedtag")
    reply = api.post(
        f"/api/activities/{crud['uuid']}/reply", json={"message": "re"}, headers=fan.headers
    ).json()
    assert api.put(f"/api/activities/{crud['uuid']}/like", headers=fan.headers).status_code == 200
    assert api.put(f"/api/activities/{crud['uuid']}/repost", headers=fan.headers).status_code == 200
    assert _hold(stack, crud["uuid"], str(uuid.uuid4()), fan_uuid).status_code == 200
    db.expire(crud["uuid"])  # expired but held: still removable

    db.execute("SELECT pg_advisory_lock(hashtext('activity.outbox.notification'))")  # hold the deliverer
    try:
        for _ in range(2):  # idempotent
            assert _call(stack, "DELETE", f"/internal/cruds/{crud['uuid']}").status_code == 204
        gone = [crud["uuid"], reply["uuid"]]
        retracted = db.fetch(
            "SELECT body->'target'->>'activity_uuid' AS a FROM outbox WHERE body->>'kind' = 'retract' "
            "AND body->'target'->>'activity_uuid' = ANY($1::text[])",
            gone,
        )
    finally:
        db.execute("SELECT pg_advisory_unlock(hashtext('activity.outbox.notification'))")
    assert sorted(r["a"] for r in retracted) == sorted(gone)  # once each: the second call found nothing
    for table in ("activities", "likes", "reposts", "timeline", "hashtags", "holds"):
        column = "uuid" if table == "activities" else "activity_uuid"
        assert db.fetch(f"SELECT 1 FROM {table} WHERE {column} = ANY($1::uuid[])", gone) == [], table  # noqa: S608
    # a reply removed by a moderator fixes its parent's count, as the author's delete does
    child = api.post(
        f"/api/activities/{parent['uuid']}/reply", json={"message": "x"}, headers=author.headers
    ).json()
    assert _call(stack, "DELETE", f"/internal/cruds/{child['uuid']}").status_code == 204
    page = api.get(f"/api/activities/@{fan.handle}/status/{parent['uuid']}").json()
    assert page["activity"]["replies_count"] == 0 and page["replies"] == []


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/internal/cruds/{u}"),
        ("PUT", "/internal/cruds/{u}/holds/{u}"),
        ("DELETE", "/internal/holds/{u}"),
        ("DELETE", "/internal/cruds/{u}"),
    ],
)
def test_the_moderation_routes_need_the_service_credential(stack: LocalStack, method: str, path: str) -> None:
    url = activity_url(stack) + path.format(u=uuid.uuid4())
    body = {"reporter": str(uuid.uuid4()), "until": LATER}
    expect_error(httpx.request(method, url, json=body, timeout=10), 401, "internal_credential_required")


def test_the_authors_delete_of_a_held_crud_hides_it_and_keeps_the_evidence(
    stack: LocalStack, api: httpx.Client, author: TestUser, reporter: tuple[TestUser, str], post: Any, db: Db
) -> None:
    fan, fan_uuid = reporter
    crud = post(author, "I will regret this")
    reply = api.post(
        f"/api/activities/{crud['uuid']}/reply", json={"message": "re"}, headers=fan.headers
    ).json()
    report = str(uuid.uuid4())
    assert _hold(stack, reply["uuid"], report, fan_uuid).status_code == 200  # a reply below it is held
    assert api.delete(f"/api/activities/{crud['uuid']}", headers=author.headers).status_code == 204
    expect_error(
        api.get(f"/api/activities/@{author.handle}/status/{crud['uuid']}"), 404, "activity_not_found"
    )
    assert api.get(f"/api/activities/@{author.handle}").json()["profile"]["cruds_count"] == 0
    expect_error(api.delete(f"/api/activities/{crud['uuid']}", headers=author.headers), 404)
    purge(stack)
    assert _crud(stack, reply["uuid"]).json()["expired"] is True and _exists(db, crud["uuid"])
    assert _call(stack, "DELETE", f"/internal/holds/{report}").status_code == 204
    purge(stack)
    assert not _exists(db, crud["uuid"]) and not _exists(db, reply["uuid"])
