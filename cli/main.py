"""Entry point of the ``qrpay`` command: the click group and the one place errors become exit codes."""

from __future__ import annotations

import sys
from collections.abc import Sequence

import click

from qrpay.errors import QRPayError


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="qrpay")
def cli() -> None:
    """qrpay: make, inspect and decode payment QR codes; run the payment server."""


def _register() -> None:
    # Imported here so each command module can import `cli` from this one without a cycle.
    # Each command module imports its heavy dependencies (OpenCV, the server) lazily, inside the command.
    from . import demo_cmd, inspect_cmd, keys_cmd, make_cmd, scan_cmd, serve_cmd

    for module in (make_cmd, inspect_cmd, scan_cmd, keys_cmd, serve_cmd, demo_cmd):
        for command in module.COMMANDS:
            cli.add_command(command)


_register()


def main(args: Sequence[str] | None = None) -> int:
    """Run the command line with ``args`` and return the exit code (tests call this without a subprocess)."""
    try:
        rv = cli.main(args=list(args) if args is not None else None, prog_name="qrpay", standalone_mode=False)
    except QRPayError as exc:
        click.echo(f"qrpay: error: {exc}", err=True)
        return exc.exit_code
    except click.ClickException as exc:
        click.echo(f"qrpay: error: {exc.format_message()}", err=True)
        return exc.exit_code
    except click.exceptions.Abort:
        click.echo("qrpay: aborted", err=True)
        return 130
    except BrokenPipeError:
        return 0
    # A command returns an int to choose its exit code (e.g. 4: nothing found); click returns the code
    # of a ctx.exit(n) the same way when standalone_mode is off.
    return rv if isinstance(rv, int) else 0


def entry() -> None:
    sys.exit(main())
