"""``qrpay inspect``: parse a payload and explain every field; verify a qrpay signature when keys are given."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from qrpay import ParseError, VerificationError, parse
from qrpay.codes import code_kind, verify_code
from qrpay.explain import rows, summary

from .keyring_option import keys_options, load_ring


def signature_report(text: str, keys_text: str | None, keys_file: Path | None) -> dict[str, Any] | None:
    """Verification outcome for a qrpay code, or ``None`` when the text is not one."""
    kind = code_kind(text)
    if kind is None:
        return None
    ring = load_ring(keys_text, keys_file)
    if ring is None:
        return {"kind": kind, "verified": None, "reason": "no keys configured"}
    try:
        verified = verify_code(ring, text)
    except VerificationError as exc:
        return {"kind": kind, "verified": False, "code": exc.code, "reason": exc.message}
    return {
        "kind": kind,
        "verified": True,
        "key_id": verified.key_id,
        "expires_at": verified.expires_at.isoformat(),
    }


def signature_summary(signature: dict[str, Any], *, hint: str = "") -> str:
    """One line for a :func:`signature_report`: valid (with key and expiry), INVALID (why), or not checked."""
    if signature["verified"] is True:
        return (
            f"valid {signature['kind']} code (key {signature['key_id']}, expires {signature['expires_at']})"
        )
    if signature["verified"] is False:
        return f"INVALID ({signature['code']}: {signature['reason']})"
    return f"not checked ({signature['reason']}{hint})"


@click.command("inspect")
@click.argument("text")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.option("--strict", is_flag=True, help="Reject spec deviations instead of warning.")
@keys_options
def inspect(text: str, as_json: bool, strict: bool, keys_text: str | None, keys_file: Path | None) -> int:
    """Explain a payload: TEXT, or - to read it from standard input."""
    if text == "-":
        text = sys.stdin.read()
        text = text[:-1] if text.endswith("\n") and not text.startswith(("BCD", "SPC")) else text
    try:
        code = parse(text, strict=strict)
    except ParseError as exc:
        if as_json:
            click.echo(
                json.dumps(
                    {"error": {"code": exc.code, "message": str(exc), "path": exc.path, "offset": exc.offset}}
                )
            )
            return exc.exit_code
        raise
    signature = signature_report(text, keys_text, keys_file)
    if as_json:
        click.echo(
            json.dumps(
                {
                    "format": code.format,
                    "scheme": code.scheme,
                    "summary": summary(code),
                    "fields": code.fields,
                    "warnings": list(code.warnings),
                    "signature": signature,
                },
                ensure_ascii=False,
                indent=2,
            )
        )
        return 0
    click.echo(f"format:  {code.format}")
    click.echo(f"scheme:  {code.scheme or '-'}")
    click.echo(f"summary: {summary(code)}")
    for path, name, value in rows(code):
        click.echo(f"  {path:<10} {name:<42} {value}")
    for warning in code.warnings:
        click.echo(f"warning: {warning}")
    if signature is not None:
        click.echo(f"signature: {signature_summary(signature)}")
        if signature["verified"] is False:
            return 3
    return 0


COMMANDS = [inspect]
