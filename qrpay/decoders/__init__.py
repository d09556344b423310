"""Decoder backends behind :func:`qrpay.decode`: one small module per backend, each with ``read(gray)``.

========================  =====================================================================
``zxing``                 zxing-cpp: the fastest and most robust single decoder (the chain's first stage)
``zbar``                  ZBar through pyzbar's ctypes bindings (needs Debian's ``libzbar0``), binary mode
``opencv``                OpenCV ``QRCodeDetector``
``opencv-aruco``          OpenCV ``QRCodeDetectorAruco``
========================  =====================================================================

Each ``read`` takes a 2-D ``uint8`` frame and returns :class:`~qrpay.decode.Decoded` results, unchecked; the
chain (:mod:`.chain`) runs the payload checks (:mod:`.checks`) and orders backends and preprocessing
(:mod:`.preprocess`). Backends import their library on first use and raise
:class:`~qrpay.errors.BackendUnavailable` when it is missing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

    from ..decode import Decoded

    Reader = Callable[[NDArray[np.uint8]], list[Decoded]]

BACKENDS = ("zxing", "zbar", "opencv", "opencv-aruco")


def reader(name: str) -> Reader:
    """The ``read`` function of the backend called ``name``.

    :raises ValueError: no backend has that name.
    """
    if name == "zxing":
        from . import zxing

        return zxing.read
    if name == "zbar":
        from . import zbar

        return zbar.read
    if name == "opencv":
        from . import opencv

        return opencv.read
    if name == "opencv-aruco":
        from . import opencv

        return opencv.read_aruco
    raise ValueError(f"unknown decoder backend {name!r}; choose one of {', '.join(BACKENDS)}")
