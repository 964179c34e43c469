"""Upload keys, rendition keys and the generated default avatars."""

from __future__ import annotations

import uuid
from xml.etree import ElementTree

import pytest

from cruddur_common.uploads import new_upload_key, parse_upload_key
from user_service.avatars.defaults import PALETTE, all_defaults, default_key
from user_service.avatars.keys import rendition_key, rendition_keys
from user_service.avatars.urls import avatar_url, variant_urls
from user_service.models import User

OWNER = uuid.UUID("8d3e6f3a-5a7e-4d2b-9a41-0c0a1d2e3f40")


def test_upload_keys_are_owned_random_and_round_trip() -> None:
    first, second = new_upload_key("avatar", OWNER, "image/png"), new_upload_key("avatar", OWNER, "image/png")
    assert first.key.startswith(f"uploads/{OWNER}/") and first.key.endswith(".png")
    assert first.token != second.token and len(first.token) >= 16
    assert parse_upload_key(first.key) == first
    assert first.content_type == "image/png"


@pytest.mark.parametrize(
    "key",
    [
        f"uploads/{OWNER}/short.jpg",
        f"uploads/{OWNER}/aaaaaaaaaaaaaaaaaaaaaaaa.gif",
        f"uploads/{OWNER}/../aaaaaaaaaaaaaaaaaaaaaaaa.jpg",
        "uploads/not-a-uuid/aaaaaaaaaaaaaaaaaaaaaaaa.jpg",
        f"avatars/{OWNER}/aaaaaaaaaaaaaaaaaaaaaaaa.jpg",
        f"uploads/{OWNER}/aaaaaaaaaaaaaaaaaaaaaaaa.jpg/extra",
    ],
)
def test_keys_we_never_hand_out_do_not_parse(key: str) -> None:
    assert parse_upload_key(key) is None


def test_rendition_keys_are_versioned_per_upload() -> None:
    big = rendition_key(OWNER, "v1token", size=512, fmt="jpg")
    assert big == f"avatars/{OWNER}/v1token/512.jpg"
    assert rendition_keys(big) == [
        f"avatars/{OWNER}/v1token/512.jpg",
        f"avatars/{OWNER}/v1token/512.webp",
        f"avatars/{OWNER}/v1token/128.jpg",
        f"avatars/{OWNER}/v1token/128.webp",
    ]


def test_variant_urls_are_the_rendition_keys_under_the_assets_url() -> None:
    user = User(handle="ada_l", avatar_key=rendition_key(OWNER, "v1token", size=512, fmt="jpg"))
    variants = variant_urls(user, assets_base_url="https://cdn.example/assets/")
    assert list(variants) == [(512, "jpg"), (512, "webp"), (128, "jpg"), (128, "webp")]
    assert list(variants.values()) == [
        f"https://cdn.example/assets/{k}" for k in rendition_keys(user.avatar_key)
    ]
    assert variants[(512, "jpg")] == avatar_url(user, assets_base_url="https://cdn.example/assets")


def test_a_default_avatar_has_no_variants_and_a_url_per_handle() -> None:
    user = User(handle="ada_l", avatar_key=None)
    assert variant_urls(user, assets_base_url="/assets") == {}
    assert avatar_url(user, assets_base_url="/assets/") == f"/assets/{default_key('ada_l')}"


def test_a_default_avatar_shows_the_name_s_letter_in_the_handle_s_colour() -> None:
    """Issue 18 finding 9: the letter came from the handle ("x" for "Worf" with handle x_worf)."""
    named = default_key("x_worf", "Worf")
    assert named.endswith("-W.svg")
    assert named.split("-")[0] == default_key("x_worf").split("-")[0]  # the colour stays the handle's
    assert default_key("el", "Élodie").endswith("-E.svg")
    assert default_key("lu", "Łukasz").endswith("-L.svg")  # Ł has no picture: the handle's l, not the u
    assert default_key("x_worf", "🙂").endswith("-X.svg")  # no letter in the name: the handle's
    assert avatar_url(User(handle="x_worf", display_name="Worf"), assets_base_url="") == f"/{named}"


def test_default_is_stable_per_handle_and_uses_its_first_letter() -> None:
    assert default_key("andrew_brown") == default_key("Andrew_Brown")
    assert default_key("andrew_brown").endswith("-A.svg")
    assert default_key("_9lives").endswith("-9.svg")
    colours = {default_key(f"user_{i}").split("/")[-1].split("-")[0] for i in range(200)}
    assert len(colours) == len(PALETTE)  # handles spread over the palette


def test_every_default_exists_and_is_valid_svg() -> None:
    defaults = all_defaults()
    assert len(defaults) == len(PALETTE) * 36
    for handle in ("andrew_brown", "zz_top", "007"):
        assert default_key(handle) in defaults
    root = ElementTree.fromstring(defaults[default_key("andrew_brown")])  # noqa: S314 - our own bytes
    assert root.tag.endswith("svg") and root.get("viewBox") == "0 0 128 128"
