"""Search, trending, expiry everywhere, and the purge."""

from __future__ import annotations

import uuid

import httpx
import pytest

from activity_service.feeds.repository import SEARCH_WINDOW, TRENDING_TTL_SECONDS
from tests.integration.activity.support import purge
from tests.support import expect_error, wait_for

pytestmark = pytest.mark.integration


def test_search_ranks_live_cruds_and_finds_people(api: httpx.Client, make_user, post) -> None:
    word = f"zebra{uuid.uuid4().hex[:8]}"
    author = make_user(handle=f"{word}_person")
    weak = post(author, f"one {word} mention among many other words here")
    strong = post(author, f"{word} {word} {word}")
    result = api.get("/api/activities/search", params={"term": word}).json()
    assert [a["uuid"] for a in result["activities"]] == [strong["uuid"], weak["uuid"]]
    assert [u["handle"] for u in result["users"]] == [author.handle]
    page = api.get("/api/activities/search", params={"term": word, "limit": 1}).json()
    assert page["next_cursor"]
    rest = api.get("/api/activities/search", params={"term": word, "cursor": page["next_cursor"]}).json()
    assert [a["uuid"] for a in rest["activities"]] == [weak["uuid"]] and rest["users"] == []


def test_search_ranks_the_newest_matches_only(api: httpx.Client, make_user, post, db) -> None:
    """The best match outside the newest SEARCH_WINDOW matches is not returned (bounded work, issue 19)."""
    word = f"window{uuid.uuid4().hex[:8]}"
    author = make_user()
    best = post(author, f"{word} {word} {word}")
    db.execute(
        "UPDATE activities SET created_at = now() - interval '1 day' WHERE uuid = $1::uuid", best["uuid"]
    )
    # SEARCH_WINDOW newer, weaker matches, written directly: posting them would take minutes.
    db.execute(
        "INSERT INTO activities (user_uuid, message, expires_at) "
        "SELECT user_uuid, $2 || ' number ' || g || ' among other words', expires_at "
        "FROM activities, generate_series(1, $3) g WHERE uuid = $1::uuid",
        best["uuid"],
        word,
        SEARCH_WINDOW,
    )
    found: list[dict] = []
    params: dict[str, str | int] = {"term": word, "limit": 100}
    while True:
        page = api.get("/api/activities/search", params=params).json()
        found += page["activities"]
        if not page["next_cursor"]:
            break
        params = {"term": word, "limit": 100, "cursor": page["next_cursor"]}
    assert len(found) == SEARCH_WINDOW and best["uuid"] not in [a["uuid"] for a in found]
    assert len({a["uuid"] for a in found}) == SEARCH_WINDOW, "no page repeats another"


@pytest.mark.parametrize("term", ["", "   "])
def test_blank_search_is_422(api: httpx.Client, term: str) -> None:
    expect_error(api.get("/api/activities/search", params={"term": term}), 422, "search_term_blank")


def test_search_input_is_data(api: httpx.Client) -> None:
    for term in ["'; DROP TABLE activities; --", "a & | ! (", "100%_\\", "<b>"]:
        assert api.get("/api/activities/search", params={"term": term}).status_code == 200


def test_trending_counts_hashtags(api: httpx.Client, make_user, post) -> None:
    tag = f"tag{uuid.uuid4().hex[:6]}"
    user = make_user()
    for _ in range(30):
        post(user, f"#{tag} again")
    # Trending is cached per process for TRENDING_TTL_SECONDS (same answer for everyone): a copy computed
    # before these posts may be served until it expires, and none after.
    wait_for(
        lambda: {"hashtag": tag, "count": 30} in api.get("/api/activities/trending").json(),
        what="the new tag in trending",
        timeout=TRENDING_TTL_SECONDS + 5,
    )


def test_expired_crud_vanishes_everywhere(api: httpx.Client, make_user, post, db) -> None:
    word = f"gone{uuid.uuid4().hex[:8]}"
    author, fan = make_user(), make_user()
    api.put(f"/api/users/@{author.handle}/follow", headers=fan.headers)
    crud = post(author, f"{word} #{word}")
    reply = api.post(
        f"/api/activities/{crud['uuid']}/reply", json={"message": word}, headers=fan.headers
    ).json()
    api.put(f"/api/activities/{crud['uuid']}/repost", headers=fan.headers)
    db.expire(crud["uuid"])
    status = f"/api/activities/@{author.handle}/status/{crud['uuid']}"
    expect_error(api.get(status), 404, "activity_not_found")
    expect_error(api.get(f"/api/activities/@{fan.handle}/status/{reply['uuid']}"), 404)
    page = api.get(f"/api/activities/@{author.handle}").json()
    assert page["activities"] == [] and page["profile"]["cruds_count"] == 0
    assert crud["uuid"] not in [
        a["uuid"] for a in api.get("/api/activities/home", headers=fan.headers).json()
    ]
    explore = api.get("/api/activities/explore", params={"limit": 100}).json()["items"]
    assert crud["uuid"] not in [a["uuid"] for a in explore]
    assert api.get("/api/activities/search", params={"term": word}).json()["activities"] == []
    assert word not in [t["hashtag"] for t in api.get("/api/activities/trending").json()]
    expect_error(api.put(f"/api/activities/{crud['uuid']}/like", headers=fan.headers), 404)
    expect_error(
        api.post(f"/api/activities/{crud['uuid']}/reply", json={"message": "x"}, headers=fan.headers), 404
    )
    expect_error(api.delete(f"/api/activities/{crud['uuid']}", headers=author.headers), 404)


def test_purge_deletes_expired_threads_in_batches(stack, make_user, post, db, api: httpx.Client) -> None:
    author, fan = make_user(), make_user()
    cruds = [post(author, f"old {i}") for i in range(5)]
    live = post(author, "still here")
    for crud in cruds:
        api.post(f"/api/activities/{crud['uuid']}/reply", json={"message": "r"}, headers=fan.headers)
        api.put(f"/api/activities/{crud['uuid']}/like", headers=fan.headers)
        db.expire(crud["uuid"])

    assert purge(stack, batch_size=2) >= 10
    ids = [c["uuid"] for c in cruds]
    left = db.fetch("SELECT count(*) AS n FROM activities WHERE uuid = ANY($1::uuid[])", ids)
    assert left[0]["n"] == 0
    assert db.fetch("SELECT count(*) AS n FROM likes WHERE activity_uuid = ANY($1::uuid[])", ids)[0]["n"] == 0
    assert (
        db.fetch("SELECT count(*) AS n FROM activities WHERE reply_to_activity_uuid = ANY($1::uuid[])", ids)[
            0
        ]["n"]
        == 0
    )
    assert api.get(f"/api/activities/@{author.handle}/status/{live['uuid']}").status_code == 200
