"""Render payload text as a QR symbol: PNG, SVG, terminal text, or a data URI.

Text that is not plain ASCII is encoded as UTF-8 with an ECI designator (ISO/IEC 18004 §6.4.2), so decoders
read merchant names byte-exact instead of guessing ISO 8859-1. The quiet zone (four modules, §6.3.8) is kept
unless asked otherwise. A centre logo needs the ``logo`` extra and forces error correction level H, which can
lose up to 30 % of the symbol and still read.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import segno

from .errors import BackendUnavailable, ParseError

ERROR_LEVELS = ("L", "M", "Q", "H")
QUIET_ZONE = 4
LOGO_AREA = 0.2  # fraction of the symbol's width a logo may cover at level H


def make(text: str, *, error: str = "M") -> Any:
    """Encode ``text`` into a segno QR code (the matrix the writers below draw)."""
    if error.upper() not in ERROR_LEVELS:
        raise ParseError(
            f"error correction level must be one of {', '.join(ERROR_LEVELS)}", code="bad_value", path="error"
        )
    if not text:
        raise ParseError("nothing to encode", code="bad_value")
    options: dict[str, Any] = {"error": error.lower(), "micro": False, "boost_error": False}
    if not text.isascii():
        options |= {"encoding": "utf-8", "eci": True}
    try:
        return segno.make(text, **options)
    except segno.DataOverflowError:
        raise ParseError("text is too long for a QR code at this error level", code="bad_length") from None


def to_png(
    text: str,
    *,
    error: str = "M",
    scale: int = 8,
    border: int = QUIET_ZONE,
    logo: str | Path | bytes | None = None,
) -> bytes:
    """PNG bytes of ``text``; with ``logo`` (a path or image bytes), a centre logo at error level H."""
    if logo is not None:
        return _png_with_logo(text, logo, scale=scale, border=border)
    buffer = io.BytesIO()
    make(text, error=error).save(buffer, kind="png", scale=scale, border=border)
    return buffer.getvalue()


def to_svg(
    text: str, *, error: str = "M", scale: int = 8, border: int = QUIET_ZONE, title: str | None = None
) -> str:
    """A standalone SVG document of ``text``."""
    buffer = io.BytesIO()
    options: dict[str, Any] = {"kind": "svg", "scale": scale, "border": border, "xmldecl": False}
    if title:
        options["title"] = title
    make(text, error=error).save(buffer, **options)
    return buffer.getvalue().decode("utf-8")


def to_terminal(text: str, *, error: str = "M", border: int = 2, dark_background: bool = True) -> str:
    """Unicode half-block art, two modules rows per line, printable in any UTF-8 terminal.

    Phone cameras need dark modules on a light ground; on a dark terminal the blocks are therefore drawn for
    the *light* modules (``dark_background=True``).
    """
    qr = make(text, error=error)
    size = len(qr.matrix)
    rows = [[False] * (size + 2 * border) for _ in range(border)]
    rows += [[False] * border + [bool(v) for v in row] + [False] * border for row in qr.matrix]
    rows += [[False] * (size + 2 * border) for _ in range(border + (size + 2 * border) % 2)]
    glyphs = {(False, False): " ", (True, False): "▀", (False, True): "▄", (True, True): "█"}
    lines = []
    for top, bottom in zip(rows[0::2], rows[1::2], strict=True):
        if dark_background:
            top, bottom = [not v for v in top], [not v for v in bottom]
        lines.append("".join(glyphs[(a, b)] for a, b in zip(top, bottom, strict=True)))
    return "\n".join(lines) + "\n"


def to_data_uri(text: str, *, kind: str = "png", error: str = "M", scale: int = 8) -> str:
    """A ``data:`` URI (PNG or SVG) for embedding in HTML."""
    qr = make(text, error=error)
    if kind == "png":
        return str(qr.png_data_uri(scale=scale, border=QUIET_ZONE))
    if kind == "svg":
        return str(qr.svg_data_uri(scale=scale, border=QUIET_ZONE))
    raise ParseError("kind must be png or svg", code="bad_value", path="kind")


def _png_with_logo(text: str, logo: str | Path | bytes, *, scale: int, border: int) -> bytes:
    try:
        import qrcode
        from PIL import Image
    except ImportError:
        raise BackendUnavailable("a centre logo needs the logo extra: pip install 'qrpay[logo]'") from None
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_H, box_size=scale, border=border)
    qr.add_data(text.encode("utf-8"))
    qr.make(fit=True)
    image = qr.make_image(fill_color="black", back_color="white").get_image().convert("RGB")
    try:
        mark = Image.open(io.BytesIO(logo) if isinstance(logo, bytes) else logo).convert("RGBA")
    except (OSError, ValueError) as exc:
        raise ParseError(f"logo is not a readable image: {exc}", code="bad_value", path="logo") from None
    symbol = image.width - 2 * border * scale
    side = max(1, int(symbol * LOGO_AREA))
    mark.thumbnail((side, side))
    pad = max(2, scale // 2)
    backing = Image.new("RGB", (mark.width + 2 * pad, mark.height + 2 * pad), "white")
    backing.paste(mark, (pad, pad), mark)
    image.paste(backing, ((image.width - backing.width) // 2, (image.height - backing.height) // 2))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()
