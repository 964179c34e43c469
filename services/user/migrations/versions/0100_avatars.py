"""avatar uploads: grants and the processor's verdicts

Revision ID: 0100
Revises: 0001
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import UUID

revision = "0100"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "avatar_uploads",
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("user_uuid", UUID(as_uuid=True), nullable=False),
        sa.Column("content_type", sa.Text(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False, server_default="granted"),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("message", sa.Text(), nullable=True),
        sa.Column("avatar_key", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.PrimaryKeyConstraint("key", name="pk_avatar_uploads"),
        sa.ForeignKeyConstraint(
            ["user_uuid"], ["users.uuid"], name="fk_avatar_uploads_user_uuid_users", ondelete="CASCADE"
        ),
        sa.CheckConstraint(
            "status IN ('granted', 'processing', 'ready', 'failed')", name="ck_avatar_uploads_status_known"
        ),
    )
    op.create_index("ix_avatar_uploads_user_created", "avatar_uploads", ["user_uuid", "created_at"])


def downgrade() -> None:
    op.drop_table("avatar_uploads")
