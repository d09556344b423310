"""The WSGI entry point for gunicorn: ``gunicorn qrpay.server.wsgi:app`` (configured by ``QRPAY_*``)."""

from __future__ import annotations

from . import create_app

app = create_app()
