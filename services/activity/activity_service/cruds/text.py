"""Message rules: trimming, character limits, storable text, hashtags and mentions."""

from __future__ import annotations

import re

from activity_service.errors import MessageBlank, MessageInvalid, MessageTooLong

HASHTAG = re.compile(r"(?<![\w#])#(\w{1,100})")
MENTION = re.compile(r"(?<![\w@])@([A-Za-z0-9_]{3,30})\b")


def clean_message(raw: str, *, max_chars: int) -> str:
    """The trimmed message; 422 with a stable code when blank, too long or not storable."""
    message = raw.strip()
    if not message:
        raise MessageBlank("The message is blank.")
    if len(message) > max_chars:
        raise MessageTooLong(
            f"The message has {len(message)} characters; at most {max_chars} are allowed.",
            details={"max": max_chars, "length": len(message)},
        )
    if "\x00" in message:
        raise MessageInvalid("The message contains a NUL character.")
    try:
        message.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise MessageInvalid("The message contains characters that are not valid Unicode.") from exc
    return message


def hashtags(message: str) -> list[str]:
    """Distinct lower-case hashtags, without `#`, in order of appearance."""
    return list(dict.fromkeys(m.lower() for m in HASHTAG.findall(message)))


def mentions(message: str) -> list[str]:
    """Distinct @mentioned handles, in order of appearance."""
    return list(dict.fromkeys(MENTION.findall(message)))
