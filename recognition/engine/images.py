"""Decoding untrusted image bytes into RGB pixel arrays.

Contract of :func:`load_image`: bytes in, ``numpy.uint8`` array of shape ``(H, W, 3)`` out, in
the orientation a person sees (EXIF orientation applied), or an :class:`EngineError` with a
precise code. Nothing else in the engine decodes images.

Order of checks, cheapest and safest first:

1. byte size (``image_too_big_bytes``) - before Pillow sees anything;
2. header only: format (``image_format_unsupported``) and pixel count (``image_too_large``) -
   ``Image.open`` reads the header lazily, so a decompression bomb is refused before a single
   pixel is decoded; Pillow's own bomb guard is turned into an error as a second line;
3. full decode, where truncation and corruption become ``image_invalid``.
"""

from __future__ import annotations

import io
import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np

# Register exactly the decoders we accept (Image.open(formats=...) needs them loaded).
from PIL import (  # noqa: F401
    Image,
    ImageFile,
    ImageOps,
    JpegImagePlugin,
    PngImagePlugin,
    UnidentifiedImageError,
    WebPImagePlugin,
)

from .errors import ImageFormatUnsupported, ImageInvalid, ImageTooBigBytes, ImageTooLarge

#: 40 megapixels: above every common phone/camera output (12-24 MP; 48-50 MP sensors deliver
#: 12 MP binned by default) and 120 MB as RGB, so one request cannot exhaust a worker.
DEFAULT_MAX_PIXELS = 40_000_000
#: 20 MB of compressed bytes.
DEFAULT_MAX_BYTES = 20 * 1024 * 1024

#: Pillow format names we decode. (The multi-picture JPEG many phones write opens through the
#: JPEG opener and reports itself as "MPO"; its first frame is a plain JPEG.)
ACCEPTED_FORMATS: tuple[str, ...] = ("JPEG", "PNG", "WEBP")

#: Alpha is composited on this colour (see :func:`_to_rgb`).
BACKGROUND = (255, 255, 255)

_truncation_lock = threading.Lock()


@contextmanager
def _strict_truncation() -> Iterator[None]:
    """Decode with ``ImageFile.LOAD_TRUNCATED_IMAGES`` off.

    Why: importing ``face_recognition`` sets that process-wide flag to True, after which Pillow
    silently fills a truncated JPEG with grey. We refuse truncated uploads, so we switch the flag
    off for the duration of our decode (under a lock, since it is a module global) and restore it.
    """
    with _truncation_lock:
        previous = ImageFile.LOAD_TRUNCATED_IMAGES
        ImageFile.LOAD_TRUNCATED_IMAGES = False
        try:
            yield
        finally:
            ImageFile.LOAD_TRUNCATED_IMAGES = previous


def _identify_other_format(data: bytes) -> str | None:
    """Name of the format when Pillow recognises the header as something we do not accept."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with Image.open(io.BytesIO(data)) as other:  # header only, never .load()ed
                return other.format
    except Exception:  # noqa: BLE001 - any failure here just means "not an image"
        return None


def _to_rgb(img: Image.Image) -> Image.Image:
    """Convert any Pillow mode to 8-bit RGB.

    Transparency is composited on white rather than dropped: dropping alpha exposes whatever
    RGB values sit under fully transparent pixels, which a person looking at the image never
    sees (and which can even hide a different face). Compositing makes the engine see what a
    human reviewer sees.
    """
    if img.mode == "P":
        # Palette images may carry transparency in their info; RGBA keeps it for compositing.
        img = img.convert("RGBA")
    if img.mode in ("I;16", "I;16B", "I;16L", "I", "F"):
        # 16/32-bit greyscale: scale to 8 bits by the format's nominal range.
        arr = np.asarray(img, dtype=np.float64)
        top = 65535.0 if img.mode.startswith("I;16") or arr.max(initial=0) > 255 else 255.0
        img = Image.fromarray(np.clip(arr * (255.0 / top), 0, 255).astype(np.uint8), "L")
    if img.mode in ("RGBA", "LA", "RGBa", "La", "PA"):
        rgba = img.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (*BACKGROUND, 255))
        return Image.alpha_composite(background, rgba).convert("RGB")
    if img.mode != "RGB":
        # L, 1, CMYK, YCbCr, LAB, HSV: Pillow's conversions (CMYK without ICC profile, which
        # is what browsers do for untagged files).
        return img.convert("RGB")
    return img


def _open_checked(data: bytes, *, max_pixels: int, max_bytes: int) -> Image.Image:
    """Checks 1-2 of the module docstring: the lazily opened image, nothing decoded yet."""
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError("the engine expects the raw file bytes")
    if len(data) > max_bytes:
        raise ImageTooBigBytes(size_bytes=len(data), max_bytes=max_bytes)
    if len(data) == 0:
        raise ImageInvalid("The file is empty.")
    try:
        img = Image.open(io.BytesIO(bytes(data)), formats=list(ACCEPTED_FORMATS))
    except UnidentifiedImageError:
        other = _identify_other_format(bytes(data))
        if other is not None:
            raise ImageFormatUnsupported(
                f"{other} images are not accepted; use JPEG, PNG or WebP.", format=other
            ) from None
        raise ImageInvalid() from None
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageTooLarge(max_pixels=max_pixels) from None
    except (OSError, SyntaxError, ValueError) as exc:
        raise ImageInvalid(f"The image header is unreadable ({exc}).") from None
    width, height = img.size
    if width <= 0 or height <= 0:
        raise ImageInvalid("The image has no pixels.")
    if width * height > max_pixels:
        # Checked on the header, before decoding: a 60 MP single-colour PNG is a few KB on
        # disk but 180 MB of RGB once decoded.
        raise ImageTooLarge(
            f"The image has {width * height} pixels; at most {max_pixels} are accepted.",
            pixels=width * height,
            max_pixels=max_pixels,
        )
    return img


def image_size(
    data: bytes,
    *,
    max_pixels: int = DEFAULT_MAX_PIXELS,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> tuple[int, int]:
    """(width, height) from the header alone, after the same byte, format and pixel checks as
    :func:`load_image`; no pixel is decoded. Lets a caller refuse a batch before decoding any."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        with _open_checked(data, max_pixels=max_pixels, max_bytes=max_bytes) as img:
            return img.size


def load_image(
    data: bytes,
    *,
    max_pixels: int = DEFAULT_MAX_PIXELS,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> np.ndarray:
    """Decode JPEG/PNG/WebP bytes into an upright ``uint8`` array of shape ``(H, W, 3)``.

    Raises ``ImageTooBigBytes``, ``ImageFormatUnsupported``, ``ImageTooLarge`` or
    ``ImageInvalid``. Animated files are read at their first frame.
    """
    with warnings.catch_warnings():
        # Pillow's own decompression-bomb guard warns between 1x and 2x MAX_IMAGE_PIXELS and
        # raises above; make both an error so neither path decodes a bomb.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        img = _open_checked(data, max_pixels=max_pixels, max_bytes=max_bytes)
        try:
            with _strict_truncation():
                img.load()
                img = ImageOps.exif_transpose(img)
                rgb = _to_rgb(img)
                array = np.asarray(rgb, dtype=np.uint8)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise ImageTooLarge(max_pixels=max_pixels) from None
        except (OSError, SyntaxError, ValueError, EOFError) as exc:
            raise ImageInvalid(f"The image data is corrupt or truncated ({exc}).") from None
    if array.ndim != 3 or array.shape[2] != 3:  # defensive: _to_rgb always yields RGB
        raise ImageInvalid("The image could not be converted to RGB.")
    return np.ascontiguousarray(array)
