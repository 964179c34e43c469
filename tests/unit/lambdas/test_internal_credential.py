"""The Lambdas sign their internal calls with INTERNAL_SECRET, read from Secrets Manager at cold start."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from pydantic import SecretStr

from cruddur_common.internal_auth import HEADER, verify
from cruddur_common.lambda_secrets import with_internal_secret
from cruddur_common.settings import CommonSettings
from messaging_service.lambdas.stream import handler
from messaging_service.settings import get_settings
from tests.unit.lambdas.support import boto
from tests.unit.lambdas.test_messaging_stream import TABLE, _message_image, _record

SECRET = "lambda-internal-secret-" + "x" * 24


class _Notification(BaseHTTPRequestHandler):
    """A notification service that records the credential of each call and accepts it."""

    seen: list[tuple[str, str | None]] = []

    def do_POST(self) -> None:  # the name http.server dispatches to
        length = int(self.headers.get("content-length", "0"))
        self.rfile.read(length)
        self.seen.append((self.path, self.headers.get(HEADER)))
        self.send_response(202)
        self.send_header("content-type", "application/json")
        self.end_headers()
        self.wfile.write(b'{"accepted": 1}')

    def log_message(self, *args: object) -> None:
        """Quiet."""


@pytest.fixture
def notification_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Notification)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Notification.seen = []
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def secret_arn(aws_env: str) -> str:
    client = boto("secretsmanager", aws_env)
    return str(client.create_secret(Name=f"cruddur/internal-{id(client)}", SecretString=SECRET)["ARN"])


def test_the_secret_is_read_from_its_arn(secret_arn: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("INTERNAL_SECRET", raising=False)
    settings = with_internal_secret(CommonSettings(internal_secret_arn=secret_arn))
    assert settings.internal_secret.get_secret_value() == SECRET


def test_an_explicit_secret_wins_over_the_arn(secret_arn: str) -> None:
    given = CommonSettings(internal_secret=SecretStr("given" * 8), internal_secret_arn=secret_arn)
    assert with_internal_secret(given).internal_secret.get_secret_value() == "given" * 8


def test_the_stream_lambda_signs_its_notification_calls(
    aws_env: str, secret_arn: str, notification_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    dynamodb = boto("dynamodb", aws_env)
    if TABLE not in dynamodb.list_tables()["TableNames"]:
        dynamodb.create_table(
            TableName=TABLE,
            BillingMode="PAY_PER_REQUEST",
            KeySchema=[
                {"AttributeName": "pk", "KeyType": "HASH"},
                {"AttributeName": "sk", "KeyType": "RANGE"},
            ],
            AttributeDefinitions=[{"AttributeName": n, "AttributeType": "S"} for n in ("pk", "sk")],
        )
    monkeypatch.delenv("INTERNAL_SECRET", raising=False)
    monkeypatch.setenv("INTERNAL_SECRET_ARN", secret_arn)
    monkeypatch.setenv("MESSAGES_TABLE", TABLE)
    monkeypatch.setenv("NOTIFICATION_URL", notification_url)
    get_settings.cache_clear()
    try:
        image = _message_image()
        handler(
            {"Records": [_record("INSERT", "300", new=image, keys={"pk": image["pk"], "sk": image["sk"]})]},
            None,
        )
    finally:
        get_settings.cache_clear()
    ((path, token),) = _Notification.seen
    assert path.startswith("/internal/notifications/")
    assert verify(token, secret=SecretStr(SECRET)) == "messaging_stream"
