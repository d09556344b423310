"""Configuration from ``QRPAY_*`` environment variables (SPEC §4.1), and the development-mode secrets.

=========================== =================================================================================
``QRPAY_ENV``               ``production`` (default) or ``development``
``QRPAY_INSTANCE_PATH``     instance folder: SQLite database, generated development secrets (default
./instance)
``QRPAY_DATABASE_URL``      SQLAlchemy URL (default ``sqlite:///<instance>/qrpay.sqlite3``)
``QRPAY_DATABASE_SCHEMA``   PostgreSQL schema to use (``search_path``), optional
``QRPAY_ADMIN_TOKEN``       back-office bearer token (production: required, at least 32 characters)
``QRPAY_SIGNING_KEYS``      key ring ``kid:base64url,kid2:…`` oldest first (production: required)
``QRPAY_PUBLIC_URL``        base of ``https://<host>/p/<token>`` order URLs (default: the request's host)
``QRPAY_SCRYPT_N``          scrypt cost for static passwords (default 2**15; tests lower it)
``QRPAY_SMS_GATEWAY``       ``dev`` (record messages; development default), ``none`` or ``module:factory``
``QRPAY_SMS_RATE_LIMIT``    challenges per mobile as ``count/seconds`` (default ``5/300``; ``off`` in
development)
``QRPAY_LIMITS``            JSON ``{method: {"transaction": n, "day": n, "month": n}}`` overriding the
defaults
``QRPAY_ORDER_TTL``         default order lifetime in seconds (300); ``QRPAY_MAX_ORDER_TTL`` its ceiling
(3600)
=========================== =================================================================================

``QRPAY_CLOCK`` (a callable returning an aware UTC datetime) can only be set through ``create_app(config)``:
it is the test seam for every expiry.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from qrpay.signing import KeyRing

log = logging.getLogger("qrpay.server")

DEFAULT_LIMITS: dict[str, dict[str, int]] = {
    # SPEC §4.2: small-value tier 1,000.00 per payment and 5,000.00 per day; higher tiers only with a USB key.
    "static_password": {"transaction": 100_000, "day": 500_000, "month": 2_000_000},
    "dynamic_password": {"transaction": 100_000, "day": 500_000, "month": 2_000_000},
    "otp_token": {"transaction": 100_000, "day": 500_000, "month": 2_000_000},
    "usb_key": {"transaction": 5_000_000, "day": 20_000_000, "month": 100_000_000},
}

_INT_SETTINGS = {
    "QRPAY_SCRYPT_N": 2**15,
    "QRPAY_ORDER_TTL": 300,
    "QRPAY_MAX_ORDER_TTL": 3600,
    "QRPAY_CHALLENGE_TTL": 300,
    "QRPAY_SESSION_TTL": 900,
    "QRPAY_SSE_MAX_SECONDS": 300,
}
_PLACEHOLDERS = {"", "change-me", "changeme", "secret", "dev", "admin", "token", "test"}


class ConfigError(RuntimeError):
    """The configuration cannot run the server (production without real secrets, malformed values)."""


def from_env(environ: Mapping[str, str]) -> dict[str, Any]:
    """The ``QRPAY_*`` settings found in ``environ``, typed."""
    settings: dict[str, Any] = {k: v for k, v in environ.items() if k.startswith("QRPAY_")}
    for name in _INT_SETTINGS:
        if name in settings:
            try:
                settings[name] = int(settings[name])
            except ValueError:
                raise ConfigError(f"{name} must be an integer") from None
    if "QRPAY_LIMITS" in settings and isinstance(settings["QRPAY_LIMITS"], str):
        try:
            settings["QRPAY_LIMITS"] = json.loads(settings["QRPAY_LIMITS"])
        except ValueError:
            raise ConfigError("QRPAY_LIMITS must be JSON") from None
    return settings


def resolve(settings: dict[str, Any]) -> dict[str, Any]:
    """Fill defaults, check production secrets, generate development ones. Returns the final settings.

    :raises ConfigError: production without a real admin token or signing keys, or a bad value.
    """
    env = settings.setdefault("QRPAY_ENV", "production")
    if env not in ("production", "development"):
        raise ConfigError("QRPAY_ENV must be 'production' or 'development'")
    for name, default in _INT_SETTINGS.items():
        settings.setdefault(name, default)
    instance = Path(settings.setdefault("QRPAY_INSTANCE_PATH", os.path.join(os.getcwd(), "instance")))
    instance.mkdir(parents=True, exist_ok=True)
    settings["QRPAY_INSTANCE_PATH"] = str(instance)
    settings.setdefault("QRPAY_DATABASE_URL", f"sqlite:///{instance / 'qrpay.sqlite3'}")
    limits = {m: dict(v) for m, v in DEFAULT_LIMITS.items()}
    for method, values in (settings.get("QRPAY_LIMITS") or {}).items():
        if method not in limits or not isinstance(values, dict):
            raise ConfigError(f"QRPAY_LIMITS: unknown method {method!r}")
        limits[method].update({k: int(v) for k, v in values.items() if k in ("transaction", "day", "month")})
    settings["QRPAY_LIMITS"] = limits
    settings.setdefault("QRPAY_SMS_GATEWAY", "dev" if env == "development" else "none")
    settings.setdefault("QRPAY_SMS_RATE_LIMIT", "off" if env == "development" else "5/300")
    settings["QRPAY_SMS_RATE"] = _parse_rate(settings["QRPAY_SMS_RATE_LIMIT"])

    if env == "production":
        token = settings.get("QRPAY_ADMIN_TOKEN", "")
        if token.lower() in _PLACEHOLDERS or len(token) < 32:
            raise ConfigError(
                "production needs QRPAY_ADMIN_TOKEN (a random secret of at least 32 characters)"
            )
        if not settings.get("QRPAY_SIGNING_KEYS"):
            raise ConfigError("production needs QRPAY_SIGNING_KEYS (generate them with `qrpay keys`)")
        if settings["QRPAY_SMS_GATEWAY"] == "dev":
            raise ConfigError("the dev SMS gateway is not available in production")
    else:
        missing = [n for n in ("QRPAY_ADMIN_TOKEN", "QRPAY_SIGNING_KEYS") if not settings.get(n)]
        if missing:
            settings.update({n: v for n, v in _dev_secrets(instance).items() if n in missing})
    try:
        settings["QRPAY_KEYRING"] = KeyRing.from_config(settings["QRPAY_SIGNING_KEYS"])
    except ValueError as exc:
        raise ConfigError(f"QRPAY_SIGNING_KEYS: {exc}") from None
    return settings


def _parse_rate(text: str) -> tuple[int, int] | None:
    if text in ("off", "", "0"):
        return None
    count, _, seconds = text.partition("/")
    try:
        return int(count), int(seconds)
    except ValueError:
        raise ConfigError("QRPAY_SMS_RATE_LIMIT must be 'count/seconds' or 'off'") from None


def _dev_secrets(instance: Path) -> dict[str, str]:
    """Load, or generate once and persist, throwaway development secrets (several workers may race here)."""
    path = instance / "dev-secrets.json"
    if not path.exists():
        fresh = {
            "QRPAY_ADMIN_TOKEN": secrets.token_urlsafe(32),
            "QRPAY_SIGNING_KEYS": KeyRing.generate().to_config(),
        }
        tmp = instance / f".dev-secrets.{os.getpid()}.{secrets.token_hex(4)}"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            json.dump(fresh, fh)
        try:
            os.link(tmp, path)  # atomic: exactly one worker's secrets win, complete or not at all
            log.warning("development mode: generated a throwaway admin token and signing key in %s", path)
        except FileExistsError:
            pass
        finally:
            os.unlink(tmp)
    log.warning("development mode: using the throwaway secrets in %s (never use this in production)", path)
    return dict(json.loads(path.read_text()))
