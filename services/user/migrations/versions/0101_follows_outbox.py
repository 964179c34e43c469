"""follows and outbox

Revision ID: 0101
Revises: 0100
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB, UUID

revision = "0101"
down_revision = "0100"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "follows",
        sa.Column("follower_uuid", UUID(as_uuid=True), nullable=False),
        sa.Column("followee_uuid", UUID(as_uuid=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.PrimaryKeyConstraint("follower_uuid", "followee_uuid", name="pk_follows"),
        sa.ForeignKeyConstraint(
            ["follower_uuid"], ["users.uuid"], name="fk_follows_follower_uuid_users", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["followee_uuid"], ["users.uuid"], name="fk_follows_followee_uuid_users", ondelete="CASCADE"
        ),
        sa.CheckConstraint("follower_uuid <> followee_uuid", name="ck_follows_not_self"),
    )
    # followers list (newest first) and following list; the PK serves "does A follow B"
    op.create_index(
        "ix_follows_followee_created", "follows", ["followee_uuid", "created_at", "follower_uuid"]
    )
    op.create_index(
        "ix_follows_follower_created", "follows", ["follower_uuid", "created_at", "followee_uuid"]
    )
    op.create_table(
        "outbox",
        sa.Column("id", sa.BigInteger(), sa.Identity(), primary_key=True),
        sa.Column("destination", sa.String(32), nullable=False),
        sa.Column("method", sa.String(8), nullable=False),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("body", JSONB(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"),
        sa.Column(
            "next_attempt_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.PrimaryKeyConstraint("id", name="pk_outbox"),
    )
    op.create_index("ix_outbox_destination", "outbox", ["destination", "id"])
    # suggestions fall back to the newest people
    op.create_index("ix_users_created_at", "users", ["created_at"])


def downgrade() -> None:
    op.drop_index("ix_users_created_at", table_name="users")
    op.drop_table("outbox")
    op.drop_table("follows")
