"""The OpenCV backends: ``QRCodeDetector`` (``opencv``) and ``QRCodeDetectorAruco`` (``opencv-aruco``)."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

from ..decode import Decoded
from ..errors import BackendUnavailable

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

# Detectors are not thread-safe and cost a few ms to build: one per thread, built on first use.
_local = threading.local()


def _cv2() -> Any:
    try:
        import cv2
    except ImportError as exc:
        raise BackendUnavailable(
            "the opencv backends need OpenCV: pip install 'qrpay[decode]' (opencv-python-headless)"
        ) from exc
    if not getattr(_local, "quiet", False):
        # OpenCV logs "ECI is not supported properly" to stderr for every UTF-8 (ECI 26) code it decodes;
        # the bytes it returns are right, so the warning is noise for our callers.
        cv2.utils.logging.setLogLevel(cv2.utils.logging.LOG_LEVEL_ERROR)
        _local.quiet = True
    return cv2


def _detector(kind: str) -> Any:
    detector = getattr(_local, kind, None)
    if detector is None:
        cv2 = _cv2()
        detector = cv2.QRCodeDetectorAruco() if kind == "aruco" else cv2.QRCodeDetector()
        setattr(_local, kind, detector)
    return detector


def _read(detector: Any, gray: NDArray[np.uint8], name: str) -> list[Decoded]:
    try:
        ok, texts, points, _ = detector.detectAndDecodeMulti(gray)
    except UnicodeDecodeError:  # a byte payload that is not UTF-8: OpenCV's binding cannot return it
        return []
    except Exception as exc:  # cv2.error on degenerate input (e.g. tiny frames)
        if type(exc).__name__ == "error":
            return []
        raise
    if not ok or points is None:
        return []
    found = []
    for text, quad in zip(texts, points, strict=False):
        if not text:  # detected but not decoded
            continue
        corners = tuple((float(x), float(y)) for x, y in quad)
        found.append(Decoded(text=text, format="QRCode", corners=corners, backend=name))
    return found


def read(gray: NDArray[np.uint8]) -> list[Decoded]:
    """Every QR symbol OpenCV's classic ``QRCodeDetector`` reads in ``gray``."""
    return _read(_detector("classic"), gray, "opencv")


def read_aruco(gray: NDArray[np.uint8]) -> list[Decoded]:
    """Every QR symbol OpenCV's ``QRCodeDetectorAruco`` (finder patterns as ArUco-like markers) reads."""
    return _read(_detector("aruco"), gray, "opencv-aruco")
