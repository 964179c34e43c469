"""The author decides when a crud ends: PATCH /api/activities/{uuid} {"ttl"} (docs/activity.md)."""

from __future__ import annotations

import threading
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from devstack.stack import LocalStack
from tests.integration.activity.safety import activity_url
from tests.integration.activity.support import Db, follow
from tests.internal import internal_auth
from tests.support import TestUser, expect_error, wait_for

pytestmark = pytest.mark.integration
SLACK = timedelta(seconds=30)  # between the test's clock and the service's "now"


def _patch(api: httpx.Client, crud: dict[str, Any], user: TestUser, ttl: object) -> httpx.Response:
    return api.patch(f"/api/activities/{crud['uuid']}", json={"ttl": ttl}, headers=user.headers)


def _at(value: str) -> datetime:
    return datetime.fromisoformat(value)


def _about(value: str, expected: datetime) -> bool:
    return abs(_at(value) - expected) < SLACK


def _ends(db: Db, table: str, crud: str) -> set[datetime]:
    rows = db.fetch(f"SELECT expires_at FROM {table} WHERE activity_uuid = $1::uuid", crud)  # noqa: S608
    return {r["expires_at"] for r in rows}


def test_the_author_shortens_and_extends_a_crud(api: httpx.Client, make_user, post) -> None:
    author = make_user()
    crud = post(author, "short and long", ttl="7-days")
    shortened = _patch(api, crud, author, "1-hour")
    assert shortened.status_code == 200, shortened.text
    body = shortened.json()
    assert body["uuid"] == crud["uuid"] and body["message"] == "short and long"
    assert shortened.headers["ratelimit-policy"].startswith('"posts";'), "counted as a post"
    assert _about(body["expires_at"], datetime.now(UTC) + timedelta(hours=1))
    extended = _patch(api, crud, author, "3-days").json()
    assert _about(extended["expires_at"], datetime.now(UTC) + timedelta(days=3))
    page = api.get(f"/api/activities/@{author.handle}/status/{crud['uuid']}").json()
    assert page["activity"]["expires_at"] == extended["expires_at"]


def test_no_crud_ends_later_than_30_days_after_it_was_posted(
    api: httpx.Client, make_user, post, db: Db
) -> None:
    author = make_user()
    fresh = post(author, "just posted", ttl="7-days")
    too_long = expect_error(_patch(api, fresh, author, "30-days"), 422, "ttl_too_long")
    details: dict[str, str] = too_long["details"]  # type: ignore[assignment]
    assert _about(details["max_expires_at"], _at(fresh["created_at"]) + timedelta(days=30))
    old = post(author, "posted 25 days ago", ttl="7-days")
    db.execute(
        "UPDATE activities SET created_at = now() - interval '25 days', "
        "expires_at = now() + interval '1 hour' WHERE uuid = $1::uuid",
        old["uuid"],
    )
    refused = expect_error(_patch(api, old, author, "7-days"), 422, "ttl_too_long")
    details = refused["details"]  # type: ignore[assignment]
    assert _about(details["max_expires_at"], datetime.now(UTC) + timedelta(days=5))
    unchanged = db.fetch("SELECT expires_at FROM activities WHERE uuid = $1::uuid", old["uuid"])
    assert abs(unchanged[0]["expires_at"] - (datetime.now(UTC) + timedelta(hours=1))) < SLACK
    assert _patch(api, old, author, "3-days").status_code == 200


@pytest.mark.parametrize("ttl", ["2-days", "", "NOW", 7, None])
def test_an_unknown_ttl_is_422(api: httpx.Client, make_user, post, ttl: object) -> None:
    author = make_user()
    crud = post(author, "hi")
    code = "ttl_invalid" if isinstance(ttl, str) else "validation_error"
    expect_error(_patch(api, crud, author, ttl), 422, code)
    assert _patch(api, crud, author, "1-day").status_code == 200


