"""Building needs and photos the way residents make them, and reading the pages that come back."""
from __future__ import annotations

import gzip
import html
import io

from PIL import Image

from tests.accounts.helpers import text


def shown(response) -> str:
    """The page's HTML with entities decoded (&#34;me too&#34; → "me too")."""
    return html.unescape(text(response))


def gzip_size(response) -> int:
    return len(gzip.compress(response.get_data()))


def phone_photo(size=(3000, 2000), colour=(30, 120, 200)) -> bytes:
    """A JPEG as a phone writes it: big, with the camera model and a GPS position in EXIF."""
    image = Image.new("RGB", size, colour)
    exif = Image.Exif()
    exif[0x0110] = "Pixel 7"          # Model
    gps = exif.get_ifd(0x8825)         # GPSInfo
    gps[1] = "N"
    gps[2] = (30.0, 38.0, 12.5)        # 30°38'12.5" N — 玉林
    gps[3] = "E"
    gps[4] = (104.0, 2.0, 40.1)
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def need_form(**overrides) -> dict:
    return {"title": "3栋门口路灯坏了", "description": "晚上看不清台阶，老人下楼很危险。", "building": "",
            "place": "东门", "category": "repairs", **overrides}
