"""Typed settings shared by every service; each service subclasses and reads them through a cached getter."""

from __future__ import annotations

from typing import Literal
from urllib.parse import quote

from limits import parse_many
from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEV_ENVS = ("dev", "test")
DEV_CURSOR_SECRET = "cruddur-dev-cursor-secret"  # noqa: S105 - refused in prod below
MIN_CURSOR_SECRET = 32
DEV_INTERNAL_SECRET = "cruddur-dev-internal-secret"  # noqa: S105 - refused in prod below
MIN_INTERNAL_SECRET_CHARS = 32  # HS256 keys shorter than the hash are guessable offline


class CommonSettings(BaseSettings):
    """Settings every Cruddur service understands. Environment variables, case-insensitive."""

    model_config = SettingsConfigDict(env_file=None, extra="ignore", case_sensitive=False)

    cruddur_env: Literal["dev", "test", "prod"] = "dev"
    log_level: str = "INFO"

    aws_region: str = "us-east-1"
    aws_endpoint_url: str | None = None

    database_url: str | None = None
    db_host: str | None = None
    db_port: int = 5432
    db_name: str = "cruddur"
    db_user: str | None = None
    db_password: str | None = None
    db_pool_size: int = 10
    migrate_on_start: bool = False

    cognito_user_pool_id: str = ""
    cognito_client_id: str = ""
    cognito_issuer: str | None = None
    cognito_jwks_url: str | None = None
    auth_leeway_seconds: int = Field(default=30, ge=0, le=60)
    jwks_refetch_interval_seconds: float = Field(default=30.0, ge=0)

    activity_url: str = "http://activity:8101"
    user_url: str = "http://user:8102"
    messaging_url: str = "http://messaging:8103"
    notification_url: str = "http://notification:8104"
    internal_timeout_seconds: float = 5.0
    # Signs the service credential of /internal/* calls (cruddur_common.internal_auth).
    internal_secret: SecretStr = SecretStr(DEV_INTERNAL_SECRET)
    internal_secret_arn: str | None = None  # Lambdas: read at cold start (cruddur_common.lambda_secrets)

    redis_url: str | None = None
    # Per-user limits on writes (cruddur_common.rate_limits, docs/rate-limits.md), in the `limits` library's
    # notation "<count>/<n> <unit>" (e.g. "30/5 minutes", "20/hour"); RATE_LIMIT_POSTS=... overrides one.
    rate_limit_posts: str = "30/5 minutes"  # posts and replies
    rate_limit_reactions: str = "120/5 minutes"  # likes and reposts, on and off
    rate_limit_follows: str = "60/5 minutes"  # follow and unfollow
    rate_limit_messages: str = "60/5 minutes"  # direct messages sent
    rate_limit_uploads: str = "20/hour"  # avatar and media upload grants
    rate_limit_reports: str = "20/hour"
    rate_limit_relations: str = "60/5 minutes"  # block, unblock, mute, unmute
    cursor_secret: str = DEV_CURSOR_SECRET
    max_body_bytes: int = 1_048_576
    hot_routes: bool = True  # HOT_ROUTES=false: serve the hot routes through FastAPI too (cruddur_common.hot)

    @field_validator(
        "rate_limit_posts",
        "rate_limit_reactions",
        "rate_limit_follows",
        "rate_limit_messages",
        "rate_limit_uploads",
        "rate_limit_reports",
        "rate_limit_relations",
    )
    @classmethod
    def _rate_limit(cls, value: str) -> str:
        """Refuse at startup what `limits` cannot parse (or a single limit per item: one window each)."""
        try:
            parsed = parse_many(value)
        except ValueError as exc:
            raise ValueError(f"{value!r} is not a rate limit like '30/5 minutes'") from exc
        if len(parsed) != 1:
            raise ValueError(f"{value!r}: give one rate limit per action, like '30/5 minutes'")
        return value

    @model_validator(mode="after")
    def _refuse_dev_defaults_in_prod(self) -> CommonSettings:
        if self.cruddur_env == "prod" and not (self.cognito_user_pool_id and self.cognito_client_id):
            raise ValueError("COGNITO_USER_POOL_ID and COGNITO_CLIENT_ID are required in prod")
        if self.cruddur_env == "prod" and self.cursor_secret == DEV_CURSOR_SECRET:
            raise ValueError("CURSOR_SECRET must be set in prod (the dev default is public)")
        if self.cruddur_env == "prod" and len(self.cursor_secret) < MIN_CURSOR_SECRET:
            # an empty or short key lets anyone sign cursors (or guess one offline)
            raise ValueError(f"CURSOR_SECRET must be at least {MIN_CURSOR_SECRET} characters in prod")
        internal = self.internal_secret.get_secret_value()
        if (
            self.cruddur_env == "prod"
            and not self.internal_secret_arn
            and (internal == DEV_INTERNAL_SECRET or len(internal) < MIN_INTERNAL_SECRET_CHARS)
        ):
            raise ValueError(
                f"INTERNAL_SECRET ({MIN_INTERNAL_SECRET_CHARS}+ characters) or INTERNAL_SECRET_ARN must be "
                "set in prod (the dev default is public)"
            )
        return self

    @property
    def issuer(self) -> str:
        """The `iss` every access token must carry."""
        if self.cognito_issuer:
            return self.cognito_issuer.rstrip("/")
        return f"https://cognito-idp.{self.aws_region}.amazonaws.com/{self.cognito_user_pool_id}"

    @property
    def jwks_url(self) -> str:
        """Where the pool's signing keys are published (the local emulator serves them elsewhere)."""
        return self.cognito_jwks_url or f"{self.issuer}/.well-known/jwks.json"

    @property
    def sqlalchemy_url(self) -> str | None:
        """The asyncpg URL, from DATABASE_URL or the DB_* parts that ECS injects from Secrets Manager."""
        if self.database_url:
            url = self.database_url
            for prefix in ("postgresql://", "postgres://"):
                if url.startswith(prefix):
                    return "postgresql+asyncpg://" + url[len(prefix) :]
            return url
        if self.db_host and self.db_user:
            password = quote(self.db_password or "", safe="")
            user = quote(self.db_user, safe="")
            return f"postgresql+asyncpg://{user}:{password}@{self.db_host}:{self.db_port}/{self.db_name}"
        return None
