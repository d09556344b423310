"""Where the CLI finds the signing key ring: ``--keys``, ``--keys-file`` or ``QRPAY_SIGNING_KEYS``."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from qrpay import KeyRing

F = TypeVar("F", bound=Callable[..., Any])


def keys_options(func: F) -> F:
    func = click.option(
        "--keys-file",
        type=click.Path(dir_okay=False, path_type=Path),
        help="File holding a key ring (as written by 'qrpay keys generate').",
    )(func)
    func = click.option(
        "--keys", "keys_text", metavar="RING", help="Key ring 'id:secret,…' (default: $QRPAY_SIGNING_KEYS)."
    )(func)
    return func


def load_ring(keys_text: str | None, keys_file: Path | None) -> KeyRing | None:
    """The configured ring, or ``None`` when none is configured anywhere."""
    if keys_file is not None:
        try:
            keys_text = keys_file.read_text().strip()
        except OSError as exc:
            raise click.UsageError(f"cannot read {keys_file}: {exc.strerror}") from None
    if keys_text is None:
        keys_text = os.environ.get("QRPAY_SIGNING_KEYS")
    if not keys_text:
        return None
    try:
        return KeyRing.from_config(keys_text)
    except ValueError as exc:
        raise click.UsageError(f"bad key ring: {exc}") from None
