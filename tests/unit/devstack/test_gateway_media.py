"""The local gateway serves a crud's pictures only while the crud lives (contract §4, docs/ops.md)."""

from __future__ import annotations

import pytest

from devstack.gateway import media_cache_control
from tests.infra.media_edge_cases import CASES, NOW, EdgeCase


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_media_rule(case: EdgeCase) -> None:
    assert media_cache_control(list(case.expires), case.now) == case.cache_control


def test_a_fraction_of_a_second_left_still_serves() -> None:
    assert media_cache_control([str(NOW + 1)], NOW + 0.999) == "public, max-age=1"
