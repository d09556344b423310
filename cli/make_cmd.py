"""``qrpay make``: build a payment code (EMV merchant code, signed order code, UPI, EPC) and render it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any, TypeVar

import click

from qrpay import MerchantPresented, clock, issue_order_code
from qrpay.currency import currency as lookup_currency
from qrpay.currency import to_minor
from qrpay.epc import parse_epc
from qrpay.upi import parse_upi

from .keyring_option import keys_options, load_ring
from .output import emit

F = TypeVar("F", bound=Callable[..., Any])


def output_options(func: F) -> F:
    func = click.option("-q", "--quiet", is_flag=True, help="Print only the payload text.")(func)
    func = click.option(
        "--error",
        "error",
        type=click.Choice(["L", "M", "Q", "H"], case_sensitive=False),
        default="M",
        show_default=True,
        help="Error correction level.",
    )(func)
    func = click.option("-t", "--terminal", is_flag=True, help="Also draw the code in the terminal.")(func)
    func = click.option(
        "-o",
        "--output",
        type=click.Path(dir_okay=False, path_type=Path),
        help="Write the code to FILE (.png, .svg or .txt).",
    )(func)
    return func


def parse_account(value: str) -> tuple[str, str | dict[str, str]]:
    """``26:00=br.gov.bcb.pix,01=key`` → ("26", {...}); ``04:4111…`` → ("04", "4111…")."""
    obj_id, sep, rest = value.partition(":")
    if not sep or not obj_id.isdigit() or len(obj_id) != 2:
        raise click.BadParameter(f"{value!r}: expected ID:VALUE or ID:SUB=VALUE,SUB=VALUE")
    if "=" not in rest:
        return obj_id, rest
    subs = {}
    for item in rest.split(","):
        sub_id, _, sub_value = item.partition("=")
        if len(sub_id) != 2 or not sub_id.isdigit():
            raise click.BadParameter(f"{item!r}: sub-IDs are two digits")
        subs[sub_id] = sub_value
    return obj_id, subs


@click.group("make")
def make() -> None:
    """Make a payment code and print (or draw) it."""


@make.command("emv")
@click.option("--name", required=True, help="Merchant name (ID 59, ≤ 25 characters).")
@click.option("--city", required=True, help="Merchant city (ID 60, ≤ 15 characters).")
@click.option("--country", default="CN", show_default=True, help="ISO 3166 alpha-2 country (ID 58).")
@click.option("--mcc", default="0000", show_default=True, help="Merchant category code (ID 52).")
@click.option("--currency", "currency_code", default="CNY", show_default=True, help="ISO 4217 currency.")
@click.option("--amount", help="Amount in major units, e.g. 12.50 (makes the code dynamic).")
@click.option(
    "--account",
    "accounts",
    multiple=True,
    required=True,
    metavar="ID:VALUE",
    help="Merchant account object, e.g. 26:00=br.gov.bcb.pix,01=KEY (repeatable).",
)
@click.option("--reference", help="Reference label (62.05).")
@click.option("--bill", help="Bill number (62.01).")
@click.option("--terminal-label", help="Terminal label (62.07).")
@output_options
def make_emv(
    name: str,
    city: str,
    country: str,
    mcc: str,
    currency_code: str,
    amount: str | None,
    accounts: tuple[str, ...],
    reference: str | None,
    bill: str | None,
    terminal_label: str | None,
    output: Path | None,
    terminal: bool,
    error: str,
    quiet: bool,
) -> None:
    """A static (or, with --amount, dynamic) EMVCo merchant-presented code."""
    additional = {k: v for k, v in (("01", bill), ("05", reference), ("07", terminal_label)) if v}
    code = MerchantPresented(
        merchant_name=name,
        merchant_city=city,
        country_code=country,
        mcc=mcc,
        currency=currency_code,
        accounts=dict(parse_account(a) for a in accounts),
        amount=amount,
        additional=additional,
    )
    emit(code.payload, output, terminal=terminal, error=error, quiet=quiet)


@make.command("order")
@click.option("--name", required=True, help="Merchant name.")
@click.option("--city", required=True, help="Merchant city.")
@click.option("--country", default="CN", show_default=True)
@click.option("--mcc", default="5999", show_default=True)
@click.option("--currency", "currency_code", default="CNY", show_default=True)
@click.option("--amount", required=True, help="Amount in major units, e.g. 128.50.")
@click.option("--reference", required=True, help="Order reference.")
@click.option(
    "--expires-in",
    type=click.IntRange(1, 86400),
    default=300,
    show_default=True,
    help="Seconds until the code expires.",
)
@keys_options
@output_options
def make_order(
    name: str,
    city: str,
    country: str,
    mcc: str,
    currency_code: str,
    amount: str,
    reference: str,
    expires_in: int,
    keys_text: str | None,
    keys_file: Path | None,
    output: Path | None,
    terminal: bool,
    error: str,
    quiet: bool,
) -> None:
    """A signed, expiring qrpay order code (needs a key ring)."""
    ring = load_ring(keys_text, keys_file)
    if ring is None:
        raise click.UsageError(
            "an order code is signed: give --keys, --keys-file or set QRPAY_SIGNING_KEYS "
            "(make one with 'qrpay keys generate')"
        )
    cur = lookup_currency(currency_code)
    payload = issue_order_code(
        ring,
        order_ref=reference,
        merchant_name=name,
        merchant_city=city,
        country_code=country,
        mcc=mcc,
        currency=cur.alpha,
        amount_minor=to_minor(amount, cur.alpha),
        expires_at=clock.utcnow() + timedelta(seconds=expires_in),
    )
    emit(payload, output, terminal=terminal, error=error, quiet=quiet)


@make.command("upi")
@click.option("--pa", required=True, help="Payee VPA, e.g. shop@bank.")
@click.option("--pn", help="Payee name.")
@click.option("--am", help="Amount in rupees, e.g. 10.00.")
@click.option("--tn", help="Transaction note.")
@click.option("--tr", help="Transaction reference.")
@click.option("--mc", help="Merchant category code.")
@output_options
def make_upi(
    pa: str,
    pn: str | None,
    am: str | None,
    tn: str | None,
    tr: str | None,
    mc: str | None,
    output: Path | None,
    terminal: bool,
    error: str,
    quiet: bool,
) -> None:
    """A UPI payment link (upi://pay?...)."""
    from urllib.parse import quote

    params = [
        (k, v) for k, v in (("pa", pa), ("pn", pn), ("am", am), ("tr", tr), ("tn", tn), ("mc", mc)) if v
    ]
    params.append(("cu", "INR"))
    payload = "upi://pay?" + "&".join(f"{k}={quote(v, safe='@.-_')}" for k, v in params)
    parse_upi(payload, strict=True)
    emit(payload, output, terminal=terminal, error=error, quiet=quiet)


@make.command("epc")
@click.option("--name", required=True, help="Beneficiary name.")
@click.option("--iban", required=True, help="Beneficiary IBAN.")
@click.option("--bic", default="", help="Beneficiary BIC (optional in version 002).")
@click.option("--amount", help="Amount in euro, e.g. 12.30.")
@click.option("--text", "remittance", default="", help="Unstructured remittance text.")
@output_options
def make_epc(
    name: str,
    iban: str,
    bic: str,
    amount: str | None,
    remittance: str,
    output: Path | None,
    terminal: bool,
    error: str,
    quiet: bool,
) -> None:
    """A SEPA credit transfer code (EPC069-12, 'BCD')."""
    amount_line = f"EUR{amount}" if amount else ""
    lines = [
        "BCD",
        "002",
        "1",
        "SCT",
        bic,
        name,
        iban.replace(" ", "").upper(),
        amount_line,
        "",
        "",
        remittance,
    ]
    payload = "\n".join(lines).rstrip("\n")
    parse_epc(payload, strict=True)
    emit(payload, output, terminal=terminal, error=error, quiet=quiet)


COMMANDS = [make]
