"""The qrpay server: ``create_app(config=None)`` builds the Flask app (SPEC §4).

Layers: ``api`` (blueprints: parse, authenticate, call) → ``services`` (flows, state machines, decisions; no
Flask) → ``store`` (the only SQL). ``runtime`` bundles what services need; ``config`` reads ``QRPAY_*``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from flask import Flask

from qrpay.clock import utcnow

from . import config as config_module
from . import errors
from .config import ConfigError as ConfigError
from .runtime import Runtime
from .services.keys import KeyRingSource
from .sms import make_gateway
from .store.database import Database, migrate
from .store.inflight import InFlight


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app from ``QRPAY_*`` environment variables, overridden by ``config``.

    :raises config.ConfigError: production mode without real secrets, or a malformed setting.
    """
    settings = config_module.from_env(os.environ)
    settings.update(config or {})
    settings = config_module.resolve(settings)
    app = Flask(__name__, instance_path=settings["QRPAY_INSTANCE_PATH"], instance_relative_config=True)
    app.config.update(settings)
    app.config["MAX_CONTENT_LENGTH"] = settings.get("MAX_CONTENT_LENGTH", 64 * 1024)
    app.json.sort_keys = False  # type: ignore[attr-defined]
    clock = settings.get("QRPAY_CLOCK") or utcnow

    db = Database(settings["QRPAY_DATABASE_URL"], pg_schema=settings.get("QRPAY_DATABASE_SCHEMA"))
    migrate(db, clock())
    sms = make_gateway(settings["QRPAY_SMS_GATEWAY"], settings, db, clock)
    app.extensions["qrpay"] = Runtime(
        db=db,
        settings=settings,
        clock=lambda: app.config.get("QRPAY_CLOCK", clock)(),
        sms=sms,
        keys=KeyRingSource(db, settings["QRPAY_KEYRING"]),
        inflight=InFlight(db),
    )

    errors.register(app)
    from .api import admin, atm, dev, meta, orders, payer

    for blueprint in (meta.bp, admin.bp, orders.bp, payer.bp, atm.bp):
        app.register_blueprint(blueprint)
    if settings["QRPAY_ENV"] == "development":
        app.register_blueprint(dev.bp)  # SPEC §4.2: this route does not exist in production
    return app


__all__ = ["ConfigError", "create_app"]
