"""User service: short profile, profile edit, follows, lists, suggestions, pre-sign-up handle check."""

from __future__ import annotations

import httpx
import pytest

from devstack import seed
from tests.support import PASSWORD, expect_error, unique_handle

pytestmark = pytest.mark.integration


def test_short_profile(api: httpx.Client, make_user) -> None:
    user = make_user()
    short = api.get(f"/api/users/@{user.handle.upper()}/short").json()
    assert set(short) == {"uuid", "handle", "display_name", "avatar_url", "blocking", "muted"}
    assert short["handle"] == user.handle
    expect_error(api.get("/api/users/@no_such_user_x/short"), 404, "user_not_found")


@pytest.mark.parametrize("method", ["PUT", "POST"])
def test_edit_profile_with_either_method(api: httpx.Client, make_user, method: str) -> None:
    user = make_user()
    response = api.request(
        method,
        "/api/profile/update",
        json={"display_name": "  New Name ", "bio": "Hello"},
        headers=user.headers,
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["display_name"], body["bio"], body["handle"]) == ("New Name", "Hello", user.handle)
    assert api.get("/api/users/me", headers=user.headers).json()["display_name"] == "New Name"
    null_bio = api.put("/api/profile/update", json={"display_name": "N", "bio": None}, headers=user.headers)
    assert null_bio.json()["bio"] == ""


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"display_name": "  ", "bio": ""}, "display_name_blank"),
        ({"display_name": "x" * 51}, "display_name_too_long"),
        ({"display_name": "ok", "bio": "b" * 161}, "bio_too_long"),
        ({"display_name": "nul\x00"}, "invalid_characters"),  # refused at the edge
        ({"display_name": "two\nlines"}, "invalid_characters"),
        ({"display_name": "\u3164"}, "display_name_blank"),
        ({"display_name": "ok", "bio": "\u2066x"}, "bidi_control"),
        ({"display_name": 5}, "validation_error"),
        ({"bio": "no name"}, "validation_error"),
    ],
)
def test_edit_profile_bad_input(api: httpx.Client, make_user, body: dict[str, object], code: str) -> None:
    user = make_user()
    expect_error(api.put("/api/profile/update", json=body, headers=user.headers), 422, code)
    assert api.get("/api/users/me", headers=user.headers).json()["display_name"] == user.name


def test_cannot_edit_someone_elses_profile(api: httpx.Client, make_user) -> None:
    me, other = make_user(), make_user()
    expect_error(api.put("/api/profile/update", json={"display_name": "Hacked"}), 401)
    body = {"display_name": "Mine", "handle": other.handle, "uuid": "x", "cognito_user_id": "y"}
    api.put("/api/profile/update", json=body, headers=me.headers)
    assert api.get(f"/api/users/@{other.handle}/short").json()["display_name"] == other.name


def test_follow_unfollow_and_lists(api: httpx.Client, make_user) -> None:
    star, fans = make_user(), [make_user() for _ in range(3)]
    for fan in fans:
        for _ in range(2):
            state = api.put(f"/api/users/@{star.handle}/follow", headers=fan.headers)
            assert state.status_code == 200 and state.json()["following"] is True
    assert state.json()["followers_count"] == 3
    first = api.get(
        f"/api/users/@{star.handle}/followers", params={"limit": 2}, headers=fans[0].headers
    ).json()
    assert [p["handle"] for p in first["items"]] == [fans[2].handle, fans[1].handle]
    assert first["items"][0]["followed"] is False
    rest = api.get(f"/api/users/@{star.handle}/followers", params={"cursor": first["next_cursor"]}).json()
    assert [p["handle"] for p in rest["items"]] == [fans[0].handle] and rest["next_cursor"] is None
    following = api.get(f"/api/users/@{fans[0].handle}/following").json()
    assert [p["handle"] for p in following["items"]] == [star.handle]
    for _ in range(2):
        gone = api.delete(f"/api/users/@{star.handle}/follow", headers=fans[0].headers)
        assert gone.json() == {"handle": star.handle, "following": False, "followers_count": 2}


def test_follow_errors(api: httpx.Client, make_user) -> None:
    me = make_user()
    expect_error(api.put(f"/api/users/@{me.handle}/follow", headers=me.headers), 422, "cannot_follow_self")
    expect_error(api.put("/api/users/@nobody_zz_here/follow", headers=me.headers), 404, "user_not_found")
    expect_error(api.put(f"/api/users/@{me.handle}/follow"), 401)
    expect_error(api.get("/api/users/@nobody_zz_here/followers"), 404, "user_not_found")
    expect_error(
        api.get(f"/api/users/@{me.handle}/followers", params={"cursor": "bad"}), 400, "invalid_cursor"
    )


def test_suggestions_prefer_friends_of_friends(api: httpx.Client, make_user) -> None:
    me, friend, popular_with_friends = make_user(), make_user(), make_user()
    api.put(f"/api/users/@{friend.handle}/follow", headers=me.headers)
    api.put(f"/api/users/@{popular_with_friends.handle}/follow", headers=friend.headers)
    suggested = api.get("/api/users/suggested", params={"limit": 5}, headers=me.headers).json()
    handles = [p["handle"] for p in suggested["items"]]
    assert handles[0] == popular_with_friends.handle
    assert me.handle not in handles and friend.handle not in handles
    expect_error(api.get("/api/users/suggested"), 401)


def test_sign_up_with_a_taken_handle_is_refused(gateway_url: str, client_id: str, make_user) -> None:
    taken = make_user()
    user = seed.DemoUser(taken.handle.upper(), "Copycat", f"{unique_handle('c')}@example.com")
    with pytest.raises(RuntimeError, match="is taken"):
        seed.sign_up(gateway_url, client_id, user, PASSWORD)
    again = seed.DemoUser(taken.handle, taken.name, taken.email)
    seed.sign_up(gateway_url, client_id, again, PASSWORD)  # the same person: UsernameExists, not "taken"
    bad = seed.DemoUser("no spaces allowed", "Bad", f"{unique_handle('b')}@example.com")
    with pytest.raises(RuntimeError, match="UserLambdaValidationException"):
        seed.sign_up(gateway_url, client_id, bad, PASSWORD)


def test_internal_batch_lookup_is_not_routed_publicly(api: httpx.Client) -> None:
    expect_error(api.post("/internal/users/batch", json={"handles": ["x"]}), 404)
