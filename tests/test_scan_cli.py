"""``qrpay decode`` and ``qrpay scan`` through the real entry point (and once through the console script)."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import cv2
import numpy as np
import pytest
import segno
from qrpay.cli.main import main

from qrpay.crc import crc16_hex

EMV = (  # EMV MPM with a UTF-8 merchant name; lengths count characters (EMV QRCPS-MPM §4.1)
    "00020101021126360016A00000067701011101120066801234565204581253037645405"
    "12.505802TH5911Café Zürich6007BANGKOK6304"
)
EMV += crc16_hex(EMV)
UPI = "upi://pay?pa=shop@ybl&pn=Shop&am=99.00"


def png(path, text: str) -> str:
    segno.make(text, error="m", micro=False, eci=not text.isascii()).save(str(path), scale=5)
    return str(path)


def bgr(text: str | None) -> np.ndarray:
    canvas = np.full((480, 640, 3), 230, np.uint8)
    if text is not None:
        buffer = io.BytesIO()
        segno.make(text, error="m", micro=False, eci=not text.isascii()).save(buffer, kind="png", scale=4)
        tile = cv2.imdecode(np.frombuffer(buffer.getvalue(), np.uint8), cv2.IMREAD_COLOR)
        canvas[30 : 30 + tile.shape[0], 30 : 30 + tile.shape[1]] = tile
    return canvas


def test_decode_prints_one_line_per_code(tmp_path, capsys) -> None:
    assert main(["decode", png(tmp_path / "a.png", EMV), png(tmp_path / "b.png", UPI)]) == 0
    out, err = capsys.readouterr()
    assert out.splitlines() == [f"QR-Code:{EMV}", f"QR-Code:{UPI}"]
    assert "scanned 2 codes from 2 images" in err


def test_decode_json_explains_the_payload(tmp_path, capsys) -> None:
    assert main(["decode", "--json", png(tmp_path / "a.png", EMV)]) == 0
    [doc] = json.loads(capsys.readouterr().out)
    assert doc["text"] == EMV and doc["format"] == "QRCode" and len(doc["corners"]) == 4
    assert doc["payload"]["format"] == "emv-mpm"
    assert doc["payload"]["fields"]["59"] == "Café Zürich"
    assert doc["payload"]["merchant"] == "Café Zürich" and doc["payload"]["amount"] == "12.50"


def test_decode_reports_parse_errors_in_json(tmp_path, capsys) -> None:
    broken = "0002010102115802TH6304"  # looks like EMV but is not one (and fails its CRC: not even read)
    text = "upi://pay?pn=NoPayee"  # a UPI URI without the mandatory pa
    assert (
        main(["decode", "--json", "-q", png(tmp_path / "u.png", text), png(tmp_path / "e.png", broken)]) == 0
    )
    [doc] = json.loads(capsys.readouterr().out)
    assert doc["text"] == text
    assert "error" in doc["payload"] or doc["payload"]["format"] in ("upi-uri", "url", "text")


def test_decode_exit_codes(tmp_path, capsys) -> None:
    blank = tmp_path / "blank.png"
    cv2.imwrite(str(blank), bgr(None))
    assert main(["decode", str(blank)]) == 4
    assert capsys.readouterr().out == ""
    assert main(["decode", str(tmp_path / "missing.png")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("qrpay: error:") and "missing.png" in err and len(err.splitlines()) == 1
    assert main(["decode", png(tmp_path / "a.png", UPI), str(tmp_path / "missing.png")]) == 2
    out, err = capsys.readouterr()
    assert out == f"QR-Code:{UPI}\n" and "missing.png" in err


@pytest.fixture
def video(tmp_path):
    path = tmp_path / "counter.avi"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 30.0, (640, 480))
    for image in [bgr(EMV)] * 15 + [bgr(None)] * 45 + [bgr(UPI)] * 15:
        writer.write(image)
    writer.release()
    return path


def test_scan_video_reports_each_code_once(video, capsys, monkeypatch) -> None:
    monkeypatch.delenv("QRPAY_SIGNING_KEYS", raising=False)
    assert main(["scan", "--video", str(video)]) == 0
    out = capsys.readouterr().out
    assert out.count(f"QR-Code:{EMV}") == 1 and out.count(f"QR-Code:{UPI}") == 1
    assert "merchant:  Café Zürich" in out and "amount:    12.50" in out


def test_scan_json_and_once(video, capsys) -> None:
    assert main(["scan", "--video", str(video), "--json"]) == 0
    docs = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [d["text"] for d in docs] == [EMV, UPI]
    assert docs[1]["frame"] == 60 and docs[0]["payload"]["merchant"] == "Café Zürich"
    assert main(["scan", "--video", str(video), "--once", "--json"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 1


def test_scan_folder_nothing_found_and_bad_usage(tmp_path, capsys) -> None:
    cv2.imwrite(str(tmp_path / "blank.png"), bgr(None))
    assert main(["scan", "--dir", str(tmp_path)]) == 4
    assert main(["scan", "--dir", str(tmp_path), "--video", "x.avi"]) == 2
    assert "choose one source" in capsys.readouterr().err


def test_scan_preview_says_why_there_is_no_window(tmp_path, capsys, monkeypatch) -> None:
    from qrpay.cli import scan_cmd

    monkeypatch.setattr(scan_cmd, "preview_unavailable", lambda: "no display (test)")
    png(tmp_path / "a.png", UPI)
    assert main(["scan", "--dir", str(tmp_path), "--preview"]) == 0
    out, err = capsys.readouterr()
    assert "--preview: no window: no display (test)" in err and f"QR-Code:{UPI}" in out
    monkeypatch.undo()
    reason = scan_cmd.preview_unavailable()  # headless OpenCV or no DISPLAY in CI: a reason, never a crash
    assert reason is None or isinstance(reason, str)


def test_scan_verifies_qrpay_signatures(tmp_path, capsys, monkeypatch) -> None:
    codes = pytest.importorskip("qrpay.codes")
    from qrpay.signing import KeyRing

    ring = KeyRing.generate()
    text = codes.issue_order_code(
        ring,
        order_ref="ORD-1",
        merchant_name="Noodle Bar",
        merchant_city="BANGKOK",
        country_code="TH",
        mcc="5812",
        currency="THB",
        amount_minor=12850,
        expires_at=datetime.now(UTC) + timedelta(minutes=5),
    )
    png(tmp_path / "order.png", text)
    monkeypatch.setenv("QRPAY_SIGNING_KEYS", ring.to_config())
    assert main(["scan", "--dir", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "merchant:  Noodle Bar" in out and "amount:    128.50" in out
    assert "signature: valid order code" in out
    monkeypatch.setenv("QRPAY_SIGNING_KEYS", KeyRing.generate().to_config())
    assert main(["scan", "--dir", str(tmp_path), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["signature"]["verified"] is False


def test_console_script(tmp_path) -> None:
    # The console script installed next to this interpreter (the venv's bin/), else the one on PATH.
    beside = Path(sys.executable).with_name("qrpay")
    script = str(beside) if beside.exists() else shutil.which("qrpay")
    assert script, "the qrpay console script is not installed (pip install -e .)"
    result = subprocess.run([script, "decode", png(tmp_path / "a.png", EMV)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"QR-Code:{EMV}\n"
