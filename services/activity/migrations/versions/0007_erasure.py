"""erasure: erased authors (tombstones), and the per-user indexes erasure and export read (issue 16)

Revision ID: 0007_erasure
Revises: 0006_media
Create Date: 2026-11-30
"""

from alembic import op

revision = "0007_erasure"
down_revision = "0006_media"
branch_labels = None
depends_on = None

# `authors.erased_at`: the user deleted their account (an `erasure` event; docs/activity.md, "Account
# erasure"). The row stays as a tombstone (placeholder handle, "Deleted account", no bio or avatar): no
# later author, follow, block, mute or suspension event about that user is applied, and cruds kept by an
# evidence hold still have their author. The indexes find one user's rows without scanning the tables:
# their cruds AND replies (`ix_activities_author_feed` has cruds only), their likes (the PK starts with
# the crud), and the `hidden` rows that name them as the hidden side (the PK starts with the viewer).
UPGRADE = """
ALTER TABLE authors ADD COLUMN erased_at timestamptz;
CREATE INDEX ix_activities_user ON activities (user_uuid, created_at DESC, uuid DESC);
CREATE INDEX ix_likes_user ON likes (user_uuid, created_at DESC);
CREATE INDEX ix_hidden_author ON hidden (author_uuid)
"""

DOWNGRADE = """
DROP INDEX ix_hidden_author;
DROP INDEX ix_likes_user;
DROP INDEX ix_activities_user;
ALTER TABLE authors DROP COLUMN erased_at
"""


def _run(script: str) -> None:
    for statement in script.split(";\n"):
        if statement.strip():
            op.execute(statement)


def upgrade() -> None:
    _run(UPGRADE)


def downgrade() -> None:
    _run(DOWNGRADE)
