"""moderation: users.suspended, reports (with their evidence snapshot) and the moderation audit log

Revision ID: 0104_moderation
Revises: 0102_outbox (to become 0103_relations's id when the relations revision is merged)
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB, UUID

revision = "0104_moderation"
down_revision = "0103"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("users", sa.Column("suspended", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.create_table(
        "reports",
        sa.Column("id", UUID(as_uuid=True), nullable=False),
        sa.Column("reporter_uuid", UUID(as_uuid=True), nullable=False),
        sa.Column("target_type", sa.String(16), nullable=False),
        sa.Column("target_id", UUID(as_uuid=True), nullable=False),
        sa.Column("target_user_uuid", UUID(as_uuid=True), nullable=False),
        sa.Column("category", sa.String(16), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False, server_default=""),
        sa.Column("content", JSONB(), nullable=True),
        sa.Column("context", JSONB(), nullable=False, server_default=sa.text("'[]'::jsonb")),
        sa.Column("status", sa.String(16), nullable=False, server_default="open"),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("hold_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("action", sa.String(16), nullable=True),
        sa.Column("note", sa.Text(), nullable=False, server_default=""),
        sa.Column("moderator_uuid", UUID(as_uuid=True), nullable=True),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_reports"),
        sa.ForeignKeyConstraint(
            ["reporter_uuid"], ["users.uuid"], name="fk_reports_reporter_uuid_users", ondelete="CASCADE"
        ),
        sa.CheckConstraint("target_type IN ('crud', 'message', 'user')", name="ck_reports_target_type"),
        sa.CheckConstraint(
            "category IN ('spam', 'harassment', 'illegal', 'other')", name="ck_reports_category"
        ),
        sa.CheckConstraint("status IN ('open', 'resolved')", name="ck_reports_status"),
        sa.CheckConstraint("char_length(comment) <= 1000", name="ck_reports_comment_length"),
        sa.CheckConstraint(
            "action IS NULL OR action IN ('dismiss', 'remove', 'suspend')", name="ck_reports_action"
        ),
        sa.CheckConstraint("char_length(note) <= 1000", name="ck_reports_note_length"),
        sa.CheckConstraint(
            "(status = 'open') = (resolved_at IS NULL)", name="ck_reports_resolved_when_closed"
        ),
    )
    # One open report per reporter and target (the race-safe ON CONFLICT of a second report).
    op.create_index(
        "uq_reports_open_target",
        "reports",
        ["reporter_uuid", "target_type", "target_id"],
        unique=True,
        postgresql_where=sa.text("status = 'open'"),
    )
    # The queue (open, oldest first) and the resolved list (newest first).
    op.create_index(
        "ix_reports_open_queue", "reports", ["created_at", "id"], postgresql_where=sa.text("status = 'open'")
    )
    op.create_index(
        "ix_reports_resolved",
        "reports",
        ["resolved_at", "id"],
        postgresql_where=sa.text("status = 'resolved'"),
    )
    op.create_table(
        "moderation_audit",
        sa.Column("id", sa.BigInteger(), sa.Identity(), nullable=False),
        sa.Column("report_id", UUID(as_uuid=True), nullable=True),
        sa.Column("moderator_uuid", UUID(as_uuid=True), nullable=False),
        sa.Column("moderator_handle", sa.String(30), nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("user_uuid", UUID(as_uuid=True), nullable=True),
        sa.Column("user_handle", sa.String(30), nullable=True),
        sa.Column("note", sa.Text(), nullable=False, server_default=""),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.PrimaryKeyConstraint("id", name="pk_moderation_audit"),
        sa.ForeignKeyConstraint(
            ["report_id"], ["reports.id"], name="fk_moderation_audit_report_id_reports", ondelete="SET NULL"
        ),
        sa.CheckConstraint(
            "action IN ('dismiss', 'remove', 'suspend', 'unsuspend')", name="ck_moderation_audit_action"
        ),
        sa.CheckConstraint("char_length(note) <= 1000", name="ck_moderation_audit_note_length"),
    )


def downgrade() -> None:
    op.drop_table("moderation_audit")
    op.drop_table("reports")
    op.drop_column("users", "suspended")
