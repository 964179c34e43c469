"""blocks, mutes and suspended users (a projection of the user service); notifications between two people

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import UUID

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "blocks",
        sa.Column("blocker", UUID(as_uuid=True), nullable=False),
        sa.Column("blocked", UUID(as_uuid=True), nullable=False),
        sa.PrimaryKeyConstraint("blocker", "blocked", name="pk_blocks"),
        sa.CheckConstraint("blocker <> blocked", name="ck_blocks_not_self"),
    )
    op.create_table(
        "mutes",
        sa.Column("muter", UUID(as_uuid=True), nullable=False),
        sa.Column("muted", UUID(as_uuid=True), nullable=False),
        sa.Column("until", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("muter", "muted", name="pk_mutes"),
        sa.CheckConstraint("muter <> muted", name="ck_mutes_not_self"),
    )
    op.create_table(
        "suspended_users",
        sa.Column("user_uuid", UUID(as_uuid=True), nullable=False),
        sa.PrimaryKeyConstraint("user_uuid", name="pk_suspended_users"),
    )
    op.create_index(
        "ix_notifications_recipient_uuid_actor_uuid", "notifications", ["recipient_uuid", "actor_uuid"]
    )


def downgrade() -> None:
    op.drop_index("ix_notifications_recipient_uuid_actor_uuid", table_name="notifications")
    op.drop_table("suspended_users")
    op.drop_table("mutes")
    op.drop_table("blocks")
