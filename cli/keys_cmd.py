"""``qrpay keys``: generate and rotate the signing key ring (``QRPAY_SIGNING_KEYS``)."""

from __future__ import annotations

from pathlib import Path

import click

from qrpay import KeyRing

from .keyring_option import keys_options, load_ring


@click.group("keys")
def keys() -> None:
    """Generate or rotate signing keys."""


def _write(ring: KeyRing, output: Path | None) -> None:
    text = ring.to_config()
    if output is None:
        click.echo(text)
        return
    output.touch(mode=0o600, exist_ok=True)
    output.write_text(text + "\n")
    click.echo(f"wrote {output} (keys {', '.join(ring.key_ids)}; newest signs)", err=True)


@keys.command("generate")
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write to FILE (mode 600)."
)
def generate(output: Path | None) -> None:
    """Print a new key ring of one key, for QRPAY_SIGNING_KEYS."""
    _write(KeyRing.generate(), output)


@keys.command("rotate")
@keys_options
@click.option("--drop-oldest", is_flag=True, help="Also retire the oldest key (its codes stop verifying).")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to FILE (default: back to --keys-file, else standard output).",
)
def rotate(keys_text: str | None, keys_file: Path | None, drop_oldest: bool, output: Path | None) -> None:
    """Add a new newest key; older keys keep verifying codes in flight."""
    ring = load_ring(keys_text, keys_file)
    if ring is None:
        raise click.UsageError("no key ring to rotate: give --keys, --keys-file or set QRPAY_SIGNING_KEYS")
    rotated = ring.rotated()
    if drop_oldest:
        rotated = rotated.without(rotated.key_ids[0])
    _write(rotated, output or keys_file)


COMMANDS = [keys]
