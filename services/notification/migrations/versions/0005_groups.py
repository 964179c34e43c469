"""groups (issue 18): likes and reposts of one crud list as one; a like or repost is notified once

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30
"""

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # "Is there a newer one of this group?" for every listed or counted like and repost (repository._head);
    # "was this like, repost or follow notified already?" reads the actor index.
    op.create_index(
        "ix_notifications_group",
        "notifications",
        ["recipient_sub", "kind", "activity_uuid", "seq"],
        postgresql_where="kind IN ('like', 'repost')",
    )


def downgrade() -> None:
    op.drop_index("ix_notifications_group", table_name="notifications")
