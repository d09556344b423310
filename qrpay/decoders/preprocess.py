"""Image fixes tried when the plain frame yields nothing; each returns the new frame and its scale factor.

Which fixes the default chain uses, and in what order, was chosen by measurement (``bench/decode.py
--stages``, figures in ``bench/README.md``); the others stay here so the benchmark can keep weighing them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

    Gray = NDArray[np.uint8]
    Fix = Callable[[Gray], tuple[Gray, float]]


def _cv2() -> Any:
    import cv2  # the caller (image loading) has already checked that OpenCV is installed

    return cv2


def identity(gray: Gray) -> tuple[Gray, float]:
    return gray, 1.0


def clahe(gray: Gray) -> tuple[Gray, float]:
    """Contrast-limited adaptive histogram equalisation: low contrast, uneven light, glare."""
    cv2 = _cv2()
    out: Gray = cv2.createCLAHE(clipLimit=3.0, tileGridSize=(8, 8)).apply(gray)
    return out, 1.0


def stretch(gray: Gray) -> tuple[Gray, float]:
    """Global min–max contrast stretch (after ignoring the 1 % extremes)."""
    import numpy as np

    lo, hi = np.percentile(gray, (1, 99))
    if hi - lo < 1:
        return gray, 1.0
    scaled = (gray.astype(np.float32) - np.float32(lo)) * np.float32(255.0 / (hi - lo))
    out: Gray = np.clip(scaled, 0, 255).astype(np.uint8)
    return out, 1.0


def upscale(gray: Gray) -> tuple[Gray, float]:
    """Double the resolution (bicubic): codes with modules under ~2 px."""
    cv2 = _cv2()
    out: Gray = cv2.resize(gray, None, fx=2.0, fy=2.0, interpolation=cv2.INTER_CUBIC)
    return out, 2.0


def downscale(gray: Gray) -> tuple[Gray, float]:
    """Halve the resolution (area average): shrinks blur and noise relative to the module size."""
    cv2 = _cv2()
    out: Gray = cv2.resize(gray, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)
    return out, 0.5


def sharpen(gray: Gray) -> tuple[Gray, float]:
    """Unsharp mask (a cheap deblurring attempt): defocus and mild motion blur."""
    cv2 = _cv2()
    blurred = cv2.GaussianBlur(gray, (0, 0), 2.0)
    out: Gray = cv2.addWeighted(gray, 2.0, blurred, -1.0, 0)
    return out, 1.0


def smooth(gray: Gray) -> tuple[Gray, float]:
    """Gaussian smoothing: washes out screen moiré and sensor noise before binarisation."""
    cv2 = _cv2()
    out: Gray = cv2.GaussianBlur(gray, (0, 0), 1.2)
    return out, 1.0


def close(gray: Gray) -> tuple[Gray, float]:
    """Grey closing with a 3×3 kernel: fills the dark gaps of an LCD's pixel grid inside light modules."""
    cv2 = _cv2()
    out: Gray = cv2.morphologyEx(gray, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (3, 3)))
    return out, 1.0


FIXES: dict[str, Fix] = {
    "none": identity,
    "clahe": clahe,
    "stretch": stretch,
    "upscale": upscale,
    "downscale": downscale,
    "sharpen": sharpen,
    "smooth": smooth,
    "close": close,
}
