"""Rules for user text, one definition for every service: no control characters, no bidi overrides,
"blank" means nothing visible (zero-width characters and fillers do not count), and a length is the
number of characters a reader sees (`text_length`).

The edge (`cruddur_common.input`) refuses control characters on every request already; the domain
rules here also refuse bidi controls and invisible-only text, and hold for text that arrives another way.
"""

from __future__ import annotations

import re
import unicodedata

import regex

from cruddur_common.errors import Unprocessable

# C0 controls but tab, line feed and carriage return; DEL; C1 controls; lone UTF-16 surrogates
# (JSON `\ud800` decodes to one, and neither Postgres nor UTF-8 can store it).
CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
# Single-line text (names) also refuses tab, line feed and carriage return.
LINE_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
# Embedding, override and isolate controls reorder what readers see (a "Trojan Source" filename trick).
BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
# Characters that draw nothing but are not format (Cf) characters: Hangul fillers, braille blank.
_FILLERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")
# One extended grapheme cluster (Unicode UAX #29), what a reader sees as one character.
_GRAPHEME = regex.compile(r"\X")


class InvalidCharacters(Unprocessable):
    """Text with control characters (or unpaired surrogates) that no field allows."""

    code = "invalid_characters"


class BidiControl(Unprocessable):
    """Text with a bidi embedding, override or isolate control (U+202A-U+202E, U+2066-U+2069)."""

    code = "bidi_control"


def check_text(value: str, *, field: str, multiline: bool = True) -> None:
    """422 `invalid_characters` for control characters, 422 `bidi_control` for bidi controls."""
    if (CONTROLS if multiline else LINE_CONTROLS).search(value):
        raise InvalidCharacters(
            f"The {field} contains control characters.", details={"field": field, "multiline": multiline}
        )
    if BIDI_CONTROLS.search(value):
        raise BidiControl(
            f"The {field} contains bidi override or isolate characters.", details={"field": field}
        )


def is_blank(value: str) -> bool:
    """Whether nothing in `value` is visible: only whitespace, format characters (Cf) and fillers."""
    return all(ch.isspace() or ch in _FILLERS or unicodedata.category(ch) == "Cf" for ch in value)


# Every limit on user text counts this way. The SPA counts with `Intl.Segmenter` (src/lib/text.ts
# `charCount`) by the same rules; frontend-react-js/src/test/text-length.json holds both to the same answers.
def text_length(value: str) -> int:
    """User-perceived characters (extended grapheme clusters): a family emoji, a flag, e + accent are 1."""
    return sum(1 for _ in _GRAPHEME.finditer(value))


# A character may be a sequence (a family emoji is 7 code points; one cluster can chain without end), so a
# limit of N characters also allows at most N * CODE_POINTS_PER_CHAR code points: the columns and indexes
# that hold user text are sized by that (users.display_name is varchar(400) for 50 characters).
CODE_POINTS_PER_CHAR = 8


def over_limit(value: str, max_chars: int) -> bool:
    """Whether `value` has more than `max_chars` characters (or code points beyond their ceiling)."""
    return len(value) > max_chars * CODE_POINTS_PER_CHAR or text_length(value) > max_chars


def shorten(value: str, max_code_points: int) -> str:
    """The longest start of `value` in whole characters that fits in `max_code_points` code points (a
    preview never ends in half an emoji); a first character longer than that alone is cut in code points."""
    if len(value) <= max_code_points:
        return value
    end = 0
    for match in _GRAPHEME.finditer(value):
        if match.end() > max_code_points:
            break
        end = match.end()
    return value[: end or max_code_points]


def clean_text(raw: str, *, field: str, multiline: bool = True) -> str:
    """`raw` trimmed of whitespace, after `check_text`; callers decide what blank and too long mean."""
    check_text(raw, field=field, multiline=multiline)
    return raw.strip()
