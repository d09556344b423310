"""The qrpay command: make, inspect, keys — called in-process through main(args), plus one real subprocess."""

import json
import shutil
import subprocess
import sys

import pytest
from qrpay.cli.main import main

from qrpay import parse


@pytest.fixture
def ring_text(capsys):
    assert main(["keys", "generate"]) == 0
    return capsys.readouterr().out.strip()


def test_make_order_then_inspect_verifies(ring_text, capsys):
    assert (
        main(
            [
                "make",
                "order",
                "--keys",
                ring_text,
                "--name",
                "Tea",
                "--city",
                "Hangzhou",
                "--amount",
                "12.5",
                "--reference",
                "ord1",
                "-q",
            ]
        )
        == 0
    )
    payload = capsys.readouterr().out.strip()
    assert parse(payload, strict=True).get("54") == "12.50"
    assert main(["inspect", "--keys", ring_text, payload]) == 0
    out = capsys.readouterr().out
    assert "signature: valid order code" in out and "Merchant Name" in out


def test_inspect_reports_a_bad_signature_with_exit_3(ring_text, capsys):
    main(
        [
            "make",
            "order",
            "--keys",
            ring_text,
            "--name",
            "Tea",
            "--city",
            "H",
            "--amount",
            "1",
            "--reference",
            "r",
            "-q",
        ]
    )
    payload = capsys.readouterr().out.strip()
    assert main(["keys", "generate"]) == 0
    other = capsys.readouterr().out.strip()
    assert main(["inspect", "--keys", other, payload]) == 3
    assert "INVALID (unknown_key" in capsys.readouterr().out


def test_inspect_json_and_stdin(monkeypatch, capsys):
    import io

    monkeypatch.setattr(sys, "stdin", io.StringIO("upi://pay?pa=shop@bank&am=10.00\n"))
    assert main(["inspect", "--json", "-"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["format"], data["fields"]["pa"], data["signature"]) == ("upi-uri", "shop@bank", None)


def test_inspect_bad_input_is_one_line_and_exit_2(capsys):
    assert main(["inspect", "00020101021"]) == 2
    captured = capsys.readouterr()
    assert captured.err.count("\n") == 1 and captured.err.startswith("qrpay: error:")
    assert "Traceback" not in captured.err


def test_inspect_json_error(capsys):
    assert main(["inspect", "--json", "0002010102"]) == 2
    assert json.loads(capsys.readouterr().out)["error"]["code"] == "length_overrun"


@pytest.mark.parametrize("suffix", [".png", ".svg", ".txt"])
def test_make_emv_writes_files(tmp_path, suffix, capsys):
    out = tmp_path / f"code{suffix}"
    assert (
        main(
            [
                "make",
                "emv",
                "--name",
                "Padaria",
                "--city",
                "Sao Paulo",
                "--country",
                "BR",
                "--currency",
                "BRL",
                "--account",
                "26:00=br.gov.bcb.pix,01=padaria@example.com",
                "--amount",
                "9.90",
                "-o",
                str(out),
                "-q",
            ]
        )
        == 0
    )
    payload = capsys.readouterr().out.strip()
    assert parse(payload, strict=True).scheme == "pix"
    assert out.stat().st_size > 100


def test_make_upi_and_epc(capsys):
    assert main(["make", "upi", "--pa", "shop@bank", "--pn", "Shop One", "--am", "10.00", "-q"]) == 0
    assert parse(capsys.readouterr().out.strip()).get("pn") == "Shop One"
    assert (
        main(
            [
                "make",
                "epc",
                "--name",
                "Red Cross",
                "--iban",
                "BE68 5390 0754 7034",
                "--bic",
                "BPOTBEB1",
                "--amount",
                "10",
                "-q",
            ]
        )
        == 0
    )
    code = parse(capsys.readouterr().out.rstrip("\n"), strict=True)
    assert (code.format, code.get("amount")) == ("epc-sct", "10.00")


def test_make_order_without_keys_is_a_usage_error(monkeypatch, capsys):
    monkeypatch.delenv("QRPAY_SIGNING_KEYS", raising=False)
    assert main(["make", "order", "--name", "A", "--city", "B", "--amount", "1", "--reference", "r"]) == 2
    assert "qrpay keys generate" in capsys.readouterr().err


def test_make_refuses_a_bad_amount(capsys):
    assert (
        main(["make", "emv", "--name", "A", "--city", "B", "--account", "26:00=x", "--amount", "1,50"]) == 2
    )
    assert "amount" in capsys.readouterr().err


def test_keys_rotate_file(tmp_path, capsys):
    path = tmp_path / "ring"
    assert main(["keys", "generate", "-o", str(path)]) == 0
    first = path.read_text().strip()
    assert main(["keys", "rotate", "--keys-file", str(path)]) == 0
    rotated = path.read_text().strip()
    assert rotated.startswith(first + ",") and (path.stat().st_mode & 0o077) == 0
    assert main(["keys", "rotate", "--keys-file", str(path), "--drop-oldest"]) == 0
    assert first.split(":")[0] not in path.read_text()


def test_console_script_runs():
    exe = shutil.which("qrpay") or str(__import__("pathlib").Path(sys.executable).with_name("qrpay"))
    result = subprocess.run([exe, "inspect", "--json", "hello"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and json.loads(result.stdout)["format"] == "text"
    result = subprocess.run([exe, "--help"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and "inspect" in result.stdout
