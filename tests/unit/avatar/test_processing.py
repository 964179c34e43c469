"""The Pillow pipeline: real images in, square JPEG and WebP without metadata out; bad files refused."""

from __future__ import annotations

import io
import os

import pytest
from PIL import Image, ImageOps

from tests.unit.avatar import images
from user_service.avatars.errors import AvatarRejected
from user_service.avatars.processing import process_image


def _open(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def _rejected(data: bytes, declared: str) -> AvatarRejected:
    with pytest.raises(AvatarRejected) as caught:
        process_image(data, declared_type=declared)
    return caught.value


@pytest.mark.parametrize(
    ("data", "declared"),
    [(images.jpeg(), "image/jpeg"), (images.png(alpha=True), "image/png"), (images.webp(), "image/webp")],
    ids=["jpeg", "png-alpha", "webp"],
)
def test_each_type_becomes_four_square_renditions(data: bytes, declared: str) -> None:
    processed = process_image(data, declared_type=declared)
    got = {(r.size, r.fmt): r for r in processed.renditions}
    assert set(got) == {(512, "jpg"), (512, "webp"), (128, "jpg"), (128, "webp")}
    for (size, fmt), rendition in got.items():
        image = _open(rendition.data)
        assert image.size == (size, size)
        assert image.format == {"jpg": "JPEG", "webp": "WEBP"}[fmt]
        assert image.mode == "RGB"


def test_metadata_is_stripped() -> None:
    processed = process_image(images.jpeg(orientation=1), declared_type="image/jpeg")
    for rendition in processed.renditions:
        image = _open(rendition.data)
        assert not image.getexif()
        assert "exif" not in image.info and "icc_profile" not in image.info
        assert b"CruddurCam" not in rendition.data and b"secret comment" not in rendition.data


def test_exif_orientation_is_applied_before_cropping() -> None:
    # Stored landscape (red left, blue right) with orientation 6: displayed portrait, red on top.
    processed = process_image(images.jpeg(800, 400, orientation=6), declared_type="image/jpeg")
    big = _open(next(r.data for r in processed.renditions if (r.size, r.fmt) == (512, "jpg")))
    top, bottom = big.getpixel((256, 40)), big.getpixel((256, 470))
    assert top[0] > 150 and top[2] < 100, top
    assert bottom[2] > 150 and bottom[0] < 100, bottom


def test_centre_crop_keeps_the_middle() -> None:
    processed = process_image(images.jpeg(1600, 400), declared_type="image/jpeg")
    big = _open(next(r.data for r in processed.renditions if (r.size, r.fmt) == (512, "jpg")))
    left, right = big.getpixel((40, 256)), big.getpixel((470, 256))
    assert left[0] > 150 and right[2] > 150


def test_transparency_is_flattened_onto_white() -> None:
    processed = process_image(images.png(alpha=True), declared_type="image/png")
    big = _open(processed.renditions[0].data)
    red = big.getpixel((100, 256))
    assert red[1] > 100  # half-transparent red over white is pink, not dark


@pytest.mark.parametrize(
    ("data", "declared", "reason"),
    [
        (b"", "image/jpeg", "empty_file"),
        (b"this is not an image at all" * 10, "image/jpeg", "not_an_image"),
        (b"%PDF-1.7\n" + b"x" * 500, "image/png", "not_an_image"),
        (images.gif(), "image/png", "unsupported_type"),
        (images.png(), "image/jpeg", "type_mismatch"),
        (images.jpeg(), "image/webp", "type_mismatch"),
        (os.urandom(6 * 1024 * 1024), "image/jpeg", "file_too_large"),
        (images.long_thin_png(), "image/png", "bad_dimensions"),
        (images.long_thin_png(4000, 100), "image/png", "bad_dimensions"),
        (images.png_bomb(), "image/png", "decompression_bomb"),
        (images.png_bomb(9_000), "image/png", "decompression_bomb"),
        (images.truncated_jpeg(), "image/jpeg", "truncated_image"),
    ],
    ids=[
        "empty",
        "text",
        "pdf",
        "gif",
        "png-as-jpeg",
        "jpeg-as-webp",
        "6mb",
        "1x100000",
        "too-thin",
        "bomb-400mp",
        "bomb-81mp",
        "truncated",
    ],
)
def test_bad_input_is_rejected_with_a_reason(data: bytes, declared: str, reason: str) -> None:
    rejected = _rejected(data, declared)
    assert rejected.reason == reason, rejected
    assert rejected.message


@pytest.mark.parametrize("orientation", range(1, 9))
def test_every_exif_orientation_matches_pillows_exif_transpose(orientation: int) -> None:
    data = images.quadrants_jpeg(900, 600, orientation=orientation)
    processed = process_image(data, declared_type="image/jpeg")
    ours = _open(next(r.data for r in processed.renditions if (r.size, r.fmt) == (512, "jpg")))
    upright = ImageOps.exif_transpose(_open(data))
    side = min(upright.size)
    left, top = (upright.width - side) // 2, (upright.height - side) // 2
    reference = upright.crop((left, top, left + side, top + side)).resize((512, 512))
    for point in [(100, 100), (412, 100), (100, 412), (412, 412)]:
        got, want = ours.getpixel(point), reference.getpixel(point)
        assert all(abs(a - b) < 40 for a, b in zip(got, want, strict=True)), (orientation, point, got, want)
