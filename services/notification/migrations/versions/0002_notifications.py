"""notifications, per-recipient sequence counters, retracted activities

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import UUID

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

KINDS = "('reply', 'mention', 'like', 'repost', 'follow', 'message')"


def upgrade() -> None:
    op.create_table(
        "notifications",
        sa.Column("id", sa.BigInteger(), sa.Identity(), nullable=False),
        sa.Column("event_id", UUID(as_uuid=True), nullable=False),
        sa.Column("recipient_sub", sa.String(128), nullable=False),
        sa.Column("recipient_uuid", UUID(as_uuid=True), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("actor_uuid", UUID(as_uuid=True), nullable=False),
        sa.Column("actor_handle", sa.String(64), nullable=False),
        sa.Column("actor_display_name", sa.String(128), nullable=False),
        sa.Column("actor_avatar_url", sa.Text(), nullable=True),
        sa.Column("activity_uuid", UUID(as_uuid=True), nullable=True),
        sa.Column("activity_handle", sa.String(64), nullable=True),
        sa.Column("message_group_uuid", UUID(as_uuid=True), nullable=True),
        sa.Column("preview", sa.String(140), nullable=True),
        sa.Column("body", sa.Text(), nullable=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("inserted_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.PrimaryKeyConstraint("id", name="pk_notifications"),
        sa.UniqueConstraint("event_id", name="uq_notifications_event_id"),
        sa.UniqueConstraint("recipient_sub", "seq", name="uq_notifications_recipient_sub_seq"),
        sa.CheckConstraint(f"kind IN {KINDS}", name="ck_notifications_kind"),
    )
    op.create_index(
        "ix_notifications_unread",
        "notifications",
        ["recipient_sub"],
        postgresql_where=sa.text("read_at IS NULL"),
    )
    op.create_index(
        "ix_notifications_activity_uuid",
        "notifications",
        ["activity_uuid"],
        postgresql_where=sa.text("activity_uuid IS NOT NULL"),
    )
    op.create_index(
        "ix_notifications_expires_at",
        "notifications",
        ["expires_at"],
        postgresql_where=sa.text("expires_at IS NOT NULL"),
    )
    op.create_table(
        "recipients",
        sa.Column("sub", sa.String(128), nullable=False),
        sa.Column("last_seq", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("sub", name="pk_recipients"),
    )
    op.create_table(
        "retracted_activities",
        sa.Column("activity_uuid", UUID(as_uuid=True), nullable=False),
        sa.Column("retracted_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.PrimaryKeyConstraint("activity_uuid", name="pk_retracted_activities"),
    )


def downgrade() -> None:
    op.drop_table("retracted_activities")
    op.drop_table("recipients")
    op.drop_table("notifications")
