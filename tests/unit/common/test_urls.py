"""The one validator of URLs clients render (avatars)."""

from __future__ import annotations

import pytest
from pydantic import BaseModel, ValidationError

from cruddur_common.urls import PublicUrl


class Author(BaseModel):
    avatar_url: PublicUrl = ""


@pytest.mark.parametrize(
    "url",
    [
        "",
        "/assets/avatars/default/v1/0-A.svg",
        "https://cruddur.example/assets/avatars/x/512.jpg",
        "http://127.0.0.1:8080/assets/avatars/default/v1/0-A.svg",
        "http://localhost:18080/assets/a.svg",
    ],
)
def test_safe_urls_pass_unchanged(url: str) -> None:
    assert Author(avatar_url=url).avatar_url == url


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        " javascript:alert(1)",
        "java\tscript:alert(1)",
        "data:image/svg+xml,<svg onload=alert(1)>",
        "vbscript:x",
        "//evil.example/a.png",
        "/\\evil.example/a.png",
        "http://evil.example/a.png",
        "https://user:pass@cruddur.example/a.png",
        "https:///a.png",
        "ftp://cruddur.example/a.png",
        "avatars/relative.png",
        "https://cruddur.example/" + "a" * 2048,
    ],
)
def test_script_other_origin_and_odd_urls_are_refused(url: str) -> None:
    with pytest.raises(ValidationError):
        Author(avatar_url=url)
