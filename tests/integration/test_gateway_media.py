"""Through the running gateway: a crud's pictures are served only while the crud lives (contract §4).

The objects are put straight into the assets bucket (moto), as the processor writes them, so this proves
the edge rule alone; tests/integration/activity/test_media.py proves the URLs the activity service hands out.
"""

from __future__ import annotations

import re
import time
import uuid

import httpx
import pytest

from devstack.stack import LocalStack
from tests.integration.avatar.support import s3_client

pytestmark = pytest.mark.integration

DAY = 86400


@pytest.fixture(scope="module")
def picture(stack: LocalStack) -> str:
    """A display WebP under media/, as the processor writes it; returns its key."""
    assert stack.aws is not None
    key = f"media/{uuid.uuid4()}/{uuid.uuid4().hex}/1600.webp"
    s3_client(stack).put_object(
        Bucket=stack.aws.assets_bucket,
        Key=key,
        Body=b"RIFF....WEBPVP8 ",
        ContentType="image/webp",
        CacheControl="public, max-age=86400",
    )
    return key


def _max_age(response: httpx.Response) -> int:
    match = re.fullmatch(r"public, max-age=(\d+)", response.headers["cache-control"])
    assert match, response.headers["cache-control"]
    return int(match.group(1))


def test_a_living_crud_s_picture_is_served_for_what_is_left_of_its_life(
    api: httpx.Client, picture: str
) -> None:
    response = api.get(f"/assets/{picture}", params={"expires": int(time.time()) + 600})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "image/webp"
    assert 590 <= _max_age(response) <= 600
    assert "immutable" not in response.headers["cache-control"]


def test_max_age_is_at_most_a_day(api: httpx.Client, picture: str) -> None:
    response = api.get(f"/assets/{picture}", params={"expires": int(time.time()) + 7 * DAY})
    assert response.status_code == 200, response.text
    assert _max_age(response) == DAY


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"expires": "soon"},
        {"expires": "1.5"},
        {"expires": "-1"},
        {"expires": "9" * 40},
        {"expires": str(int(time.time()) + 40 * DAY)},
        {"expires": "1"},  # 1970: long gone
    ],
    ids=["missing", "junk", "fraction", "negative", "huge", "beyond-any-crud", "past"],
)
def test_a_picture_without_a_living_expires_is_not_found(
    api: httpx.Client, picture: str, query: dict[str, str]
) -> None:
    response = api.get(f"/assets/{picture}", params=query)
    assert response.status_code == 404, response.text
    assert response.json()["error"]["code"] == "not_found"


def test_a_picture_stops_being_served_when_its_crud_ends(api: httpx.Client, picture: str) -> None:
    ends = int(time.time()) + 2
    assert api.get(f"/assets/{picture}", params={"expires": ends}).status_code == 200
    time.sleep(max(0.0, ends - time.time()) + 0.1)
    assert api.get(f"/assets/{picture}", params={"expires": ends}).status_code == 404


def test_the_rule_cannot_be_walked_around_by_path_segments(api: httpx.Client, picture: str) -> None:
    # httpx would resolve a literal `..` itself; `%2e%2e` reaches the gateway, which decodes it.
    response = api.get(f"/assets/avatars/%2e%2e/{picture}")
    assert response.status_code == 404, response.text


def test_avatars_are_unchanged_and_immutable(stack: LocalStack, api: httpx.Client) -> None:
    assert stack.aws is not None
    key = f"avatars/{uuid.uuid4()}/v1/512.jpg"
    s3_client(stack).put_object(
        Bucket=stack.aws.assets_bucket, Key=key, Body=b"\xff\xd8\xff", ContentType="image/jpeg"
    )
    response = api.get(f"/assets/{key}")
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "public, max-age=31536000, immutable"
