"""The avatar_processor Lambda handler itself, invoked with an S3 event against the running stack."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import httpx
import pytest

from cruddur_common.registry import service
from devstack.stack import LocalStack
from tests.integration.avatar.support import grant, image_at, s3_client, wait_settled
from tests.support import TestUser
from tests.unit.avatar import images
from tests.unit.lambdas.test_avatar_processor import s3_event
from user_service.lambdas import avatar_processor
from user_service.lambdas.avatar_processor import handler
from user_service.settings import get_settings

pytestmark = pytest.mark.integration
BUCKET = "cruddur-lambda-invocations"  # no notification: only the handler under test sees the object


@pytest.fixture
def lambda_env(stack: LocalStack, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The environment infra gives the function (UPLOADS_BUCKET, ASSETS_BUCKET, USER_URL), locally."""
    s3_client(stack).create_bucket(Bucket=BUCKET)
    monkeypatch.setenv("AWS_ENDPOINT_URL", stack.cfg.aws_url)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "cruddur")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "cruddur")
    monkeypatch.setenv("UPLOADS_BUCKET", BUCKET)
    monkeypatch.setenv("ASSETS_BUCKET", "cruddur-assets")
    monkeypatch.setenv("USER_URL", stack.cfg.service_url(service("user")))
    monkeypatch.setenv("INTERNAL_SECRET", stack.internal_secret)
    monkeypatch.setattr(avatar_processor, "_configure_logging", lambda: None)  # keep pytest's log capture
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_handler_processes_an_s3_event_end_to_end(
    lambda_env: None, api: httpx.Client, make_user: Callable[..., TestUser], stack: LocalStack
) -> None:
    user = make_user()
    body = grant(api, user, "image/jpeg")
    data = images.jpeg(2000, 1500)
    s3_client(stack).put_object(Bucket=BUCKET, Key=body["key"], Body=data, ContentType="image/jpeg")
    result = handler(s3_event(body["key"], len(data), bucket=BUCKET), None)
    (outcome,) = result["outcomes"]
    assert outcome["status"] == "ready", outcome
    status = wait_settled(api, user)
    assert status["status"] == "ready" and status["avatar_url"].endswith(outcome["avatar_key"])
    assert image_at(api, status["avatar_url"]).size == (512, 512)
    again = handler(s3_event(body["key"], len(data), bucket=BUCKET), None)  # S3 retried the invocation
    assert again["outcomes"][0]["status"] == "skipped"
