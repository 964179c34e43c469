"""People search (issue 18, finding 5): any part of a handle or a name, near misses, ranked."""

from __future__ import annotations

import random
import string
from collections.abc import Callable

import httpx
import pytest

from tests.support import TestUser, wait_for

pytestmark = pytest.mark.integration


def _word() -> str:
    """A made-up word no other test user has (letters only: trigrams count letters and digits)."""
    return "".join(random.choices(string.ascii_lowercase, k=10))


def _people(api: httpx.Client, term: str) -> list[str]:
    response = api.get("/api/activities/search", params={"term": term})
    assert response.status_code == 200, response.text
    return [u["handle"] for u in response.json()["users"]]


def test_people_match_any_part_of_a_name_or_handle_best_first(
    api: httpx.Client, make_user: Callable[..., TestUser]
) -> None:
    w = _word()
    near = w[:5] + ("a" if w[5] != "a" else "b") + w[6:]  # one letter off: a near miss
    # Made in the reverse of the expected order, so creation order cannot pass for ranking.
    made = [
        make_user(handle=f"x{_word()[:6]}", name=near.title()),  # 4: similar name only
        make_user(handle=f"x{_word()[:6]}", name=f"Mc{w.title()}"),  # 3: inside a name's word
        make_user(handle=f"the_{w}", name="Handle Inside"),  # 3: inside a handle
        make_user(handle=f"x{_word()[:6]}", name=f"Andrew {w.title()}"),  # 2: a name's word starts so
        make_user(handle=f"{w}_fan", name="Handle Prefix"),  # 1: a handle starts so
        make_user(handle=w, name="Exact Handle"),  # 0: the handle itself
    ]
    handles = [u.handle for u in made]
    wait_for(lambda: len(_people(api, w)) == len(made), what="the six authors projected", timeout=30)
    found = _people(api, w.title())  # any case
    assert found[:2] == [w, f"{w}_fan"]
    assert found[2] == handles[3]  # the surname
    assert set(found[3:5]) == {handles[1], handles[2]}
    assert found[5] == handles[0]
    assert _people(api, f"@{w}")[0] == w
    assert _people(api, w[3:8]) != []  # the middle of a word


def test_a_hashtag_search_names_no_one(api: httpx.Client, make_user: Callable[..., TestUser]) -> None:
    w = _word()
    make_user(handle=w)
    wait_for(lambda: _people(api, w) == [w], what="the author projected", timeout=30)
    assert _people(api, f"#{w}") == []


def test_like_wildcards_are_data(api: httpx.Client, make_user: Callable[..., TestUser]) -> None:
    w = _word()
    make_user(handle=f"{w}_x", name="Under Score")
    wait_for(lambda: _people(api, w) == [f"{w}_x"], what="the author projected", timeout=30)
    assert _people(api, f"{w}_")[0] == f"{w}_x"
    assert _people(api, "%") == []  # not everyone: `%` is a character here
