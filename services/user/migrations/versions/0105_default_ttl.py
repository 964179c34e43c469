"""users.default_ttl: the crud preset a person's composer starts from (null: the SPA's own default)

Revision ID: 0105_default_ttl
Revises: 0104_moderation
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0105_default_ttl"
down_revision = "0104_moderation"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # No CHECK on the value: the presets (cruddur_common.expiry.TTLS) are the service's to check, and a
    # preset retired later must not make old rows unwritable.
    op.add_column("users", sa.Column("default_ttl", sa.String(16), nullable=True))


def downgrade() -> None:
    op.drop_column("users", "default_ttl")
