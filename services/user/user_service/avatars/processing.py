"""The image pipeline (Pillow) of both upload kinds; every check is shared, the limits per kind are one table.

Avatars: verify, orient, strip, centre-crop, resize to 512 and 128 squares, encode (`process_image`).
Pictures (crud media): verify, orient the whole picture, strip, fit the longest side to 1600 and 400,
encode; WebP keeps transparency, JPEG is flattened onto white (`process_picture`).
`PROCESSORS` maps an upload kind to its mode.
"""

from __future__ import annotations

import functools
import io
import math
import struct
import warnings
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from PIL import ExifTags, Image, ImageFile, UnidentifiedImageError

from cruddur_common.uploads import MAX_BYTES, MEDIA_SIZES, MiB, UploadKind
from user_service.avatars.errors import AvatarRejected
from user_service.avatars.keys import SIZES

MAX_PIXELS = 40_000_000
MIN_SIDE = 32
MAX_SIDE = 12_000
MAX_ASPECT = 10.0
BOMB_RATIO = 1_000  # decoded bytes per stored byte above which an oversized image is called a bomb
JPEG_QUALITY = 85
WEBP_QUALITY = 80
# Box-reduce by an integer factor first while >= 1.5x the target remains: 52-53 dB PSNR against a full
# Lanczos on the bench images (invisible; the JPEG q85 encode costs far more), and ~2x faster.
REDUCING_GAP = 1.5
T = Image.Transpose
ORIENTATIONS = {  # EXIF orientation -> the transpose showing it upright (as ImageOps.exif_transpose)
    2: T.FLIP_LEFT_RIGHT,
    3: T.ROTATE_180,
    4: T.FLIP_TOP_BOTTOM,
    5: T.TRANSPOSE,
    6: T.ROTATE_270,
    7: T.TRANSVERSE,
    8: T.ROTATE_90,
}
FORMAT_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
# Magic numbers of images we refuse by name (a clearer reason than "not an image").
OTHER_IMAGES = {
    b"GIF87a": "GIF",
    b"GIF89a": "GIF",
    b"BM": "BMP",
    b"II*\x00": "TIFF",
    b"MM\x00*": "TIFF",
    b"\x00\x00\x01\x00": "ICO",
    b"<svg": "SVG",
    b"<?xml": "SVG",
}


@dataclass(frozen=True, slots=True)
class Rendition:
    """One encoded output: `size` names it (512/128 squares, 1600/400 bounds); width x height it has."""

    size: int
    fmt: str
    content_type: str
    data: bytes
    width: int
    height: int


@dataclass(frozen=True, slots=True)
class Processed:
    """What the pipeline made of an upload."""

    source_type: str
    source_size: tuple[int, int]
    renditions: tuple[Rendition, ...]


