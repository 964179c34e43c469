"""people search: trigram indexes on authors' handles and names (issue 18, finding 5)

Revision ID: 0010_people_search
Revises: 0009_search_recent
Create Date: 2026-11-30
"""

from alembic import op

revision = "0010_people_search"
down_revision = "0009_search_recent"
branch_labels = None
depends_on = None

# People search matches any part of a handle or a name ("Brown" finds Andrew Brown): `LIKE '%term%'`
# and the trigram similarity operator `%` both use these GIN indexes (docs/activity.md, "People search",
# has the EXPLAIN). pg_trgm ships with Postgres' contrib and is a trusted extension (RDS allows it); in
# AWS the admin creates it (cruddur_common.db_roles.EXTENSIONS: the service's role may not), so here it
# only exists. The prefix btrees of 0002 stay: exact and prefix probes of a handle use them.
UPGRADE = """
CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public;
CREATE INDEX ix_authors_handle_trgm ON authors USING gin (lower(handle) gin_trgm_ops);
CREATE INDEX ix_authors_display_name_trgm ON authors USING gin (lower(display_name) gin_trgm_ops)
"""

# The extension stays: other schemas of the database may use it.
DOWNGRADE = """
DROP INDEX ix_authors_display_name_trgm;
DROP INDEX ix_authors_handle_trgm
"""


def _run(script: str) -> None:
    for statement in script.split(";\n"):
        if statement.strip():
            op.execute(statement)


def upgrade() -> None:
    _run(UPGRADE)


def downgrade() -> None:
    _run(DOWNGRADE)
