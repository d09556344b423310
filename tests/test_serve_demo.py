"""`qrpay serve --demo` starts gunicorn on SQLite with demo data; `qrpay demo` walks the flows against it."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytest.importorskip("flask")
pytest.importorskip("gunicorn")
QRPAY = str(Path(sys.executable).with_name("qrpay"))


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def clean_env(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("QRPAY_")}
    env["QRPAY_INSTANCE_PATH"] = str(tmp_path / "instance")
    return env


@pytest.fixture
def demo_server(tmp_path):
    port = free_port()
    env = clean_env(tmp_path)
    log = tmp_path / "serve.log"
    with log.open("w") as sink:  # a file, not a pipe: a chatty server must never block on a full pipe
        proc = subprocess.Popen(
            [QRPAY, "serve", "--demo", "--port", str(port), "--workers", "1"],
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url + "/v1/openapi.json", timeout=1).close()
            break
        except OSError:
            if proc.poll() is not None:
                pytest.fail(f"server exited: {log.read_text()}")
            time.sleep(0.2)
    yield url, env
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        pytest.fail("qrpay serve did not stop on SIGTERM")
    # SIGTERM to `qrpay serve` stops the server itself: no orphaned gunicorn keeps the port.
    with pytest.raises(OSError):
        urllib.request.urlopen(url + "/v1/health", timeout=2).close()


def test_demo_walks_the_flows(demo_server):
    url, env = demo_server
    result = subprocess.run(
        [QRPAY, "demo", "--url", url, "--no-codes"], env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert "all flows completed" in result.stdout
    assert "ledger check ok=True" in result.stdout
    assert "409 code_reused" in result.stdout
    # Processing stays on the bank side: the walk never prints a full mobile number or account number.
    assert "6222020200112345678" not in result.stdout


def test_production_refuses_to_start_without_secrets(tmp_path):
    env = clean_env(tmp_path) | {"QRPAY_ENV": "production"}
    result = subprocess.run(
        [QRPAY, "serve", "--port", str(free_port())], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode != 0
    assert "QRPAY_ADMIN_TOKEN" in result.stderr and "Traceback" not in result.stderr


def test_demo_without_a_server_is_one_line(tmp_path):
    result = subprocess.run(
        [QRPAY, "demo"], env=clean_env(tmp_path), capture_output=True, text=True, timeout=60
    )
    assert result.returncode != 0 and result.stderr.count("\n") == 1


def test_sample_pos_sees_its_order_paid(demo_server, tmp_path):
    import json

    from qrpay.client import PayerClient

    url, env = demo_server
    sample = Path(__file__).resolve().parent.parent / "samples" / "pos_client.py"
    pos = subprocess.Popen(
        [sys.executable, str(sample), "--url", url, "--amount", "12.80", "--reference", "S-1"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        code = None
        for line in pos.stdout:
            if line.startswith("code:"):
                code = line.split(":", 1)[1].strip()
                break
        assert code, pos.stderr.read()
        payer = json.loads((Path(env["QRPAY_INSTANCE_PATH"]) / "demo.json").read_text())["payers"][1]
        paid = PayerClient(url).pay(
            code,
            payer["mobile"],
            payer["account_alias"],
            {"method": "static_password", "password": payer["static_password"]},
        )
        assert paid["amount"] == 1280
        out, err = pos.communicate(timeout=30)
    finally:
        if pos.poll() is None:
            pos.kill()
            pos.communicate()
    assert pos.returncode == 0, err
    assert "status: paid" in out
