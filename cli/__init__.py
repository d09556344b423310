"""The ``qrpay`` command: make, inspect and decode codes, scan, serve, demo."""