def _open(data: bytes) -> ImageFile.ImageFile:
    """Parse the header only (no pixel decoding yet); refuse what is not a JPEG, PNG or WebP."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            return Image.open(io.BytesIO(data), formats=list(FORMAT_TYPES))
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise AvatarRejected("decompression_bomb", "The image declares an enormous size.") from exc
        except UnidentifiedImageError as exc:
            head = data[:16].lstrip()
            other = next((name for magic, name in OTHER_IMAGES.items() if head.startswith(magic)), None)
            if other:
                raise AvatarRejected(
                    "unsupported_type", f"{other} images are not accepted; use JPEG, PNG or WebP."
                ) from exc
            raise AvatarRejected("not_an_image", "The file is not a JPEG, PNG or WebP image.") from exc
        except (OSError, ValueError, SyntaxError) as exc:
            raise AvatarRejected("corrupt_image", "The image file is damaged.") from exc


def _check_geometry(image: ImageFile.ImageFile, stored_bytes: int) -> None:
    width, height = image.size
    pixels = width * height
    if pixels > MAX_PIXELS:
        if pixels * len(image.getbands()) > BOMB_RATIO * stored_bytes:
            raise AvatarRejected(
                "decompression_bomb",
                f"A {width}x{height} image in {stored_bytes} bytes is a decompression bomb.",
            )
        raise AvatarRejected("too_many_pixels", f"The image is {width}x{height}; at most 40 megapixels.")
    if min(width, height) < MIN_SIDE or max(width, height) > MAX_SIDE:
        raise AvatarRejected(
            "bad_dimensions",
            f"The image is {width}x{height}; each side must be {MIN_SIDE} to {MAX_SIDE} pixels.",
        )
    if max(width, height) / min(width, height) > MAX_ASPECT:
        raise AvatarRejected("bad_dimensions", f"The image is {width}x{height}; too long and thin to crop.")


def _decode(image: ImageFile.ImageFile, scale: float) -> Image.Image:
    """Decode the pixels, letting JPEG scale down in the DCT (draft) to no less than `scale` of each side."""
    width, height = image.size
    if image.format == "JPEG" and scale < 1:
        image.draft(
            image.mode if image.mode != "RGB" else "RGB",
            (math.ceil(width * scale), math.ceil(height * scale)),
        )
    try:
        image.load()
    except (OSError, ValueError, SyntaxError) as exc:  # Pillow says "image file is truncated" / broken data
        reason = "truncated_image" if "truncated" in str(exc).lower() else "corrupt_image"
        raise AvatarRejected(reason, "The image file is incomplete or damaged.") from exc
    except Image.DecompressionBombError as exc:
        raise AvatarRejected("decompression_bomb", "The image decompresses to too much data.") from exc
    return image


def _orientation(image: ImageFile.ImageFile) -> int:
    """The EXIF orientation (1 = as stored); a broken EXIF block counts as none."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return int(image.getexif().get(ExifTags.Base.Orientation, 1))
        except (ValueError, TypeError, SyntaxError, struct.error, OSError):
            return 1


def _to_rgb(image: Image.Image) -> Image.Image:
    """Flatten onto white (transparency) and convert any mode (P, CMYK, LA, I;16...) to RGB."""
    if _has_alpha(image):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    if image.mode == "I;16":
        image = image.point(lambda v: v / 256).convert("L")
    return image if image.mode == "RGB" else image.convert("RGB")


def _has_alpha(image: Image.Image) -> bool:
    return image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info)


def _to_rgba_or_rgb(image: Image.Image) -> Image.Image:
    """RGBA when the image has transparency (WebP keeps it), else RGB as `_to_rgb`."""
    return image.convert("RGBA") if _has_alpha(image) else _to_rgb(image)


def _square(image: Image.Image, size: int) -> Image.Image:
    """Centre-crop to a square and resize to `size` in one pass."""
    width, height = image.size
    side = min(width, height)
    left, top = (width - side) / 2, (height - side) / 2
    box = (left, top, left + side, top + side)
    return image.resize((size, size), Image.Resampling.LANCZOS, box=box, reducing_gap=REDUCING_GAP)


def _fitted(size: tuple[int, int], side: int) -> tuple[int, int]:
    """`size` scaled so its longest side is at most `side` (never enlarged), aspect kept."""
    width, height = size
    scale = min(1.0, side / max(width, height))
    return max(1, round(width * scale)), max(1, round(height * scale))


def _fit(image: Image.Image, size: tuple[int, int]) -> Image.Image:
    if image.size == size:
        return image
    return image.resize(size, Image.Resampling.LANCZOS, reducing_gap=REDUCING_GAP)


def _encode(image: Image.Image, fmt: str) -> bytes:
    image.info = {}  # nothing of the source's metadata (EXIF, ICC, XMP, comments) goes out
    out = io.BytesIO()
    if fmt == "jpg":
        image = _to_rgb(image)  # a no-op for avatars (already RGB); a picture's transparency goes onto white
        image.save(out, "JPEG", quality=JPEG_QUALITY, optimize=False, progressive=False)
    else:
        image.save(out, "WEBP", quality=WEBP_QUALITY, method=4)
    return out.getvalue()


def too_large(size: int, kind: UploadKind) -> AvatarRejected | None:
    """The refusal of a file of `size` bytes for `kind`, or None when it is small enough."""
    if size <= MAX_BYTES[kind]:
        return None
    return AvatarRejected("file_too_large", f"The file is {size} bytes; at most {MAX_BYTES[kind] // MiB} MB.")


