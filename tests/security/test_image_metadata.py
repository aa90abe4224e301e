"""Image re-encoding keeps the pixels only: every metadata segment of every type goes.

Each stored file is read back segment by segment (JPEG markers, PNG
chunks, WebP RIFF chunks) and may hold only what a picture needs.
"""

from __future__ import annotations

import io
import struct

import pytest
from PIL import Image, ImageCms, PngImagePlugin

from competition.uploads import check

SECRET = b"SECRET-"  # every planted text starts so; none may survive
SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def exif() -> bytes:
    data = Image.Exif()
    data[0x010E] = "SECRET-exif description"  # ImageDescription
    data[0x013B] = "SECRET-exif artist"  # Artist
    return data.tobytes()


def segment(marker: int, payload: bytes) -> bytes:
    return bytes([0xFF, marker]) + struct.pack(">H", len(payload) + 2) + payload


def jpeg_with_everything() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (16, 16), (200, 30, 30)).save(
        buffer, "JPEG", comment=b"SECRET-comment", exif=exif(), icc_profile=SRGB,
        xmp=b"<x:xmpmeta>SECRET-xmp</x:xmpmeta>")
    data = buffer.getvalue()
    planted = (segment(0xED, b"Photoshop 3.0\x00SECRET-iptc")  # APP13 (IPTC)
               + segment(0xEC, b"Ducky\x00SECRET-app12")  # APP12
               + segment(0xFE, b"SECRET-second comment"))  # COM
    return data[:2] + planted + data[2:]


def jpeg_segments(data: bytes) -> list[int]:
    """The markers before the image data (SOS), in order."""
    assert data[:2] == b"\xff\xd8"
    position, markers = 2, []
    while position < len(data):
        marker = data[position + 1]
        markers.append(marker)
        if marker == 0xDA:  # start of scan: the pixels follow
            break
        (length,) = struct.unpack(">H", data[position + 2:position + 4])
        position += 2 + length
    return markers


def png_chunks(data: bytes) -> list[bytes]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    position, kinds = 8, []
    while position < len(data):
        (length,) = struct.unpack(">I", data[position:position + 4])
        kinds.append(data[position + 4:position + 8])
        position += 12 + length
    return kinds


def webp_chunks(data: bytes) -> list[bytes]:
    assert data[:4] == b"RIFF" and data[8:12] == b"WEBP"
    position, kinds = 12, []
    while position < len(data):
        kind = data[position:position + 4]
        (length,) = struct.unpack("<I", data[position + 4:position + 8])
        kinds.append(kind)
        position += 8 + length + (length & 1)
    return kinds


def png_with_everything(mode: str = "RGB") -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "SECRET-text")
    info.add_text("Author", "SECRET-ztext", zip=True)
    info.add_itxt("XML:com.adobe.xmp", "SECRET-xmp")
    image = Image.new("RGB", (16, 16), (30, 200, 30))
    if mode == "P":
        image = image.convert("P")
    buffer = io.BytesIO()
    options = {"transparency": 0} if mode == "P" else {}
    image.save(buffer, "PNG", pnginfo=info, exif=exif(), icc_profile=SRGB, dpi=(300, 300),
               **options)
    return buffer.getvalue()


def webp_with_everything() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (16, 16), (30, 30, 200)).save(
        buffer, "WEBP", exif=exif(), icc_profile=SRGB, xmp=b"<x:xmpmeta>SECRET-xmp</x:xmpmeta>")
    return buffer.getvalue()


def test_the_planted_files_do_carry_every_segment():
    """The inputs are what the tests claim (so a pass below means the segments were removed)."""
    assert {0xFE, 0xE1, 0xE2, 0xEC, 0xED} <= set(jpeg_segments(jpeg_with_everything()))
    assert {b"tEXt", b"zTXt", b"iTXt", b"eXIf", b"iCCP", b"pHYs"} <= set(
        png_chunks(png_with_everything()))
    assert {b"EXIF", b"XMP ", b"ICCP"} <= set(webp_chunks(webp_with_everything()))


def test_a_jpeg_keeps_no_comment_and_no_application_segment(app):
    stored = check(jpeg_with_everything(), "anh.jpg").data
    markers = jpeg_segments(stored)
    assert 0xFE not in markers  # COM
    assert [m for m in markers if 0xE0 <= m <= 0xEF] == [0xE0]  # only the JFIF header
    assert SECRET not in stored
    assert Image.open(io.BytesIO(stored)).getpixel((8, 8))[0] > 150  # still the red picture


@pytest.mark.parametrize("mode", ["RGB", "P"])
def test_a_png_keeps_only_the_chunks_of_the_picture(app, mode):
    stored = check(png_with_everything(mode), "anh.png").data
    assert set(png_chunks(stored)) <= {b"IHDR", b"PLTE", b"tRNS", b"IDAT", b"IEND"}
    assert SECRET not in stored
    if mode == "P":  # a palette's transparency is part of the picture, not metadata
        assert b"tRNS" in png_chunks(stored)


def test_a_webp_keeps_no_exif_xmp_or_profile(app):
    stored = check(webp_with_everything(), "anh.webp").data
    assert not {b"EXIF", b"XMP ", b"ICCP"} & set(webp_chunks(stored))
    assert SECRET not in stored
