"""text length: user text limits count characters, columns hold their code points (issue 18)

Revision ID: 0108_text_length
Revises: 0107_account_deletion
Create Date: 2026-11-30
"""

from alembic import op

revision = "0108_text_length"
down_revision = "0107_account_deletion"
branch_labels = None
depends_on = None

# The services count user-perceived characters (cruddur_common.text.over_limit): 50 for a name may be up
# to 50 * CODE_POINTS_PER_CHAR (8) code points, which is what these columns and checks now hold. The
# characters themselves are checked by the service; the database keeps the code-point ceiling. The old
# checks carry the naming convention twice (0001 and 0104 named them in full): both names are dropped and
# the new ones take the models' names.
UPGRADE = """
ALTER TABLE users ALTER COLUMN display_name TYPE varchar(400);
ALTER TABLE users DROP CONSTRAINT IF EXISTS ck_users_ck_users_display_name_length;
ALTER TABLE users DROP CONSTRAINT IF EXISTS ck_users_display_name_length;
ALTER TABLE users ADD CONSTRAINT ck_users_display_name_length
    CHECK (char_length(display_name) BETWEEN 1 AND 400);
ALTER TABLE users DROP CONSTRAINT IF EXISTS ck_users_ck_users_bio_length;
ALTER TABLE users DROP CONSTRAINT IF EXISTS ck_users_bio_length;
ALTER TABLE users ADD CONSTRAINT ck_users_bio_length CHECK (char_length(bio) <= 1280);
ALTER TABLE reports DROP CONSTRAINT IF EXISTS ck_reports_ck_reports_comment_length;
ALTER TABLE reports DROP CONSTRAINT IF EXISTS ck_reports_comment_length;
ALTER TABLE reports ADD CONSTRAINT ck_reports_comment_length CHECK (char_length(comment) <= 8000)
"""

# Only while no row is longer than the old limits (a downgrade after such rows fails, as it should).
DOWNGRADE = """
ALTER TABLE reports DROP CONSTRAINT IF EXISTS ck_reports_ck_reports_comment_length;
ALTER TABLE reports DROP CONSTRAINT IF EXISTS ck_reports_comment_length;
ALTER TABLE reports ADD CONSTRAINT ck_reports_comment_length CHECK (char_length(comment) <= 1000);
ALTER TABLE users DROP CONSTRAINT IF EXISTS ck_users_ck_users_bio_length;
ALTER TABLE users DROP CONSTRAINT IF EXISTS ck_users_bio_length;
ALTER TABLE users ADD CONSTRAINT ck_users_bio_length CHECK (char_length(bio) <= 160);
ALTER TABLE users DROP CONSTRAINT IF EXISTS ck_users_ck_users_display_name_length;
ALTER TABLE users DROP CONSTRAINT IF EXISTS ck_users_display_name_length;
ALTER TABLE users ADD CONSTRAINT ck_users_display_name_length
    CHECK (char_length(display_name) BETWEEN 1 AND 50);
ALTER TABLE users ALTER COLUMN display_name TYPE varchar(50)
"""


def _run(script: str) -> None:
    for statement in script.split(";\n"):
        if statement.strip():
            op.execute(statement)


def upgrade() -> None:
    _run(UPGRADE)


def downgrade() -> None:
    _run(DOWNGRADE)
