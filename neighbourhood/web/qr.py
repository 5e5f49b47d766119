"""QR codes as inline SVG made on the server: the CSP lets no script or outside image in, and a phone camera reads
them from the screen or from paper."""
from __future__ import annotations

import segno
from markupsafe import Markup


def qr_svg(url: str, *, css_class: str = "qr", scale: int = 3, border: int = 2, scalable: bool = False) -> Markup:
    """`url` as an SVG QR code (medium error correction, so a creased or stained print still scans), titled with
    the URL for screen readers. `scalable` drops the fixed size so CSS sets it (the viewBox keeps the shape)."""
    options = {"omitsize": True} if scalable else {"scale": scale}
    return Markup(segno.make(url, error="m").svg_inline(title=url, border=border, svgclass=css_class, lineclass=None,
                                                        **options))
