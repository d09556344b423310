"""The ZBar backend, through pyzbar's ctypes bindings to Debian's ``libzbar0``.

pyzbar's own ``decode`` returns text that ZBar has already transcoded by guessing the charset, which garbles
UTF-8 without an ECI header (it guesses Shift-JIS). Here the scanner runs in ZBar's binary mode
(``ZBAR_CFG_BINARY``) so we get the encoded bytes and decode them ourselves: UTF-8 when they are valid UTF-8,
else ISO 8859-1, the QR default (ISO/IEC 18004 §7.4.2 / §8.4.4).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ..decode import Decoded
from ..errors import BackendUnavailable

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

# zbar.h: enum zbar_config_e (values not exported by pyzbar's ZBarConfig)
_CFG_ENABLE = 0
_CFG_BINARY = 4
_CFG_TEST_INVERTED = 0x81
_SYMBOL_NONE = 0
_SYMBOL_QRCODE = 64
_FOURCC_Y800 = 0x30303859


def _wrapper() -> Any:
    """pyzbar's ctypes wrapper; importing it loads ``libzbar.so``, so a missing library shows up here."""
    try:
        import pyzbar  # noqa: F401  (the Python package, which loads nothing by itself)
    except ImportError as exc:
        raise BackendUnavailable(
            "the zbar backend needs pyzbar: pip install 'qrpay[decode]' (or pyzbar)"
        ) from exc
    try:
        wrapper = importlib.import_module("pyzbar.wrapper")
    except (ImportError, OSError) as exc:  # not found, or found but not loadable (architecture, dependency)
        raise BackendUnavailable(
            "the zbar backend cannot load the ZBar shared library (libzbar.so.0): install it with "
            f"'apt-get install libzbar0' (Debian/Ubuntu) or 'brew install zbar' (macOS) [{exc}]"
        ) from exc
    return wrapper


def text_from_bytes(raw: bytes) -> str:
    """The text of a QR byte payload without ECI: UTF-8 when valid, else ISO 8859-1 (the QR default)."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def read(gray: NDArray[np.uint8], *, name: str = "zbar") -> list[Decoded]:
    """Every QR symbol ZBar reads in ``gray`` (normal and inverted)."""
    from ctypes import c_void_p, cast, string_at

    w = _wrapper()
    height, width = gray.shape
    pixels = gray.tobytes()
    found: list[Decoded] = []
    scanner = w.zbar_image_scanner_create()
    try:
        w.zbar_image_scanner_set_config(scanner, _SYMBOL_NONE, _CFG_ENABLE, 0)
        w.zbar_image_scanner_set_config(scanner, _SYMBOL_QRCODE, _CFG_ENABLE, 1)
        w.zbar_image_scanner_set_config(scanner, _SYMBOL_QRCODE, _CFG_BINARY, 1)
        w.zbar_image_scanner_set_config(scanner, _SYMBOL_NONE, _CFG_TEST_INVERTED, 1)
        image = w.zbar_image_create()
        try:
            w.zbar_image_set_format(image, _FOURCC_Y800)
            w.zbar_image_set_size(image, width, height)
            data = cast(pixels, c_void_p)  # type: ignore[arg-type]  # ctypes casts bytes to a pointer
            w.zbar_image_set_data(image, data, len(pixels), None)
            if w.zbar_scan_image(scanner, image) < 0:
                return []
            symbol = w.zbar_image_first_symbol(image)
            while symbol:
                raw = string_at(w.zbar_symbol_get_data(symbol), w.zbar_symbol_get_data_length(symbol))
                n = w.zbar_symbol_get_loc_size(symbol)
                corners = tuple(
                    (float(w.zbar_symbol_get_loc_x(symbol, i)), float(w.zbar_symbol_get_loc_y(symbol, i)))
                    for i in range(n)
                )
                found.append(
                    Decoded(text=text_from_bytes(raw), format="QRCode", corners=corners, backend=name)
                )
                symbol = w.zbar_symbol_next(symbol)
        finally:
            w.zbar_image_destroy(image)
    finally:
        w.zbar_image_scanner_destroy(scanner)
    return found
