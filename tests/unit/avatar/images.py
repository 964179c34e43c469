"""Test images made on the fly: real JPEG/PNG/WebP bytes, EXIF, bombs, truncated and lying files."""

from __future__ import annotations

import io
import struct
import zlib

from PIL import Image

RED, BLUE = (220, 20, 20), (20, 20, 220)
GREEN, YELLOW = (20, 200, 20), (230, 230, 20)


def halves(width: int, height: int) -> Image.Image:
    """Left half red, right half blue (so orientation is visible after a centre crop)."""
    image = Image.new("RGB", (width, height), BLUE)
    image.paste(RED, (0, 0, width // 2, height))
    return image


def jpeg(width: int = 800, height: int = 600, *, orientation: int | None = None) -> bytes:
    """A JPEG with EXIF (camera make, GPS position and, if given, an orientation)."""
    exif = Image.Exif()
    exif[0x010F] = "CruddurCam"  # Make
    exif[0x8825] = {2: (52.0, 22.0, 0.0), 1: "N"}  # GPSInfo
    if orientation is not None:
        exif[0x0112] = orientation
    out = io.BytesIO()
    halves(width, height).save(out, "JPEG", quality=90, exif=exif, comment=b"secret comment")
    return out.getvalue()


def quadrants_jpeg(width: int, height: int, *, orientation: int) -> bytes:
    """Quadrants of four colours (every rotation and flip tells apart) with an EXIF orientation."""
    source = Image.new("RGB", (width, height), (0, 0, 0))
    w, h = width // 2, height // 2
    for (x, y), colour in zip([(0, 0), (w, 0), (0, h), (w, h)], [RED, GREEN, BLUE, YELLOW], strict=True):
        source.paste(colour, (x, y, x + w, y + h))
    exif = Image.Exif()
    exif[0x0112] = orientation
    out = io.BytesIO()
    source.save(out, "JPEG", quality=95, exif=exif)
    return out.getvalue()


def png(width: int = 600, height: int = 400, *, alpha: bool = False) -> bytes:
    """A PNG (optionally half transparent)."""
    image = halves(width, height).convert("RGBA") if alpha else halves(width, height)
    if alpha:
        image.putalpha(Image.new("L", (width, height), 128))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def webp(width: int = 640, height: int = 480) -> bytes:
    """A WebP."""
    out = io.BytesIO()
    halves(width, height).save(out, "WEBP", quality=80)
    return out.getvalue()


def gif() -> bytes:
    """A GIF (a real image of a type we refuse)."""
    out = io.BytesIO()
    halves(100, 100).convert("P").save(out, "GIF")
    return out.getvalue()


def long_thin_png(width: int = 1, height: int = 100_000) -> bytes:
    """A 1x100000 grayscale PNG."""
    out = io.BytesIO()
    Image.new("L", (width, height), 200).save(out, "PNG")
    return out.getvalue()


def _chunk(kind: bytes, data: bytes) -> bytes:
    return (
        struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    )


def png_bomb(side: int = 20_000) -> bytes:
    """A 1-bit PNG of side x side zeros: a few hundred KB that would decode to hundreds of megapixels."""
    row = b"\x00" + b"\x00" * ((side + 7) // 8)
    compressor = zlib.compressobj(9)
    parts = [compressor.compress(row * 500) for _ in range(side // 500)]
    parts.append(compressor.flush())
    ihdr = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", b"".join(parts)) + _chunk(b"IEND", b"")
    )


def truncated_jpeg() -> bytes:
    """The first half of a JPEG."""
    data = jpeg(1200, 900)
    return data[: len(data) // 2]
