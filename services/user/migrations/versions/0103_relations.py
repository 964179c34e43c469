"""blocks and mutes

Revision ID: 0103
Revises: 0102_outbox
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import UUID

revision = "0103"
down_revision = "0102_outbox"
branch_labels = None
depends_on = None


def _pair_table(name: str, first: str, second: str, *extra: sa.Column[object]) -> None:
    """A relation from `first` to `second` (both users, cascade), never to oneself."""
    op.create_table(
        name,
        sa.Column(first, UUID(as_uuid=True), nullable=False),
        sa.Column(second, UUID(as_uuid=True), nullable=False),
        *extra,
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.PrimaryKeyConstraint(first, second, name=f"pk_{name}"),
        sa.ForeignKeyConstraint([first], ["users.uuid"], name=f"fk_{name}_{first}_users", ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            [second], ["users.uuid"], name=f"fk_{name}_{second}_users", ondelete="CASCADE"
        ),
        sa.CheckConstraint(f"{first} <> {second}", name=f"ck_{name}_not_self"),
    )


def upgrade() -> None:
    _pair_table("blocks", "blocker_uuid", "blocked_uuid")
    # the blocker's list (newest first); "who blocked me" (suggestions, the pair check the other way);
    # the PK serves "did A block B"
    op.create_index("ix_blocks_blocker_created", "blocks", ["blocker_uuid", "created_at", "blocked_uuid"])
    op.create_index("ix_blocks_blocked", "blocks", ["blocked_uuid", "blocker_uuid"])
    # until: null = until unmuted; a mute whose until has passed is absent everywhere (no job deletes it)
    _pair_table("mutes", "muter_uuid", "muted_uuid", sa.Column("until", sa.DateTime(timezone=True)))
    op.create_index("ix_mutes_muter_created", "mutes", ["muter_uuid", "created_at", "muted_uuid"])


def downgrade() -> None:
    op.drop_table("mutes")
    op.drop_table("blocks")
