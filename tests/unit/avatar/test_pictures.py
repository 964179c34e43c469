"""The picture mode of the image pipeline (crud media): upright, fitted to 1600 and 400, no metadata."""

from __future__ import annotations

import io
import os

import pytest
from PIL import Image, ImageOps

from tests.unit.avatar import images
from user_service.avatars.errors import AvatarRejected
from user_service.avatars.processing import Processed, Rendition, process_picture


def _open(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def _by_name(processed: Processed) -> dict[tuple[int, str], Rendition]:
    return {(r.size, r.fmt): r for r in processed.renditions}


def _rejected(data: bytes, declared: str) -> AvatarRejected:
    with pytest.raises(AvatarRejected) as caught:
        process_picture(data, declared_type=declared)
    return caught.value


def test_a_rotated_camera_jpeg_is_upright_fitted_and_stripped() -> None:
    # 4000x3000 stored landscape (red left, blue right), EXIF orientation 6: shown portrait, red on top.
    data = images.jpeg(4000, 3000, orientation=6)
    assert b"CruddurCam" in data and Image.open(io.BytesIO(data)).getexif().get_ifd(0x8825)
    processed = process_picture(data, declared_type="image/jpeg")
    got = _by_name(processed)
    assert set(got) == {(1600, "jpg"), (1600, "webp"), (400, "jpg"), (400, "webp")}
    for (size, fmt), rendition in got.items():
        image = _open(rendition.data)
        want = (1200, 1600) if size == 1600 else (300, 400)
        assert image.size == want == (rendition.width, rendition.height), (size, fmt)
        assert image.format == {"jpg": "JPEG", "webp": "WEBP"}[fmt]
        assert rendition.content_type == {"jpg": "image/jpeg", "webp": "image/webp"}[fmt]
        assert not image.getexif(), (size, fmt)
        assert not {"exif", "icc_profile", "xmp", "comment"} & set(image.info), (size, fmt, image.info)
        assert b"CruddurCam" not in rendition.data and b"secret comment" not in rendition.data
        top = image.getpixel((image.width // 2, image.height // 10))
        bottom = image.getpixel((image.width // 2, image.height * 9 // 10))
        assert top[0] > 150 and top[2] < 100, (size, fmt, top)
        assert bottom[2] > 150 and bottom[0] < 100, (size, fmt, bottom)


def test_a_small_picture_is_never_enlarged() -> None:
    got = _by_name(process_picture(images.jpeg(800, 600), declared_type="image/jpeg"))
    assert _open(got[(1600, "jpg")].data).size == (800, 600)
    for rendition in got.values():  # kept at its size, still re-encoded: nothing of the source goes out
        assert not _open(rendition.data).getexif() and b"CruddurCam" not in rendition.data
    assert _open(got[(400, "webp")].data).size == (400, 300)
    tiny = _by_name(process_picture(images.png(120, 90), declared_type="image/png"))
    assert {(r.width, r.height) for r in tiny.values()} == {(120, 90)}


def test_a_long_panorama_keeps_its_aspect() -> None:
    got = _by_name(process_picture(images.jpeg(3200, 320), declared_type="image/jpeg"))
    assert (got[(1600, "jpg")].width, got[(1600, "jpg")].height) == (1600, 160)
    assert (got[(400, "jpg")].width, got[(400, "jpg")].height) == (400, 40)


def test_png_transparency_stays_in_webp_and_goes_onto_white_in_jpeg() -> None:
    got = _by_name(process_picture(images.png(alpha=True), declared_type="image/png"))
    for size in (1600, 400):
        webp = _open(got[(size, "webp")].data)
        assert webp.mode == "RGBA"
        assert 100 < webp.getpixel((10, 10))[3] < 160  # half transparent, as drawn
        jpeg = _open(got[(size, "jpg")].data)
        assert jpeg.mode == "RGB"
        assert jpeg.getpixel((10, 10))[1] > 100  # half-transparent red over white is pink, not dark


def test_webp_in_webp_and_jpeg_out() -> None:
    got = _by_name(process_picture(images.webp(2000, 1000), declared_type="image/webp"))
    assert _open(got[(1600, "webp")].data).size == (1600, 800)
    assert _open(got[(400, "jpg")].data).size == (400, 200)
    assert _open(got[(1600, "webp")].data).mode == "RGB"  # no alpha made up


def test_pictures_may_be_up_to_10_mib_and_no_more() -> None:
    # 6 MiB is over the avatar limit but fine for a picture: it fails on its content, not its size.
    assert _rejected(os.urandom(6 * 1024 * 1024), "image/jpeg").reason == "not_an_image"
    too_big = _rejected(os.urandom(10 * 1024 * 1024 + 1), "image/jpeg")
    assert too_big.reason == "file_too_large" and "10 MB" in too_big.message


@pytest.mark.parametrize(
    ("data", "declared", "reason"),
    [
        (b"", "image/jpeg", "empty_file"),
        (b"%PDF-1.7\n" + b"x" * 500, "image/png", "not_an_image"),
        (images.gif(), "image/png", "unsupported_type"),
        (images.png(), "image/jpeg", "type_mismatch"),
        (images.long_thin_png(1, 10_000), "image/png", "bad_dimensions"),
        (images.long_thin_png(4000, 100), "image/png", "bad_dimensions"),
        (images.png_bomb(), "image/png", "decompression_bomb"),
        (images.truncated_jpeg(), "image/jpeg", "truncated_image"),
    ],
    ids=["empty", "pdf", "gif", "png-as-jpeg", "1x10000", "too-thin", "bomb", "truncated"],
)
def test_bad_pictures_are_refused_like_avatars(data: bytes, declared: str, reason: str) -> None:
    rejected = _rejected(data, declared)
    assert rejected.reason == reason, rejected
    assert rejected.message


@pytest.mark.parametrize("orientation", range(1, 9))
def test_every_exif_orientation_matches_pillows_exif_transpose_of_the_whole_picture(orientation: int) -> None:
    data = images.quadrants_jpeg(2400, 1600, orientation=orientation)
    ours = _open(_by_name(process_picture(data, declared_type="image/jpeg"))[(1600, "jpg")].data)
    reference = ImageOps.exif_transpose(_open(data))
    assert reference is not None
    reference.thumbnail((1600, 1600))
    assert ours.size == reference.size, (orientation, ours.size, reference.size)
    for fx, fy in [(0.25, 0.25), (0.75, 0.25), (0.25, 0.75), (0.75, 0.75)]:
        point = (int(ours.width * fx), int(ours.height * fy))
        got_px, want_px = ours.getpixel(point), reference.getpixel(point)
        assert all(abs(a - b) < 40 for a, b in zip(got_px, want_px, strict=True)), (orientation, point)
