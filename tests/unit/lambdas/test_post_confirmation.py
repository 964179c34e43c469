"""The Cognito post-confirmation Lambda fed the real event shape, and its database configuration."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.unit.lambdas.support import boto
from user_service.errors import InvalidAttributes
from user_service.lambdas import config, post_confirmation
from user_service.settings import get_settings


def cognito_event(trigger: str = "PostConfirmation_ConfirmSignUp", **attrs: str) -> dict[str, Any]:
    """A PostConfirmation event as Cognito sends it (and devstack's Cognito proxy replays it)."""
    attributes = {
        "sub": "5c8a1b2e-0000-4000-8000-000000000001",
        "email_verified": "true",
        "cognito:user_status": "CONFIRMED",
        "email": "ada@example.com",
        "name": "Ada Lovelace",
        "preferred_username": "ada_l",
    } | attrs
    return {
        "version": "1",
        "region": "us-east-1",
        "userPoolId": "us-east-1_Example",
        "userName": attributes["sub"],
        "callerContext": {"awsSdkVersion": "aws-sdk-unknown-unknown", "clientId": "example-client"},
        "triggerSource": trigger,
        "request": {"userAttributes": attributes},
        "response": {},
    }


@pytest.fixture(autouse=True)
def _fresh_settings(monkeypatch: pytest.MonkeyPatch) -> Any:
    for name in ("DATABASE_URL", "DB_HOST", "DB_USER", "DB_PASSWORD", "DB_SECRET_ARN"):
        monkeypatch.delenv(name, raising=False)
    get_settings.cache_clear()
    config._secret_url.cache_clear()
    yield
    get_settings.cache_clear()
    config._secret_url.cache_clear()


def test_the_event_describes_the_new_user() -> None:
    new = post_confirmation.new_user_from_event(cognito_event())
    assert (new.cognito_user_id, new.email, new.handle, new.display_name) == (
        "5c8a1b2e-0000-4000-8000-000000000001",
        "ada@example.com",
        "ada_l",
        "Ada Lovelace",
    )


def test_bad_attributes_raise_instead_of_being_swallowed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://nobody@127.0.0.1:9/none")
    with pytest.raises(InvalidAttributes):
        post_confirmation.handler(cognito_event(preferred_username="no spaces allowed"), None)


def test_other_triggers_are_returned_untouched(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://nobody@127.0.0.1:9/none")
    event = cognito_event("PostConfirmation_ConfirmForgotPassword")
    assert post_confirmation.handler(event, None) == event


def test_without_any_database_setting_the_handler_fails_loudly() -> None:
    with pytest.raises(RuntimeError, match="DB_SECRET_ARN"):
        post_confirmation.handler(cognito_event(), None)


def test_database_url_comes_from_the_secret_in_aws(aws_env: str, monkeypatch: pytest.MonkeyPatch) -> None:
    secret = {
        "engine": "postgres",
        "host": "cruddur.cluster-x.us-east-1.rds.amazonaws.com",
        "port": 5432,
        "dbname": "cruddur",
        "username": "cruddur_app",
        "password": "p@ss/word:1",
    }
    arn = boto("secretsmanager", aws_env).create_secret(Name="cruddur-db", SecretString=json.dumps(secret))[
        "ARN"
    ]
    monkeypatch.setenv("DB_SECRET_ARN", arn)
    assert config.database_url(get_settings()) == (
        "postgresql+asyncpg://cruddur_app:p%40ss%2Fword%3A1@cruddur.cluster-x.us-east-1.rds.amazonaws.com:5432/cruddur"
    )


def test_database_url_prefers_explicit_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://me@db:5432/cruddur")
    monkeypatch.setenv("DB_SECRET_ARN", "arn:aws:secretsmanager:us-east-1:123456789012:secret:unused")
    assert config.database_url(get_settings()) == "postgresql+asyncpg://me@db:5432/cruddur"
