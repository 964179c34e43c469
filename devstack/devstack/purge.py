"""`make purge`: delete expired cruds (and what hangs off them, their pictures too) from the `make run` stack.

Runs the activity service's own purge (`activity_service.purge`), the code the scheduled task runs in AWS.
"""

from __future__ import annotations

import asyncio
import os

from devstack import config as c


def main() -> None:
    """Purge in batches; safe while the product serves traffic."""
    cfg = c.StackConfig.for_run()
    os.environ.setdefault("DATABASE_URL", cfg.db_url)
    for name, value in (
        ("AWS_ENDPOINT_URL", cfg.aws_url),
        ("AWS_ACCESS_KEY_ID", "cruddur"),
        ("AWS_SECRET_ACCESS_KEY", "cruddur"),
        ("UPLOADS_BUCKET", c.UPLOADS_BUCKET),
        ("ASSETS_BUCKET", c.ASSETS_BUCKET),
    ):
        os.environ.setdefault(name, value)
    from activity_service.purge import run as purge_expired

    try:
        counts = asyncio.run(purge_expired())
    except OSError as exc:
        raise SystemExit(f"cannot reach {cfg.db_url} ({exc}); start `make run` first") from exc
    print(f"purged {counts}")
