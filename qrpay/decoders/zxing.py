"""The zxing-cpp backend (``pip install zxing-cpp``): QR and Micro QR, text with ECI and charset resolved."""

from __future__ import annotations

from functools import cache
from importlib import metadata
from typing import TYPE_CHECKING, Any

from ..decode import Decoded
from ..errors import BackendUnavailable

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray


def _zxingcpp() -> Any:
    try:
        import zxingcpp
    except ImportError as exc:
        raise BackendUnavailable(
            "the zxing backend needs zxing-cpp: pip install 'qrpay[decode]' (or zxing-cpp)"
        ) from exc
    return zxingcpp


@cache
def _formats(zx: Any) -> Any:
    qr = (zx.BarcodeFormat.QRCode, zx.BarcodeFormat.MicroQRCode)
    # zxing-cpp 3 takes a tuple (``|`` is deprecated there); 2.x only combines formats with ``|``.
    try:
        major = int(metadata.version("zxing-cpp").split(".")[0])
    except (metadata.PackageNotFoundError, ValueError):
        major = 3
    return qr if major >= 3 else qr[0] | qr[1]


def read(
    gray: NDArray[np.uint8],
    *,
    binarizer: str = "local",
    downscale: bool = True,
    invert: bool = True,
    name: str = "zxing",
) -> list[Decoded]:
    """Every QR / Micro QR symbol zxing-cpp reads in ``gray``.

    ``binarizer`` is ``"local"`` (adaptive, the default), ``"global"`` (histogram) or ``"fixed"`` (threshold
    127, for frames already normalised); ``downscale`` and ``invert`` let zxing retry at lower resolutions
    and on the inverted image.
    """
    zx = _zxingcpp()
    binarizers = {
        "local": zx.Binarizer.LocalAverage,
        "global": zx.Binarizer.GlobalHistogram,
        "fixed": zx.Binarizer.FixedThreshold,
    }
    barcodes = zx.read_barcodes(
        gray,
        formats=_formats(zx),
        try_rotate=False,  # QR finder patterns are rotation invariant; this only helps 1-D symbols
        try_downscale=downscale,
        try_invert=invert,
        text_mode=zx.TextMode.Plain,
        binarizer=binarizers[binarizer],
    )
    found = []
    for barcode in barcodes:
        if not barcode.valid:
            continue
        pos = barcode.position
        corners = tuple(
            (float(p.x), float(p.y)) for p in (pos.top_left, pos.top_right, pos.bottom_right, pos.bottom_left)
        )
        fmt = "MicroQRCode" if barcode.format == zx.BarcodeFormat.MicroQRCode else "QRCode"
        found.append(Decoded(text=barcode.text, format=fmt, corners=corners, backend=name))
    return found
