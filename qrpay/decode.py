"""Decode payment QR codes from still images: ``decode(source) -> list[Decoded]``.

The pipeline has three stages, each in its own module under :mod:`qrpay.decoders`:

``image``   a file path, bytes, a PIL image or a numpy frame → one 8-bit grey frame
``chain``   the default decoder chain (chosen by measurement, see ``bench/README.md``): zxing-cpp on the
            frame, then preprocessed retries and other backends only when nothing was read
``checks``  every candidate passes the payload's own checks (EMV CRC, text encoding) before it is returned

A backend (``zxing``, ``zbar``, ``opencv``, ``opencv-aruco``) can be forced with ``backend=``. Nothing here
imports OpenCV, numpy, Pillow or a decoder at module level: ``import qrpay`` works with the base dependencies
only, and a missing backend is reported as :class:`~qrpay.errors.BackendUnavailable` when it is first used.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Decoded", "decode"]


@dataclass(frozen=True)
class Decoded:
    """One code read from an image.

    ``text`` is the payload exactly as encoded (ECI and UTF-8 resolved), ``format`` the symbology
    (``"QRCode"``, ``"MicroQRCode"``), ``corners`` the symbol's corner points in image pixels (top-left,
    top-right, bottom-right, bottom-left as far as the backend knows them) and ``backend`` the decoder that
    read it, e.g. ``"zxing"`` or ``"zxing+clahe"`` when a preprocessing step was needed.
    """

    text: str
    format: str
    corners: tuple[tuple[float, float], ...]
    backend: str

    @property
    def centre(self) -> tuple[float, float]:
        """The mean of the corner points (``(0.0, 0.0)`` when the backend gave none)."""
        if not self.corners:
            return (0.0, 0.0)
        xs, ys = zip(*self.corners, strict=True)
        return (sum(xs) / len(xs), sum(ys) / len(ys))


def decode(source: object, *, backend: str | None = None) -> list[Decoded]:
    """Return every code found in ``source`` (a path, encoded image bytes, a PIL image or a numpy frame).

    ``[]`` when there is no readable code. ``backend`` forces one decoder (``"zxing"``, ``"zbar"``,
    ``"opencv"``, ``"opencv-aruco"``) instead of the default chain; results are checked either way.

    :raises DecodeError: the file is missing or is not an image.
    :raises BackendUnavailable: the ``decode`` extra (or the forced backend, or ``libzbar0``) is missing.
    :raises ValueError: ``backend`` names no known backend.
    :raises TypeError: ``source`` is of an unsupported type.
    """
    from .decoders import chain, image

    gray = image.load_gray(source)
    return chain.read(gray, backend=backend)