def test_only_the_author_changes_the_end_of_a_live_crud(api: httpx.Client, make_user, post, db: Db) -> None:
    author, other = make_user(), make_user()
    crud = post(author, "mine", ttl="7-days")
    expect_error(_patch(api, crud, other, "1-hour"), 403, "not_author")
    expect_error(_patch(api, {"uuid": str(uuid.uuid4())}, author, "1-hour"), 404, "activity_not_found")
    expect_error(api.patch(f"/api/activities/{crud['uuid']}", json={"ttl": "1-hour"}), 401)
    db.expire(crud["uuid"])
    expect_error(_patch(api, crud, author, "1-day"), 404, "activity_not_found")


def test_a_reply_ends_with_its_crud(api: httpx.Client, make_user, post) -> None:
    author, fan = make_user(), make_user()
    crud = post(author, "parent", ttl="7-days")
    reply = api.post(f"/api/activities/{crud['uuid']}/reply", json={"message": "re"}, headers=fan.headers)
    for ttl in ("1-hour", "now"):
        expect_error(_patch(api, reply.json(), fan, ttl), 422, "reply_expiry")


def test_now_deletes_the_crud_as_delete_does(api: httpx.Client, make_user, post, db: Db) -> None:
    word = f"gone{uuid.uuid4().hex[:8]}"
    author, fan = make_user(), make_user()
    follow(api, fan, author.handle)
    crud = post(author, f"{word} #{word}")
    api.post(f"/api/activities/{crud['uuid']}/reply", json={"message": "re"}, headers=fan.headers)
    response = _patch(api, crud, author, "now")
    assert response.status_code == 200, response.text
    assert _about(response.json()["expires_at"], datetime.now(UTC))
    assert not db.fetch("SELECT 1 FROM activities WHERE uuid = $1::uuid", crud["uuid"]), "deleted, not hidden"
    expect_error(api.get(f"/api/activities/@{author.handle}/status/{crud['uuid']}"), 404)
    assert crud["uuid"] not in [
        a["uuid"] for a in api.get("/api/activities/home", headers=fan.headers).json()
    ]
    assert api.get("/api/activities/search", params={"term": word}).json()["activities"] == []
    assert word not in [t["hashtag"] for t in api.get("/api/activities/trending").json()]
    expect_error(_patch(api, crud, author, "now"), 404, "activity_not_found")


def test_now_on_a_held_crud_expires_it_for_the_moderators(
    stack: LocalStack, api: httpx.Client, make_user, post, db: Db
) -> None:
    author, reporter = make_user(), make_user()
    crud = post(author, "evidence")
    reporter_uuid = api.get("/api/users/me", headers=reporter.headers).json()["uuid"]
    hold = httpx.put(
        f"{activity_url(stack)}/internal/cruds/{crud['uuid']}/holds/{uuid.uuid4()}",
        json={"reporter": reporter_uuid, "until": "2999-01-01T00:00:00+00:00"},
        auth=internal_auth(),
        timeout=10,
    )
    assert hold.status_code == 200, hold.text
    assert _patch(api, crud, author, "now").status_code == 200
    expect_error(api.get(f"/api/activities/@{author.handle}/status/{crud['uuid']}"), 404)
    kept = db.fetch("SELECT expires_at <= now() AS ended FROM activities WHERE uuid = $1::uuid", crud["uuid"])
    assert [r["ended"] for r in kept] == [True], "kept for the moderators, ended for everyone else"


