"""Turning an uploaded photo into a safe one, with no database: decode, orient, shrink, re-encode.

Re-encoding from pixels drops every EXIF field (GPS position, phone model, time) and anything hidden
in the file, and means we only ever serve JPEGs we wrote ourselves."""
from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

MAX_SIDE = 1280
JPEG_QUALITY = 82
ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF", "MPO"}
# A 40-megapixel photo is the largest a phone takes; a bigger canvas is a decompression bomb.
MAX_PIXELS = 40_000_000


class NotAPhoto(ValueError):
    pass


@dataclass(frozen=True)
class CleanPhoto:
    data: bytes
    width: int
    height: int


def clean_photo(raw: bytes) -> CleanPhoto:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(raw)) as image:
                if image.format not in ACCEPTED_FORMATS:
                    raise NotAPhoto(image.format)
                if image.width * image.height > MAX_PIXELS:
                    raise NotAPhoto("too many pixels")
                image.load()
                upright = ImageOps.exif_transpose(image)
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError,
            Image.DecompressionBombWarning) as error:
        raise NotAPhoto(str(error)) from error
    upright.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
    pixels = _flatten(upright)
    out = io.BytesIO()
    pixels.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
    return CleanPhoto(out.getvalue(), pixels.width, pixels.height)


def _flatten(image: Image.Image) -> Image.Image:
    """JPEG has no transparency: put transparent pixels on white, as a phone gallery shows them."""
    if image.mode in ("RGBA", "LA", "P"):
        image = image.convert("RGBA")
        background = Image.new("RGB", image.size, "white")
        background.paste(image, mask=image.getchannel("A"))
        return background
    return image.convert("RGB")
