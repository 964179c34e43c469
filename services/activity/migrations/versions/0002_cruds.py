"""cruds: authors and follows projections, activities, likes, reposts, hashtags, outbox

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

UPGRADE = """
CREATE TABLE authors (
    uuid uuid PRIMARY KEY,
    cognito_user_id varchar(128) NOT NULL,
    handle varchar(30) NOT NULL,
    display_name varchar(50) NOT NULL,
    bio text NOT NULL DEFAULT '',
    avatar_url text NOT NULL DEFAULT '',
    updated_at timestamptz NOT NULL,
    CONSTRAINT uq_authors_cognito_user_id UNIQUE (cognito_user_id)
);
CREATE UNIQUE INDEX uq_authors_handle_lower ON authors (lower(handle));
CREATE INDEX ix_authors_handle_prefix ON authors (lower(handle) text_pattern_ops);
CREATE INDEX ix_authors_display_name_prefix ON authors (lower(display_name) text_pattern_ops);

CREATE TABLE follows (
    follower_uuid uuid NOT NULL REFERENCES authors (uuid) ON DELETE CASCADE,
    followee_uuid uuid NOT NULL REFERENCES authors (uuid) ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT pk_follows PRIMARY KEY (follower_uuid, followee_uuid),
    CONSTRAINT ck_follows_not_self CHECK (follower_uuid <> followee_uuid)
);
CREATE INDEX ix_follows_followee ON follows (followee_uuid);

CREATE TABLE activities (
    uuid uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_uuid uuid NOT NULL REFERENCES authors (uuid) ON DELETE CASCADE,
    message text NOT NULL,
    reply_to_activity_uuid uuid REFERENCES activities (uuid) ON DELETE CASCADE,
    replies_count integer NOT NULL DEFAULT 0,
    reposts_count integer NOT NULL DEFAULT 0,
    likes_count integer NOT NULL DEFAULT 0,
    expires_at timestamptz NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    search tsvector GENERATED ALWAYS AS (to_tsvector('english'::regconfig, message)) STORED,
    CONSTRAINT ck_activities_message_length CHECK (
        char_length(btrim(message)) >= 1
        AND char_length(message) <= CASE WHEN reply_to_activity_uuid IS NULL THEN 280 ELSE 1024 END
    ),
    CONSTRAINT ck_activities_counts CHECK (replies_count >= 0 AND reposts_count >= 0 AND likes_count >= 0),
    CONSTRAINT ck_activities_expiry CHECK (expires_at > created_at)
);
-- explore / signed-out home: newest live cruds (index-only candidate scan, then 20 heap fetches)
CREATE INDEX ix_activities_feed ON activities (created_at DESC, uuid DESC)
    INCLUDE (expires_at) WHERE reply_to_activity_uuid IS NULL;
-- user page and the per-followee branch of the home feed
CREATE INDEX ix_activities_author_feed ON activities (user_uuid, created_at DESC, uuid DESC)
    INCLUDE (expires_at) WHERE reply_to_activity_uuid IS NULL;
-- crud page: replies oldest first
CREATE INDEX ix_activities_replies ON activities (reply_to_activity_uuid, created_at, uuid)
    WHERE reply_to_activity_uuid IS NOT NULL;
-- purge
CREATE INDEX ix_activities_expires_at ON activities (expires_at);
-- search
CREATE INDEX ix_activities_search ON activities USING gin (search);

CREATE TABLE likes (
    activity_uuid uuid NOT NULL REFERENCES activities (uuid) ON DELETE CASCADE,
    user_uuid uuid NOT NULL REFERENCES authors (uuid) ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT pk_likes PRIMARY KEY (activity_uuid, user_uuid)
);

CREATE TABLE reposts (
    activity_uuid uuid NOT NULL REFERENCES activities (uuid) ON DELETE CASCADE,
    user_uuid uuid NOT NULL REFERENCES authors (uuid) ON DELETE CASCADE,
    expires_at timestamptz NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT pk_reposts PRIMARY KEY (activity_uuid, user_uuid)
);
CREATE INDEX ix_reposts_user_feed ON reposts (user_uuid, created_at DESC, activity_uuid DESC)
    INCLUDE (expires_at);

CREATE TABLE hashtags (
    activity_uuid uuid NOT NULL REFERENCES activities (uuid) ON DELETE CASCADE,
    tag varchar(100) NOT NULL,
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    CONSTRAINT pk_hashtags PRIMARY KEY (activity_uuid, tag)
);
CREATE INDEX ix_hashtags_recent ON hashtags (created_at) INCLUDE (tag, expires_at);

CREATE TABLE outbox (
    id bigserial PRIMARY KEY,
    destination varchar(32) NOT NULL,
    method varchar(8) NOT NULL,
    path text NOT NULL,
    body jsonb,
    attempts integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    last_error text,
    created_at timestamptz NOT NULL DEFAULT now(),
    delivered_at timestamptz
);
-- the deliverer reads the pending head of each destination; delivered rows stay a day for audit
CREATE INDEX ix_outbox_pending ON outbox (destination, id) WHERE delivered_at IS NULL;
CREATE INDEX ix_outbox_delivered ON outbox (delivered_at) WHERE delivered_at IS NOT NULL;
"""


def upgrade() -> None:
    for statement in UPGRADE.split(";\n"):
        if statement.strip():
            op.execute(statement)


def downgrade() -> None:
    op.execute("DROP TABLE outbox, hashtags, reposts, likes, activities, follows, authors")
