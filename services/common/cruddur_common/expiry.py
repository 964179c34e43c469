"""Expiry presets shared by the services (issue 15, contract §0).

Stand-in written by the dm branch so its code and tests run: the expiry branch owns this module (TTLS and
MAX_LIFE too); at merge its version replaces this one, which holds only what messaging imports.
"""

from __future__ import annotations

from datetime import timedelta

# Disappearing-message timers of a conversation (PUT /api/message_groups/{uuid}).
MESSAGE_TTLS: dict[str, timedelta] = {
    "1-hour": timedelta(hours=1),
    "1-day": timedelta(days=1),
    "7-days": timedelta(days=7),
    "30-days": timedelta(days=30),
}
