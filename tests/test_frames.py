"""qrpay.frames: each code reported once while in view, from frames, folders and video files."""

from __future__ import annotations

import io

import cv2
import numpy as np
import pytest
import segno

from qrpay.decode import Decoded
from qrpay.errors import DecodeError
from qrpay.frames import Deduper, FrameReader, scan_frames

A = "upi://pay?pa=shop.one@ybl&pn=Shop%20One&am=12.00"
B = "https://pay.example.com/p/second-order-token-0002"


def frame(*texts: str, size: tuple[int, int] = (480, 640)) -> np.ndarray:
    canvas = np.full((*size, 3), 235, np.uint8)
    for i, text in enumerate(texts):
        buffer = io.BytesIO()
        segno.make(text, error="m", micro=False).save(buffer, kind="png", scale=4)
        tile = cv2.imdecode(np.frombuffer(buffer.getvalue(), np.uint8), cv2.IMREAD_COLOR)
        x = 20 + i * 320
        canvas[40 : 40 + tile.shape[0], x : x + tile.shape[1]] = tile
    return canvas


def test_deduper_remembers_while_in_view() -> None:
    code = Decoded(A, "QRCode", (), "zxing")
    dedupe = Deduper(memory=1.0)
    assert dedupe.new([code, code], 0.0) == [code]
    assert dedupe.new([code], 0.5) == []
    assert dedupe.new([code], 1.4) == []  # still in view: last seen 0.9 s ago
    assert dedupe.new([], 3.0) == []
    assert dedupe.new([code], 3.1) == [code]  # out of view for 1.7 s: new again


def test_stream_reports_each_code_once_and_again_after_leaving_view() -> None:
    blank = frame()
    frames = [frame(A)] * 5 + [frame(A, B)] * 5 + [blank] * 20 + [frame(B)] * 3
    sightings = list(scan_frames(frames, fps=10.0, memory=1.0))
    assert [(s.code.text, s.frame) for s in sightings] == [(A, 0), (B, 5), (B, 30)]
    assert sightings[2].time == pytest.approx(3.0)


def test_on_frame_sees_every_frame_and_can_stop() -> None:
    calls = []

    def on_frame(image, codes):
        calls.append(len(codes))
        return len(calls) < 3

    assert [s.frame for s in scan_frames([frame(A)] * 10, on_frame=on_frame)] == [0]
    assert calls == [1, 1, 1]


def test_folder_of_images(tmp_path) -> None:
    for i, image in enumerate([frame(A), frame(A), frame(), frame(B)]):
        cv2.imwrite(str(tmp_path / f"{i:03d}.png"), image)
    (tmp_path / "notes.txt").write_text("ignored")
    (tmp_path / "004.png").write_bytes(b"broken")  # skipped like a dropped frame
    assert [s.code.text for s in scan_frames(tmp_path)] == [A, B]


def test_video_file_reports_each_code_once(tmp_path) -> None:
    path = tmp_path / "codes.avi"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 30.0, (640, 480))
    assert writer.isOpened()
    for image in [frame(A)] * 20 + [frame()] * 10 + [frame(B)] * 20:
        writer.write(image)
    writer.release()
    sightings = list(scan_frames(path))
    assert [s.code.text for s in sightings] == [A, B]
    assert sightings[1].frame == 30
    # Real-time pacing may skip frames, but never reports a code twice.
    texts = [s.code.text for s in scan_frames(path, realtime=True)]
    assert len(texts) == len(set(texts))


def test_unopenable_sources(tmp_path) -> None:
    with pytest.raises(DecodeError, match="no such file"):
        list(scan_frames(tmp_path / "missing.avi"))
    (tmp_path / "not-a-video.avi").write_text("nope")
    with pytest.raises(DecodeError, match="video"):
        list(scan_frames(tmp_path / "not-a-video.avi"))
    with pytest.raises(TypeError):
        list(scan_frames(True))


def test_frame_reader_keeps_up_with_720p() -> None:
    import time

    reader = FrameReader()
    image = cv2.resize(frame(A), (1280, 720))
    reader(image)
    start = time.perf_counter()
    for _ in range(20):
        assert [d.text for d in reader(image)] == [A]
    fps = 20 / (time.perf_counter() - start)
    assert fps >= 15, f"{fps:.0f} fps"
