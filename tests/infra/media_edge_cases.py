"""One table of `expires` values both edges must judge alike: the local gateway and the CloudFront Function.

Each case: the URL's `expires` values (none, one, or several), the clock, and what the edge answers:
None (404, the picture is not served) or the `Cache-Control` it sends with the picture.
"""

from __future__ import annotations

from typing import NamedTuple

NOW = 1_800_000_000  # a fixed clock: 2027-01-15T08:00:00Z
DAY = 86400


class EdgeCase(NamedTuple):
    """What the edge answers for `expires` at `now`."""

    id: str
    expires: tuple[str, ...]
    now: int
    cache_control: str | None


CASES = (
    EdgeCase("an-hour-left", (str(NOW + 3600),), NOW, "public, max-age=3600"),
    EdgeCase("a-second-left", (str(NOW + 1),), NOW, "public, max-age=1"),
    EdgeCase("a-week-left-capped-at-a-day", (str(NOW + 7 * DAY),), NOW, f"public, max-age={DAY}"),
    EdgeCase("thirty-days-left", (str(NOW + 30 * DAY),), NOW, f"public, max-age={DAY}"),
    EdgeCase("ends-now", (str(NOW),), NOW, None),
    EdgeCase("ended", (str(NOW - 1),), NOW, None),
    EdgeCase("missing", (), NOW, None),
    EdgeCase("empty", ("",), NOW, None),
    EdgeCase("not-a-number", ("tomorrow",), NOW, None),
    EdgeCase("fraction", (f"{NOW + 60}.5",), NOW, None),
    EdgeCase("negative", ("-5",), NOW, None),
    EdgeCase("signed", (f"+{NOW + 60}",), NOW, None),
    EdgeCase("hex", ("0x6b49d200",), NOW, None),
    EdgeCase("exponent", ("2e9",), NOW, None),
    EdgeCase("spaces", (f" {NOW + 60}",), NOW, None),
    EdgeCase("beyond-any-crud", (str(NOW + 31 * DAY),), NOW, None),
    EdgeCase("huge", ("9" * 40,), NOW, None),
    EdgeCase("twice", (str(NOW + 60), str(NOW + 120)), NOW, None),
)
