"""activity schema

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    """The schema itself is created by the migration environment; tables come in later revisions."""


def downgrade() -> None:
    """Nothing to undo."""