def test_the_new_end_shows_everywhere_at_once(api: httpx.Client, make_user, post, db: Db) -> None:
    word = f"ends{uuid.uuid4().hex[:8]}"
    author, fan, fans_fan = make_user(), make_user(), make_user()
    follow(api, fan, author.handle)
    follow(api, fans_fan, fan.handle)
    crud = post(author, f"{word} #{word}", ttl="7-days")
    reply = api.post(
        f"/api/activities/{crud['uuid']}/reply", json={"message": f"#{word} too"}, headers=fan.headers
    ).json()
    assert api.put(f"/api/activities/{crud['uuid']}/repost", headers=fan.headers).status_code == 200
    new = _patch(api, crud, author, "12-hours").json()["expires_at"]

    def end_in(items: list[dict[str, Any]], what: str) -> str:
        found = [a["expires_at"] for a in items if a["uuid"] == crud["uuid"]]
        assert found, f"the crud is missing from {what}"
        return str(found[0])

    assert end_in(api.get("/api/activities/home", headers=fan.headers).json(), "the follower's home") == new
    reposted = api.get("/api/activities/home", headers=fans_fan.headers).json()
    assert end_in(reposted, "the repost in a follower's follower's home") == new
    explore = api.get("/api/activities/explore", params={"limit": 100}).json()["items"]
    assert end_in(explore, "explore") == new
    assert end_in(api.get(f"/api/activities/@{author.handle}").json()["activities"], "the user page") == new
    page = api.get(f"/api/activities/@{author.handle}/status/{crud['uuid']}").json()
    assert page["activity"]["expires_at"] == new
    assert [r["expires_at"] for r in page["replies"]] == [new]
    reply_page = api.get(f"/api/activities/@{fan.handle}/status/{reply['uuid']}").json()
    assert reply_page["activity"]["expires_at"] == new
    assert (
        end_in(api.get("/api/activities/search", params={"term": word}).json()["activities"], "search") == new
    )
    expected = {_at(new)}  # trending counts hashtags rows while their expires_at is ahead
    for table in ("reposts", "timeline"):
        assert _ends(db, table, crud["uuid"]) == expected, table
    assert _ends(db, "hashtags", crud["uuid"]) == _ends(db, "hashtags", reply["uuid"]) == expected


def test_notifications_about_the_crud_and_its_replies_take_the_new_end(
    api: httpx.Client, make_user, post
) -> None:
    author, fan = make_user(), make_user()
    crud = post(author, "notify me", ttl="7-days")
    reply = api.post(f"/api/activities/{crud['uuid']}/reply", json={"message": "re"}, headers=fan.headers)
    assert reply.status_code == 201
    assert api.put(f"/api/activities/{crud['uuid']}/like", headers=fan.headers).status_code == 200

    def ends() -> dict[str, str]:
        items = api.get("/api/notifications", headers=author.headers).json()["items"]
        return {n["kind"]: n["expires_at"] for n in items}

    wait_for(lambda: set(ends()) == {"reply", "like"}, what="the reply's and the like's notifications")
    new = _patch(api, crud, author, "1-day").json()["expires_at"]
    wait_for(
        lambda: {_at(v) for v in ends().values()} == {_at(new)},
        what="the expire event through the outbox",
    )
    fresh = make_user()
    assert api.put(f"/api/activities/{crud['uuid']}/repost", headers=fresh.headers).status_code == 200
    wait_for(lambda: "repost" in ends(), what="a later repost's notification")
    assert _at(ends()["repost"]) == _at(new), "later events carry the new end themselves"


def test_a_repost_made_while_the_end_changes_copies_the_new_end(
    api: httpx.Client, make_user, post, db: Db
) -> None:
    author, fan = make_user(), make_user()
    crud = post(author, "racing", ttl="7-days")
    answers: list[httpx.Response] = []
    db.execute("BEGIN")  # a change of the end in flight, its row lock held as update_expiry holds it
    try:
        db.execute(
            "UPDATE activities SET expires_at = now() + interval '1 hour' WHERE uuid = $1::uuid", crud["uuid"]
        )
        racer = threading.Thread(
            target=lambda: answers.append(
                api.put(f"/api/activities/{crud['uuid']}/repost", headers=fan.headers)
            )
        )
        racer.start()
        racer.join(timeout=1.5)
        assert racer.is_alive(), "the repost waits for the change"
    finally:
        db.execute("COMMIT")
    racer.join(timeout=10)
    assert answers and answers[0].status_code == 200, answers
    (row,) = db.fetch("SELECT r.expires_at = a.expires_at AS same FROM reposts r "
                      "JOIN activities a ON a.uuid = r.activity_uuid WHERE r.activity_uuid = $1::uuid",
                      crud["uuid"])  # fmt: skip
    assert row["same"], "the repost copied the end the crud has now"
