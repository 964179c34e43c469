"""User text is measured in user-perceived characters, by the same answers as the SPA (issue 18)."""

from __future__ import annotations

import json

import pytest

from cruddur_common.text import text_length
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
