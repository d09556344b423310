"""qrpay.decode: every source type, every payload kind byte-exact, code-free images, unreadable files."""

from __future__ import annotations

import io
import subprocess
import sys

import cv2
import numpy as np
import pytest
import segno
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from qrpay.crc import crc16_hex
from qrpay.decode import Decoded, decode
from qrpay.errors import DecodeError


def _emv(merchant: str, city: str, amount: str | None = "128.50", mcc: str = "5812") -> str:
    def tlv(tag: str, value: str) -> str:
        return f"{tag}{len(value):02d}{value}"  # lengths count characters (EMV QRCPS-MPM §4.1)

    body = tlv("00", "01") + tlv("01", "12") + tlv("26", tlv("00", "io.qrpay") + tlv("01", "order"))
    body += tlv("52", mcc) + tlv("53", "764") + (tlv("54", amount) if amount else "")
    body += tlv("58", "TH") + tlv("59", merchant) + tlv("60", city) + tlv("62", tlv("05", "ORD-2024-0001"))
    body += "6304"
    return body + crc16_hex(body)


# One payload of every kind a payer may scan (SPEC §3.1), with non-ASCII text where the format allows it.
PAYLOADS = {
    "emv-mpm": _emv("COFFEE CORNER", "BANGKOK"),
    "emv-mpm-utf8": _emv("Café Zürich 北京烤鸭", "São Paulo"),
    "emv-mpm-withdrawal": _emv("ATM 0042 SILOM", "BANGKOK", amount=None, mcc="6011"),
    "emv-cpm": "hQVDUFYwMWETTwegAAAAAxAQEFcTQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQw==",
    "upi-uri": "upi://pay?pa=ravi.kumar@okaxis&pn=Caf%C3%A9%20Mumbai&am=250.00&cu=INR&tn=Order%2042",
    "epc-sct": "BCD\n002\n1\nSCT\nBFSWDE33BER\nWikimedia Foerdergesellschaft\n"
    "DE33100205000001194700\nEUR10.5\n\n\n"
    "Spende fuer Wikipedia",
    "swiss-qr-bill": "SPC\n0200\n1\nCH4431999123000889012\nS\nRobert Schneider AG\n"
    "Rue du Lac\n1268\n2501\nBiel\n"
    "CH\n\n\n\n\n\n\n\n1949.75\nCHF\nS\nPia-Maria Rutschmann-Schnyder\nGrosse Marktgasse\n28\n9400\n"
    "Rorschach\nCH\nQRR\n210000000003139471430009017\nOrder of 15 June 2020\nEPD",
    "wallet-code": "284612345678901234",
    "url": "https://pay.example.com/p/AbC-123_xyzXYZ0987654321abcdef",
    "text-utf8": "Ünïcödé ✓ 支付 — payé",
}


def png_bytes(text: str, *, eci: bool | None = None, scale: int = 6) -> bytes:
    buffer = io.BytesIO()
    qr = segno.make(text, error="m", micro=False, eci=(not text.isascii()) if eci is None else eci)
    qr.save(buffer, kind="png", scale=scale, border=4)
    return buffer.getvalue()


@pytest.mark.parametrize("kind", sorted(PAYLOADS))
def test_every_payload_kind_round_trips_byte_exact(kind: str) -> None:
    text = PAYLOADS[kind]
    found = decode(png_bytes(text))
    assert [d.text for d in found] == [text]
    assert found[0].text.encode("utf-8") == text.encode("utf-8")
    assert found[0].format == "QRCode"


@pytest.mark.parametrize("eci", [True, False])
def test_utf8_merchant_name_with_and_without_eci(eci: bool, zbar_available: bool) -> None:
    text = PAYLOADS["emv-mpm-utf8"]
    for backend in (None, "zxing", "zbar") if zbar_available else (None, "zxing"):
        assert [d.text for d in decode(png_bytes(text, eci=eci), backend=backend)] == [text], backend


def test_qrpay_renderer_output_round_trips() -> None:
    render = pytest.importorskip("qrpay.render")
    for text in (PAYLOADS["emv-mpm-utf8"], PAYLOADS["emv-cpm"], PAYLOADS["url"]):
        assert [d.text for d in decode(render.to_png(text))] == [text]


