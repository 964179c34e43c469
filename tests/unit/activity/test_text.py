"""Message rules: trimming, character limits, storable text, hashtags, mentions."""

from __future__ import annotations

import pytest

from activity_service.cruds.text import clean_message, hashtags, mentions
from activity_service.errors import MessageBlank, MessageTooLong
from cruddur_common.text import BidiControl, InvalidCharacters


def test_trims_and_counts_characters() -> None:
    assert clean_message("  hi  ", max_chars=2) == "hi"
    assert clean_message("🦄" * 280, max_chars=280) == "🦄" * 280


@pytest.mark.parametrize(
    ("raw", "error"), [("", MessageBlank), (" \n\t ", MessageBlank), ("x" * 3, MessageTooLong)]
)
def test_rejects(raw: str, error: type[Exception]) -> None:
    with pytest.raises(error):
        clean_message(raw, max_chars=2)


@pytest.mark.parametrize("raw", ["a\x00b", "bad \ud800", "esc \x1b[2J", "del \x7f", "c1 \x9b"])
def test_rejects_control_characters(raw: str) -> None:
    with pytest.raises(InvalidCharacters):
        clean_message(raw, max_chars=280)


@pytest.mark.parametrize(
    "raw",
    ["\u200b", "\u200b\u200c\u200d", "\ufeff \u2060", "\u3164\u115f", "\u00ad\u2800", " \u200e\n\u200f "],
)
def test_rejects_text_with_nothing_visible(raw: str) -> None:
    with pytest.raises(MessageBlank):
        clean_message(raw, max_chars=280)


@pytest.mark.parametrize("raw", ["gpj.\u202eexe", "a\u202ab", "\u202d", "x\u2066y\u2069", "\u2067", "\u2068"])
def test_rejects_bidi_controls(raw: str) -> None:
    with pytest.raises(BidiControl):
        clean_message(raw, max_chars=280)


@pytest.mark.parametrize("raw", ["👩\u200d💻", "a\u200bb", "שלום \u200f!", "line 1\n\tline 2", "x\u00ady"])
def test_keeps_visible_text_with_joiners_marks_and_newlines(raw: str) -> None:
    assert clean_message(raw, max_chars=280) == raw


def test_hashtags_are_distinct_lower_case_without_hash() -> None:
    assert hashtags("#AWS loves #aws and #Cloud_9, not a#b or ##x") == ["aws", "cloud_9"]


def test_mentions_are_handles() -> None:
    assert mentions("hi @andrew_brown and @bo, mail a@b.c, @andrew_brown again, @x") == ["andrew_brown"]


def test_counts_user_perceived_characters() -> None:
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466"  # 7 code points, one character
    assert clean_message(family * 280, max_chars=280) == family * 280
    with pytest.raises(MessageTooLong) as refused:
        clean_message(family * 281, max_chars=280)
    assert refused.value.details == {"max": 280, "length": 281}
