"""The shared text rules: controls, bidi controls and invisible-only text."""

from __future__ import annotations

import pytest

from cruddur_common.text import BidiControl, InvalidCharacters, check_text, clean_text, is_blank


@pytest.mark.parametrize("value", ["a\tb", "a\nb", "a\rb"])
def test_single_line_text_refuses_tab_and_line_breaks(value: str) -> None:
    check_text(value, field="bio")
    with pytest.raises(InvalidCharacters) as refused:
        check_text(value, field="display name", multiline=False)
    assert refused.value.code == "invalid_characters" and refused.value.status_code == 422


def test_bidi_controls_have_their_own_code() -> None:
    with pytest.raises(BidiControl) as refused:
        check_text("\u202e", field="bio")
    assert refused.value.code == "bidi_control" and refused.value.status_code == 422


def test_blank_means_nothing_visible() -> None:
    assert is_blank("") and is_blank(" \u200b\u2060\ufeff\u3164\u2800 ")
    assert not is_blank("\u200ba") and not is_blank("·")
    assert clean_text("  hi\u200b  ", field="x") == "hi\u200b"