def test_every_source_type(tmp_path) -> None:
    text = PAYLOADS["emv-mpm"]
    data = png_bytes(text)
    path = tmp_path / "code.png"
    path.write_bytes(data)
    pil = Image.open(io.BytesIO(data))
    gray = np.asarray(pil.convert("L"))
    bgr = cv2.cvtColor(gray, cv2.COLOR_GRAY2BGR)
    rgba = pil.convert("RGBA")
    for source in (
        path,
        str(path),
        data,
        bytearray(data),
        pil,
        rgba,
        gray,
        bgr,
        gray.astype(np.float32) / 255,
    ):
        assert [d.text for d in decode(source)] == [text], type(source)


def test_transparent_png_is_flattened_onto_white(tmp_path) -> None:
    text = "upi://pay?pa=shop@ybl"
    buffer = io.BytesIO()
    segno.make(text, error="m").save(buffer, kind="png", scale=6, light=None)  # transparent light modules
    assert [d.text for d in decode(buffer.getvalue())] == [text]


def test_corners_frame_the_symbol() -> None:
    text = PAYLOADS["url"]
    found = decode(png_bytes(text, scale=10))
    qr = segno.make(text, error="m", micro=False)
    side = qr.symbol_size(scale=10, border=4)[0]
    corners = np.array(found[0].corners)
    assert corners.shape == (4, 2)
    assert np.all(corners >= 40 - 2) and np.all(corners <= side - 40 + 2)
    assert found[0].centre == pytest.approx((side / 2, side / 2), abs=2)
    assert isinstance(found[0], Decoded)


def test_several_codes_in_one_image() -> None:
    texts = [PAYLOADS["emv-mpm"], PAYLOADS["upi-uri"], PAYLOADS["url"]]
    canvas = np.full((720, 1280), 255, np.uint8)
    for i, text in enumerate(texts):
        tile = cv2.imdecode(np.frombuffer(png_bytes(text, scale=4), np.uint8), cv2.IMREAD_GRAYSCALE)
        canvas[40 : 40 + tile.shape[0], 20 + i * 420 : 20 + i * 420 + tile.shape[1]] = tile
    assert sorted(d.text for d in decode(canvas)) == sorted(texts)


def test_no_code_gives_empty_list() -> None:
    rng = np.random.default_rng(3)
    assert decode(np.full((480, 640), 255, np.uint8)) == []
    assert decode(rng.integers(0, 256, (720, 1280), dtype=np.uint8)) == []
    assert decode(np.zeros((1, 1), np.uint8)) == []


def test_unreadable_sources_raise_decode_error(tmp_path) -> None:
    with pytest.raises(DecodeError, match="no such file"):
        decode(tmp_path / "missing.png")
    (tmp_path / "notes.txt").write_text("not an image")
    with pytest.raises(DecodeError, match="not an image"):
        decode(tmp_path / "notes.txt")
    with pytest.raises(DecodeError, match="directory"):
        decode(tmp_path)
    with pytest.raises(DecodeError):
        decode(b"\x89PNG\r\n\x1a\n truncated")
    with pytest.raises(DecodeError):
        decode(b"")
    assert DecodeError.code == "unreadable_image"


def test_bad_arguments() -> None:
    with pytest.raises(TypeError):
        decode(42)
    with pytest.raises(TypeError):
        decode(np.zeros((4, 4, 2), np.uint8))
    with pytest.raises(ValueError, match="unknown decoder backend"):
        decode(png_bytes("x"), backend="nope")


def test_import_qrpay_loads_no_optional_dependency() -> None:
    code = (
        "import sys, qrpay, qrpay.decode, qrpay.frames, qrpay.decoders, qrpay.decoders.chain\n"
        "heavy = {'cv2', 'numpy', 'PIL', 'zxingcpp', 'pyzbar'} & {m.split('.')[0] for m in sys.modules}\n"
        "assert not heavy, heavy\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=400))
def test_arbitrary_bytes_decode_or_raise_decode_error(data):
    # Whatever a camera roll or an upload hands us: codes, no codes, or a typed DecodeError — never a crash.
    try:
        found = decode(data)
    except DecodeError as exc:
        assert exc.code == "unreadable_image"
    else:
        assert isinstance(found, list)


@settings(max_examples=40, deadline=None)
@given(st.integers(min_value=1, max_value=64), st.integers(min_value=1, max_value=64), st.binary(min_size=1))
def test_arbitrary_frames_decode_to_a_list(width, height, seed):
    rng = np.random.default_rng(int.from_bytes(seed[:8], "big"))
    frame = rng.integers(0, 256, size=(height, width), dtype=np.uint8)
    assert decode(frame) == []  # noise holds no code that passes the payload checks
