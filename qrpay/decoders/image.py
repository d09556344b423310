"""Turn whatever the caller has (a path, encoded bytes, a PIL image, a numpy frame) into one 8-bit grey frame.

Every backend works on luminance, so the conversion is done once here rather than once per backend.
"""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import BackendUnavailable, DecodeError

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

    Gray = NDArray[np.uint8]


def _numpy() -> Any:
    try:
        import numpy
    except ImportError as exc:  # pragma: no cover - depends on the installed extras
        raise BackendUnavailable("decoding images needs numpy: pip install 'qrpay[decode]'") from exc
    return numpy


def _cv2() -> Any:
    try:
        import cv2
    except ImportError as exc:  # pragma: no cover - depends on the installed extras
        raise BackendUnavailable(
            "decoding images needs OpenCV: pip install 'qrpay[decode]' (opencv-python-headless)"
        ) from exc
    return cv2


def load_gray(source: object) -> Gray:
    """Return ``source`` as a C-contiguous 2-D ``uint8`` array.

    :raises DecodeError: a path that does not exist or is not a readable image, or bytes that are not one.
    :raises TypeError: an object of another type.
    """
    if isinstance(source, str | os.PathLike):
        path = Path(source)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise DecodeError(f"{path}: no such file") from None
        except IsADirectoryError:
            raise DecodeError(f"{path}: is a directory, not an image") from None
        except OSError as exc:
            raise DecodeError(f"{path}: cannot read: {exc.strerror or exc}") from None
        return _from_encoded(data, str(path))
    if isinstance(source, bytes | bytearray | memoryview):
        return _from_encoded(bytes(source), "image bytes")
    np = _numpy()
    if isinstance(source, np.ndarray):
        return from_array(source)
    if type(source).__module__.startswith("PIL."):
        return _from_pil(source)
    raise TypeError(
        f"cannot decode a {type(source).__name__}: pass a path, bytes, a PIL image or a numpy array"
    )


def from_array(frame: NDArray[Any]) -> Gray:
    """Grey from a numpy frame: 2-D grey, or H×W×3 BGR / H×W×4 BGRA as OpenCV delivers camera frames."""
    np = _numpy()
    if frame.dtype != np.uint8:
        if frame.dtype == np.bool_:
            frame = frame.astype(np.uint8) * 255
        elif np.issubdtype(frame.dtype, np.floating) and frame.size and float(frame.max()) <= 1.0:
            frame = (np.clip(frame, 0.0, 1.0) * 255).round().astype(np.uint8)
        elif frame.dtype == np.uint16:
            frame = (frame >> 8).astype(np.uint8)
        else:
            frame = np.clip(frame, 0, 255).astype(np.uint8)
    if frame.ndim == 3 and frame.shape[2] == 1:
        frame = frame[:, :, 0]
    if frame.ndim == 2:
        gray: Gray = np.ascontiguousarray(frame)
        return gray
    if frame.ndim == 3 and frame.shape[2] in (3, 4):
        cv2 = _cv2()
        code = cv2.COLOR_BGR2GRAY if frame.shape[2] == 3 else cv2.COLOR_BGRA2GRAY
        converted: Gray = cv2.cvtColor(np.ascontiguousarray(frame), code)
        return converted
    raise TypeError(
        f"cannot decode an array of shape {frame.shape}: expected H×W, H×W×3 (BGR) or H×W×4 (BGRA)"
    )


def _from_encoded(data: bytes, what: str) -> Gray:
    np = _numpy()
    cv2 = _cv2()
    if data:
        decoded = cv2.imdecode(np.frombuffer(data, dtype=np.uint8), cv2.IMREAD_UNCHANGED)
        if decoded is not None:
            if decoded.ndim == 3 and decoded.shape[2] == 4:
                # Flatten transparency onto white, as a viewer (and a phone screen) would show it.
                alpha = decoded[:, :, 3:].astype(np.float32) / np.float32(np.iinfo(decoded.dtype).max)
                white = np.float32(np.iinfo(decoded.dtype).max)
                decoded = (decoded[:, :, :3] * alpha + white * (1 - alpha)).astype(decoded.dtype)
            return from_array(decoded)
    # OpenCV does not read GIF (and some other formats Pillow knows); try Pillow when it is installed.
    try:
        from PIL import Image, UnidentifiedImageError
    except ImportError:
        raise DecodeError(f"{what}: not an image OpenCV can read") from None
    try:
        with Image.open(io.BytesIO(data)) as img:
            return _from_pil(img)
    except (UnidentifiedImageError, OSError, ValueError):
        raise DecodeError(f"{what}: not an image") from None


def _from_pil(img: object) -> Gray:
    np = _numpy()
    from PIL import Image

    assert isinstance(img, Image.Image)
    if img.mode in ("RGBA", "LA", "P", "PA"):
        # Flatten transparency onto white, as a viewer (and a phone screen) would show it.
        rgba = img.convert("RGBA")
        ground = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        img = Image.alpha_composite(ground, rgba)
    gray: Gray = np.ascontiguousarray(np.asarray(img.convert("L"), dtype=np.uint8))
    return gray
