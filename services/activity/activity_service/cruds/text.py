"""Message rules: trimming, character limits, the shared text rules, hashtags and mentions."""

from __future__ import annotations

import re

from activity_service.errors import MessageBlank, MessageTooLong
from cruddur_common.text import clean_text, is_blank, over_limit, text_length

HASHTAG = re.compile(r"(?<![\w#])#(\w{1,100})")
MENTION = re.compile(r"(?<![\w@])@([A-Za-z0-9_]{3,30})\b")


def clean_message(raw: str, *, max_chars: int) -> str:
    """The trimmed message; 422 when blank (nothing visible), too long, or against the text rules.

    The text rules (cruddur_common.text): `invalid_characters` for controls, `bidi_control` for bidi
    overrides and isolates.
    """
    message = clean_text(raw, field="message")
    if is_blank(message):
        raise MessageBlank("The message is blank.")
    if over_limit(message, max_chars):
        length = text_length(message)
        raise MessageTooLong(
            f"The message has {length} characters; at most {max_chars} are allowed.",
            details={"max": max_chars, "length": length},
        )
    return message


def hashtags(message: str) -> list[str]:
    """Distinct lower-case hashtags, without `#`, in order of appearance."""
    return list(dict.fromkeys(m.lower() for m in HASHTAG.findall(message)))


def mentions(message: str) -> list[str]:
    """Distinct @mentioned handles, in order of appearance."""
    return list(dict.fromkeys(MENTION.findall(message)))
