"""Configuration (SPEC §4.1): production refuses to start without real secrets; development makes its own."""

from __future__ import annotations

import logging
import os

import pytest
from qrpay.server import create_app
from qrpay.server.config import ConfigError

from qrpay.signing import KeyRing


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith("QRPAY_"):
            monkeypatch.delenv(name)


def test_production_refuses_without_secrets(tmp_path) -> None:
    with pytest.raises(ConfigError, match="QRPAY_ADMIN_TOKEN"):
        create_app({"QRPAY_ENV": "production", "QRPAY_INSTANCE_PATH": str(tmp_path)})
    with pytest.raises(ConfigError, match="QRPAY_ADMIN_TOKEN"):
        create_app(
            {"QRPAY_ENV": "production", "QRPAY_INSTANCE_PATH": str(tmp_path), "QRPAY_ADMIN_TOKEN": "dev"}
        )
    with pytest.raises(ConfigError, match="QRPAY_SIGNING_KEYS"):
        create_app(
            {"QRPAY_ENV": "production", "QRPAY_INSTANCE_PATH": str(tmp_path), "QRPAY_ADMIN_TOKEN": "a" * 40}
        )


def test_default_env_is_production(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QRPAY_INSTANCE_PATH", str(tmp_path))
    with pytest.raises(ConfigError):
        create_app()


def test_production_with_secrets_has_no_dev_routes(tmp_path) -> None:
    app = create_app(
        {
            "QRPAY_ENV": "production",
            "QRPAY_INSTANCE_PATH": str(tmp_path),
            "QRPAY_ADMIN_TOKEN": "a" * 40,
            "QRPAY_SIGNING_KEYS": KeyRing.generate().to_config(),
        }
    )
    reply = app.test_client().get("/v1/dev/sms?mobile=1", headers={"Authorization": "Bearer " + "a" * 40})
    assert reply.status_code == 404
    assert "/v1/dev/sms" not in app.test_client().get("/v1/openapi.json").get_json()["paths"]
    app.extensions["qrpay"].db.dispose()


def test_development_generates_and_persists_secrets(tmp_path, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="qrpay.server"):
        first = create_app({"QRPAY_ENV": "development", "QRPAY_INSTANCE_PATH": str(tmp_path)})
    assert "generated a throwaway admin token" in caplog.text
    second = create_app({"QRPAY_ENV": "development", "QRPAY_INSTANCE_PATH": str(tmp_path)})
    assert first.config["QRPAY_ADMIN_TOKEN"] == second.config["QRPAY_ADMIN_TOKEN"]
    assert (tmp_path / "dev-secrets.json").exists() and (tmp_path / "qrpay.sqlite3").exists()
    for app in (first, second):
        app.extensions["qrpay"].db.dispose()


def test_env_variables_are_read(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QRPAY_ENV", "development")
    monkeypatch.setenv("QRPAY_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("QRPAY_ADMIN_TOKEN", "t" * 40)
    monkeypatch.setenv("QRPAY_SCRYPT_N", "16")
    monkeypatch.setenv("QRPAY_LIMITS", '{"static_password": {"transaction": 5}}')
    app = create_app()
    assert app.config["QRPAY_ADMIN_TOKEN"] == "t" * 40 and app.config["QRPAY_SCRYPT_N"] == 16
    assert app.config["QRPAY_LIMITS"]["static_password"]["transaction"] == 5
    app.extensions["qrpay"].db.dispose()


def test_sqlite_pragmas(tmp_path) -> None:
    app = create_app({"QRPAY_ENV": "development", "QRPAY_INSTANCE_PATH": str(tmp_path)})
    db = app.extensions["qrpay"].db
    with db.read() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert conn.exec_driver_sql("SELECT version FROM schema_version").scalar() == 1
    db.dispose()
