"""User text is measured in user-perceived characters, by the same answers as the SPA (issue 18)."""

from __future__ import annotations

import json

import pytest

from cruddur_common.text import over_limit, shorten, text_length
from devstack.config import ROOT

VECTORS = json.loads((ROOT / "frontend-react-js" / "src" / "test" / "text-length.json").read_text())[
    "vectors"
]


@pytest.mark.parametrize("vector", VECTORS, ids=[v["name"] for v in VECTORS])
def test_length_is_grapheme_clusters(vector: dict[str, object]) -> None:
    assert text_length(str(vector["text"])) == vector["length"]


def test_the_vectors_are_not_code_points() -> None:
    """The file would prove nothing if code points gave the same answers."""
    assert any(len(str(v["text"])) != v["length"] for v in VECTORS)


def test_a_limit_also_caps_code_points() -> None:
    """One cluster can chain without end: the columns are sized for 8 code points a character."""
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466"
    assert not over_limit(family * 50, 50)
    assert over_limit(family * 51, 50)
    assert over_limit("e" + "\u0301" * 400, 50)  # one character, 401 code points
    assert text_length("e" + "\u0301" * 400) == 1


def test_a_preview_is_cut_between_characters() -> None:
    """140 code points could end inside a family emoji; the preview stops before it, whole."""
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466"  # 7 code points, 1 character
    text = "a" * 137 + family + "tail"
    assert shorten(text, 140) == "a" * 137
    assert shorten("a" * 133 + family + "b", 140) == "a" * 133 + family
    assert shorten("short", 140) == "short"
    assert len(shorten(family * 30, 140)) == 140 and text_length(shorten(family * 30, 140)) == 20
    endless = "e" + "\u0301" * 300  # one character of 301 code points: cut, never an empty preview
    assert shorten(endless, 140) == endless[:140]
