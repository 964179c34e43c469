"""erased users (issue 16): who deleted their account, so later events for or by them are dropped

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import UUID

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "erased_users",
        sa.Column("user_uuid", UUID(as_uuid=True), nullable=False),
        sa.Column("sub", sa.String(128), nullable=False),
        sa.Column("erased_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.PrimaryKeyConstraint("user_uuid", name="pk_erased_users"),
    )
    op.create_index("ix_erased_users_sub", "erased_users", ["sub"])
    op.create_index("ix_notifications_actor_uuid", "notifications", ["actor_uuid"])


def downgrade() -> None:
    op.drop_index("ix_notifications_actor_uuid", table_name="notifications")
    op.drop_index("ix_erased_users_sub", table_name="erased_users")
    op.drop_table("erased_users")
