"""Decoding of untrusted image bytes: every bad input gets its own code."""

from __future__ import annotations

import io
import struct
import zlib

import numpy as np
import pytest
from PIL import Image, ImageFile

from recognition.engine import (
    ImageFormatUnsupported,
    ImageInvalid,
    ImageTooBigBytes,
    ImageTooLarge,
    image_size,
    load_image,
)


def _encode(img: Image.Image, fmt: str, **kwargs) -> bytes:
    buffer = io.BytesIO()
    img.save(buffer, format=fmt, **kwargs)
    return buffer.getvalue()


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _single_colour_png(width: int, height: int) -> bytes:
    """A valid greyscale PNG streamed row by row: tiny on disk, never held as pixels here."""
    compressor = zlib.compressobj(9)
    row = b"\x00" + b"\x80" * width  # filter byte + pixels
    idat = bytearray()
    for _ in range(height):
        idat += compressor.compress(row)
    idat += compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", bytes(idat))
        + _png_chunk(b"IEND", b"")
    )


def test_text_file_named_jpg_is_refused_as_invalid_image(tmp_path):
    path = tmp_path / "photo.jpg"
    path.write_text("this is not a photograph\n")
    with pytest.raises(ImageInvalid) as info:
        load_image(path.read_bytes())
    assert info.value.code == "image_invalid"


def test_empty_file_is_refused_as_invalid_image():
    with pytest.raises(ImageInvalid):
        load_image(b"")


def test_truncated_jpeg_is_refused_as_invalid_image(read_face):
    data = read_face("people/obama/obama_1.jpg")
    with pytest.raises(ImageInvalid) as info:
        load_image(data[: len(data) * 6 // 10])
    assert info.value.code == "image_invalid"


def test_truncated_jpeg_is_refused_even_when_pillow_is_told_to_accept_truncation(
    read_face, monkeypatch
):
    # Importing face_recognition sets this flag process-wide; we must not inherit it.
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    data = read_face("people/obama/obama_1.jpg")
    with pytest.raises(ImageInvalid):
        load_image(data[: len(data) // 2])
    assert ImageFile.LOAD_TRUNCATED_IMAGES is True  # restored for whoever set it


def test_truncated_png_is_refused_as_invalid_image(read_face):
    data = read_face("edge/rgba_32bit.png")
    with pytest.raises(ImageInvalid):
        load_image(data[: len(data) // 2])


def test_sixty_megapixel_image_is_refused_before_its_pixels_are_decoded():
    data = _single_colour_png(10_000, 6_000)
    assert len(data) < 200_000  # a decompression bomb: tiny file, 60 MP
    assert Image.open(io.BytesIO(data)).size == (10_000, 6_000)  # the file itself is valid
    with pytest.raises(ImageTooLarge) as info:
        load_image(data)
    assert info.value.code == "image_too_large"
    assert info.value.context["pixels"] == 60_000_000


def test_pillow_decompression_bomb_guard_is_reported_as_image_too_large(read_face, monkeypatch):
    # Second line of defence when a caller raises max_pixels above Pillow's own limit.
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000)
    with pytest.raises(ImageTooLarge):
        load_image(read_face("people/obama/obama_5_small.jpg"), max_pixels=10**9)


def test_file_over_the_byte_limit_is_refused_as_too_big(read_face):
    data = read_face("people/obama/obama_1.jpg")
    with pytest.raises(ImageTooBigBytes) as info:
        load_image(data, max_bytes=len(data) - 1)
    assert info.value.code == "image_too_big_bytes"


@pytest.mark.parametrize("fmt", ["GIF", "BMP", "TIFF"])
def test_formats_other_than_jpeg_png_webp_are_refused_as_unsupported(fmt):
    data = _encode(Image.new("RGB", (64, 48), (10, 200, 30)), fmt)
    with pytest.raises(ImageFormatUnsupported) as info:
        load_image(data)
    assert info.value.code == "image_format_unsupported"
    assert info.value.context["format"] == fmt


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_jpeg_png_and_webp_decode_to_rgb_uint8(fmt):
    data = _encode(Image.new("RGB", (64, 48), (10, 200, 30)), fmt)
    array = load_image(data)
    assert array.shape == (48, 64, 3) and array.dtype == np.uint8
    assert np.abs(array.astype(int) - [10, 200, 30]).max() <= 8  # lossy codecs


def test_rgba_32bit_png_decodes_to_rgb(read_face):
    array = load_image(read_face("edge/rgba_32bit.png"))
    assert array.shape == (1200, 626, 3) and array.dtype == np.uint8


def test_transparent_pixels_are_composited_on_white_not_dropped():
    rgba = np.zeros((10, 10, 4), dtype=np.uint8)
    rgba[..., :3] = (255, 0, 0)  # red hidden under full transparency
    rgba[:5, :, 3] = 255  # top half opaque red
    array = load_image(_encode(Image.fromarray(rgba, "RGBA"), "PNG"))
    assert tuple(array[0, 0]) == (255, 0, 0)
    assert tuple(array[9, 9]) == (255, 255, 255)


def test_greyscale_palette_and_cmyk_images_become_rgb(read_face):
    grey = load_image(read_face("no_face/brick.png"))  # mode L
    assert grey.shape == (512, 512, 3)
    assert np.array_equal(grey[..., 0], grey[..., 2])
    palette = Image.new("RGB", (8, 8), (0, 0, 255)).convert("P")
    assert tuple(load_image(_encode(palette, "PNG"))[0, 0]) == (0, 0, 255)
    cmyk = Image.new("CMYK", (8, 8), (0, 255, 255, 0))  # pure red in CMYK
    assert load_image(_encode(cmyk, "JPEG"))[0, 0, 0] > 200


def test_exif_orientation_is_applied():
    img = Image.new("RGB", (40, 20), (0, 0, 0))
    img.paste((255, 255, 255), (0, 0, 10, 20))  # white strip on the left
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90 CW to display"
    array = load_image(_encode(img, "JPEG", exif=exif.tobytes(), quality=95))
    assert array.shape == (40, 20, 3)  # portrait once upright
    assert array[:8].mean() > 200  # the left strip is now at the top


def test_image_size_reads_the_header_without_decoding_a_pixel():
    # A 60 MP single-colour PNG is a few KB: its size is known from the header, and a cap
    # refuses it before the 180 MB of RGB would be decoded.
    data = _single_colour_png(10_000, 6_000)
    assert len(data) < 200_000
    assert image_size(data, max_pixels=10**9) == (10_000, 6_000)
    with pytest.raises(ImageTooLarge):
        image_size(data, max_pixels=1920 * 1080)
    with pytest.raises(ImageTooBigBytes):
        image_size(data, max_bytes=1000)
