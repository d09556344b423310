"""Scan a stream of frames (a webcam, a video file, a folder of images) and report each new code once.

A code is reported the first time it is read and then remembered while it stays in view: it is reported again
only after it has been out of sight for longer than ``memory`` seconds (measured on the stream's own clock,
so a video file gives the same answer however fast it is read). Live frames go through a fast path (zxing-cpp
on the grey frame, then one global-binarizer retry) because the next frame is a retry of its own; a camera is
read by a background thread that keeps only the newest frame, so a slow decode drops frames, not lags.
"""

from __future__ import annotations

import math
import os
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .decode import Decoded
from .errors import BackendUnavailable, DecodeError

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

    Frame = NDArray[Any]
    FrameCallback = Callable[[Frame, list[Decoded]], bool | None]

__all__ = ["FrameReader", "Sighting", "scan_frames"]

IMAGE_SUFFIXES = frozenset(
    {".png", ".jpg", ".jpeg", ".bmp", ".webp", ".tif", ".tiff", ".gif", ".pgm", ".ppm"}
)


@dataclass(frozen=True)
class Sighting:
    """A code seen for the first time (or again after leaving view), with its frame index and time."""

    code: Decoded
    frame: int
    time: float


class FrameReader:
    """Decode one live frame with the fast path (or a forced ``backend``); callable, reusable, cheap."""

    def __init__(self, backend: str | None = None) -> None:
        from .decoders import chain

        self.backend = backend
        self._stages = chain.DEFAULT_STAGES[:2]  # zxing-cpp, then its global binarizer: ~2 ms a frame

    def __call__(self, frame: Frame) -> list[Decoded]:
        from .decoders import chain, image

        gray = image.from_array(frame)
        return chain.read(gray, backend=self.backend, stages=self._stages)


class Deduper:
    """Remember codes by text; a code is new when it was not seen in the last ``memory`` seconds."""

    def __init__(self, memory: float) -> None:
        self.memory = memory
        self._last_seen: dict[str, float] = {}

    def new(self, codes: Iterable[Decoded], now: float) -> list[Decoded]:
        fresh: list[Decoded] = []
        for code in codes:
            seen = self._last_seen.get(code.text, -math.inf)
            if now - seen > self.memory and all(code.text != f.text for f in fresh):
                fresh.append(code)
            self._last_seen[code.text] = now
        for text, seen in list(self._last_seen.items()):
            if now - seen > self.memory:
                del self._last_seen[text]
        return fresh


def scan_frames(
    source: int | str | os.PathLike[str] | Iterable[Frame],
    *,
    backend: str | None = None,
    memory: float = 1.0,
    realtime: bool | None = None,
    fps: float = 10.0,
    on_frame: FrameCallback | None = None,
) -> Iterator[Sighting]:
    """Yield a :class:`Sighting` for each new code in a camera (an ``int`` index), a video file, a folder of
    images (sorted by name, taken as a stream at ``fps`` frames per second) or an iterable of numpy frames.

    ``realtime`` drops frames to keep pace with the source's clock: always on for a camera, off by default for
    files and folders (every frame is decoded). ``on_frame(frame, codes)`` is called for every decoded frame
    with all the codes in it (for a preview window); returning ``False`` stops the scan.

    :raises DecodeError: the camera, video or folder cannot be opened.
    :raises BackendUnavailable: OpenCV (or the forced backend) is not installed.
    """
    reader = FrameReader(backend)
    deduper = Deduper(memory)
    for index, timestamp, frame in _frames(source, realtime=realtime, fps=fps):
        codes = reader(frame)
        if on_frame is not None and on_frame(frame, codes) is False:
            return
        for code in deduper.new(codes, timestamp):
            yield Sighting(code=code, frame=index, time=timestamp)


def _cv2() -> Any:
    try:
        import cv2
    except ImportError as exc:
        raise BackendUnavailable("scanning frames needs OpenCV: pip install 'qrpay[decode]'") from exc
    return cv2


def _frames(source: object, *, realtime: bool | None, fps: float) -> Iterator[tuple[int, float, Frame]]:
    """``(frame index, seconds on the stream's clock, frame)`` for any supported source."""
    if isinstance(source, bool):
        raise TypeError("a camera index must be an int, not a bool")
    if isinstance(source, int):
        yield from _camera(source)
    elif isinstance(source, str | os.PathLike):
        path = Path(source)
        if path.is_dir():
            yield from _folder(path, fps)
        elif path.exists():
            yield from _video(path, realtime=bool(realtime))
        else:
            raise DecodeError(f"{path}: no such file or folder")
    elif isinstance(source, Iterable):
        for index, frame in enumerate(source):
            yield index, index / fps, frame
    else:
        raise TypeError(f"cannot scan a {type(source).__name__}: pass a camera index, a path or frames")


def _folder(path: Path, fps: float) -> Iterator[tuple[int, float, Frame]]:
    from .decoders import image

    files = sorted(p for p in path.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES and p.is_file())
    for index, file in enumerate(files):
        try:
            frame = image.load_gray(file)
        except DecodeError:
            continue  # a folder of photos may hold a broken one; skip it like a dropped frame
        yield index, index / fps, frame


def _video(path: Path, *, realtime: bool) -> Iterator[tuple[int, float, Frame]]:
    cv2 = _cv2()
    capture = cv2.VideoCapture(str(path))
    try:
        if not capture.isOpened():
            raise DecodeError(f"{path}: not a video OpenCV can open")
        fps = capture.get(cv2.CAP_PROP_FPS) or 30.0
        started = time.monotonic()
        index = -1
        while True:
            if realtime:
                # Skip (grab without decoding) the frames whose time has already passed.
                due = int((time.monotonic() - started) * fps)
                while index + 1 < due:
                    if not capture.grab():
                        return
                    index += 1
            ok, frame = capture.read()
            if not ok:
                return
            index += 1
            yield index, index / fps, frame
    finally:
        capture.release()


def _camera(number: int) -> Iterator[tuple[int, float, Frame]]:
    cv2 = _cv2()
    capture = cv2.VideoCapture(number)
    if not capture.isOpened():
        capture.release()
        raise DecodeError(f"camera {number}: cannot open it (is it connected, and is it free?)")
    latest = _LatestFrame()
    stop = threading.Event()

    def grab() -> None:
        # Read as fast as the camera delivers; only the newest frame is kept, older ones are dropped.
        index = 0
        while not stop.is_set():
            ok, frame = capture.read()
            if not ok:
                break
            latest.put(index, frame)
            index += 1
        latest.close()

    thread = threading.Thread(target=grab, name=f"qrpay-camera-{number}", daemon=True)
    started = time.monotonic()
    thread.start()
    try:
        while True:
            item = latest.take()
            if item is None:
                return
            index, frame = item
            yield index, time.monotonic() - started, frame
    finally:
        stop.set()
        thread.join(timeout=2.0)
        capture.release()


class _LatestFrame:
    """A one-slot mailbox: ``put`` replaces the frame not yet taken (that frame is dropped)."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._item: tuple[int, np.ndarray] | None = None
        self._closed = False
        self.dropped = 0

    def put(self, index: int, frame: np.ndarray) -> None:
        with self._cond:
            if self._item is not None:
                self.dropped += 1
            self._item = (index, frame)
            self._cond.notify()

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify()

    def take(self) -> tuple[int, np.ndarray] | None:
        with self._cond:
            while self._item is None and not self._closed:
                self._cond.wait()
            item, self._item = self._item, None
            return item
