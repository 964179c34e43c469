"""How long things live: the crud presets, their 30-day cap, and the direct-message timers.

One vocabulary for every service that asks "how long": activity (a crud's `ttl`, its author's later
change), user (a person's `default_ttl`) and messaging (a conversation's `message_ttl`).
"""

from __future__ import annotations

from datetime import timedelta

from cruddur_common.errors import Unprocessable

# The crud presets, longest first (the order the SPA offers them in).
TTLS: dict[str, timedelta] = {
    "30-days": timedelta(days=30),
    "7-days": timedelta(days=7),
    "3-days": timedelta(days=3),
    "1-day": timedelta(days=1),
    "12-hours": timedelta(hours=12),
    "3-hours": timedelta(hours=3),
    "1-hour": timedelta(hours=1),
}
# No crud ends later than this after it was posted, however often its author extends it.
MAX_LIFE = timedelta(days=30)
# The disappearing-message timers of a conversation, shortest first.
MESSAGE_TTLS: dict[str, timedelta] = {
    "1-hour": timedelta(hours=1),
    "1-day": timedelta(days=1),
    "7-days": timedelta(days=7),
    "30-days": timedelta(days=30),
}


class TtlInvalid(Unprocessable):
    """The ttl is not one of the presets."""

    code = "ttl_invalid"


def preset(ttl: str) -> timedelta:
    """The life of a crud preset; 422 `ttl_invalid` (naming the allowed ones) for anything else."""
    try:
        return TTLS[ttl]
    except KeyError:
        raise TtlInvalid(
            f"Unknown ttl {ttl[:32]!r}; use one of {', '.join(TTLS)}.", details={"allowed": list(TTLS)}
        ) from None
