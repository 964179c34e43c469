"""`make moderator EMAIL=…`: put a user of the running `make run` stack in the Cognito group `moderators`."""

from __future__ import annotations

from botocore.exceptions import BotoCoreError, ClientError

from devstack import config as c
from devstack.aws_bootstrap import add_moderator


def main(email: str | None) -> None:
    """Add the user with this email to the moderators group; they see it from their next sign-in."""
    if not email:
        raise SystemExit("usage: make moderator EMAIL=someone@example.com")
    cfg = c.StackConfig.for_run()
    try:
        add_moderator(cfg.aws_url, email)
    except ClientError as exc:
        if exc.response["Error"]["Code"] == "UserNotFoundException":
            raise SystemExit(f"no user with the email {email} in the local Cognito; sign up first") from exc
        raise
    except BotoCoreError as exc:
        raise SystemExit(
            f"cannot reach the local Cognito at {cfg.aws_url} ({exc}); start `make run` first"
        ) from exc
    print(f"{email} is a moderator; they see the Moderation page after their next sign-in")