def verify(data: bytes, *, declared_type: str, kind: UploadKind) -> ImageFile.ImageFile:
    """Check size, real type (magic bytes, not the name), declared type and geometry, before decoding."""
    if not data:
        raise AvatarRejected("empty_file", "The file is empty.")
    if rejected := too_large(len(data), kind):
        raise rejected
    image = _open(data)
    real_type = FORMAT_TYPES[str(image.format)]
    if real_type != declared_type:
        raise AvatarRejected(
            "type_mismatch", f"The file was declared as {declared_type} but is really {real_type}."
        )
    _check_geometry(image, len(data))
    return image


@functools.cache
def _encoders() -> ThreadPoolExecutor:
    """Encoders release the GIL: the slow WebP encodes run beside the JPEG ones (created on first use)."""
    return ThreadPoolExecutor(max_workers=2, thread_name_prefix="avatar-encode")


def process_image(data: bytes, *, declared_type: str) -> Processed:
    """Verify the upload and make 512x512 and 128x128 JPEG and WebP versions without metadata."""
    image = verify(data, declared_type=declared_type, kind="avatar")
    source_type, source_size = FORMAT_TYPES[str(image.format)], image.size
    orientation = _orientation(image)
    rgb = _to_rgb(_decode(image, SIZES[0] / min(image.size)))
    # A centre square commutes with EXIF rotations and flips: crop and shrink first, orient the 512 only.
    big = rgb if rgb.size == (SIZES[0], SIZES[0]) else _square(rgb, SIZES[0])
    if orientation in ORIENTATIONS:
        big = big.transpose(ORIENTATIONS[orientation])
    webp_big = _encoders().submit(_encode, big.copy(), "webp")
    small = _square(big, SIZES[1])
    webp_small = _encoders().submit(_encode, small.copy(), "webp")
    renditions = (
        Rendition(SIZES[0], "jpg", "image/jpeg", _encode(big.copy(), "jpg"), *big.size),
        Rendition(SIZES[0], "webp", "image/webp", webp_big.result(), *big.size),
        Rendition(SIZES[1], "jpg", "image/jpeg", _encode(small.copy(), "jpg"), *small.size),
        Rendition(SIZES[1], "webp", "image/webp", webp_small.result(), *small.size),
    )
    return Processed(source_type=source_type, source_size=source_size, renditions=renditions)


def process_picture(data: bytes, *, declared_type: str) -> Processed:
    """Verify the upload and make the display size (longest side ≤ 1600) and the thumbnail (≤ 400) from it,
    JPEG and WebP, upright (EXIF orientation applied), never enlarged, aspect kept, without metadata."""
    image = verify(data, declared_type=declared_type, kind="media")
    source_type, source_size = FORMAT_TYPES[str(image.format)], image.size
    orientation = _orientation(image)
    display_side, thumbnail_side = MEDIA_SIZES
    # The size as stored (orientation is a transpose: it swaps sides, never changes the longest one).
    display_size = _fitted(source_size, display_side)
    decoded = _to_rgba_or_rgb(_decode(image, min(1.0, display_side / max(source_size))))
    display = _fit(decoded, display_size)
    if orientation in ORIENTATIONS:
        display = display.transpose(ORIENTATIONS[orientation])
    webp_display = _encoders().submit(_encode, display.copy(), "webp")
    thumbnail = _fit(display, _fitted(display.size, thumbnail_side))
    webp_thumbnail = _encoders().submit(_encode, thumbnail.copy(), "webp")
    renditions = (
        Rendition(display_side, "jpg", "image/jpeg", _encode(display.copy(), "jpg"), *display.size),
        Rendition(display_side, "webp", "image/webp", webp_display.result(), *display.size),
        Rendition(thumbnail_side, "jpg", "image/jpeg", _encode(thumbnail.copy(), "jpg"), *thumbnail.size),
        Rendition(thumbnail_side, "webp", "image/webp", webp_thumbnail.result(), *thumbnail.size),
    )
    return Processed(source_type=source_type, source_size=source_size, renditions=renditions)


PROCESSORS: dict[UploadKind, Callable[..., Processed]] = {"avatar": process_image, "media": process_picture}
