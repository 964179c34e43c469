"""Message rules: trimming, character limits, storable text, hashtags, mentions."""

from __future__ import annotations

import pytest

from activity_service.cruds.text import clean_message, hashtags, mentions
from activity_service.errors import MessageBlank, MessageInvalid, MessageTooLong


def test_trims_and_counts_characters() -> None:
    assert clean_message("  hi  ", max_chars=2) == "hi"
    assert clean_message("🦄" * 280, max_chars=280) == "🦄" * 280


@pytest.mark.parametrize(
    ("raw", "error"), [("", MessageBlank), (" \n\t ", MessageBlank), ("x" * 3, MessageTooLong)]
)
def test_rejects(raw: str, error: type[Exception]) -> None:
    with pytest.raises(error):
        clean_message(raw, max_chars=2)


@pytest.mark.parametrize("raw", ["a\x00b", "bad \ud800"])
def test_rejects_unstorable_text(raw: str) -> None:
    with pytest.raises(MessageInvalid):
        clean_message(raw, max_chars=280)


def test_hashtags_are_distinct_lower_case_without_hash() -> None:
    assert hashtags("#AWS loves #aws and #Cloud_9, not a#b or ##x") == ["aws", "cloud_9"]


def test_mentions_are_handles() -> None:
    assert mentions("hi @andrew_brown and @bo, mail a@b.c, @andrew_brown again, @x") == ["andrew_brown"]
