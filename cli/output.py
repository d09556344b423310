"""Write a payload as the user asked: an image file (by extension), terminal art, or just its text."""

from __future__ import annotations

from pathlib import Path

import click

from qrpay import render


def emit(payload: str, output: Path | None, *, terminal: bool, error: str, quiet: bool = False) -> None:
    if output is not None:
        suffix = output.suffix.lower()
        if suffix == ".png":
            data: bytes = render.to_png(payload, error=error)
        elif suffix == ".svg":
            data = render.to_svg(payload, error=error).encode("utf-8")
        elif suffix in (".txt", ""):
            data = render.to_terminal(payload, error=error).encode("utf-8")
        else:
            raise click.UsageError(f"unknown output kind {suffix!r}: use .png, .svg or .txt")
        try:
            output.write_bytes(data)
        except OSError as exc:
            raise click.UsageError(f"cannot write {output}: {exc.strerror}") from None
        if not quiet:
            click.echo(f"wrote {output}", err=True)
    if terminal:
        click.echo(render.to_terminal(payload, error=error), nl=False)
    click.echo(payload)
