"""Regenerate samples/codes/: a few codes of each kind as PNG and SVG, with the text each carries in index.json.

    python samples/make_samples.py

The signed codes use the public *sample* key below and a fixed issue time, so they are reproducible and long
expired: they show the layout, they do not pay anything. Never configure this key on a server.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from qrpay import (
    KeyRing,
    MerchantPresented,
    generate_payment_code,
    issue_order_code,
    issue_withdrawal_code,
    parse,
    render,
)

OUT = Path(__file__).resolve().parent / "codes"
SAMPLE_RING = KeyRing.from_config("ksample:c2FtcGxlLWtleS1kby1ub3QtdXNlLWluLXByb2R1Y3Rpb24")
ISSUED = datetime(2026, 1, 1, 8, 0, tzinfo=UTC)


def samples() -> dict[str, str]:
    order = issue_order_code(
        SAMPLE_RING,
        order_ref="ord_sample_1",
        merchant_name="Lotus Tea House",
        merchant_city="Hangzhou",
        country_code="CN",
        mcc="5814",
        currency="CNY",
        amount_minor=12850,
        expires_at=ISSUED + timedelta(minutes=5),
        now=ISSUED,
    )
    withdrawal = issue_withdrawal_code(
        SAMPLE_RING,
        session_ref="wd_sample_1",
        atm_id="ATM-0042",
        atm_label="Bank ATM West Lake",
        city="Hangzhou",
        country_code="CN",
        currency="CNY",
        amount_minor=None,
        expires_at=ISSUED + timedelta(minutes=2),
        now=ISSUED,
    )
    payment = generate_payment_code(b"sample-device-secret", "20260001", now=ISSUED)
    pix = MerchantPresented(
        merchant_name="Padaria Pao Quente",
        merchant_city="Sao Paulo",
        country_code="BR",
        mcc="5462",
        currency="BRL",
        accounts={"26": {"00": "br.gov.bcb.pix", "01": "padaria@example.com"}},
        additional={"05": "***"},
    ).payload
    promptpay = MerchantPresented(
        merchant_name="Som Tam Stall",
        merchant_city="Bangkok",
        country_code="TH",
        mcc="5812",
        currency="THB",
        accounts={"29": {"00": "A000000677010111", "01": "0066812345678"}},
        amount="150.00",
    ).payload
    utf8 = MerchantPresented(
        merchant_name="上海小笼包",
        merchant_city="上海",
        country_code="CN",
        mcc="5812",
        currency="CNY",
        accounts={"26": {"00": "com.example.wallet", "01": "M123456"}},
        amount="36.00",
    ).payload
    return {
        "order-code": order,
        "withdrawal-code": withdrawal,
        "payment-code-cpm": payment.cpm,
        "payment-code-numeric": payment.numeric,
        "pix-static": pix,
        "promptpay-dynamic": promptpay,
        "emv-utf8-merchant": utf8,
        "upi": "upi://pay?pa=shop@examplebank&pn=Shop%20One&am=250.00&cu=INR&tn=Order%2042",
        "epc-sct": "\n".join(
            [
                "BCD",
                "002",
                "1",
                "SCT",
                "BPOTBEB1",
                "Red Cross",
                "BE68539007547034",
                "EUR12.30",
                "",
                "",
                "Donation",
            ]
        ),
    }


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    index = []
    for name, text in samples().items():
        code = parse(text, strict=True)
        (OUT / f"{name}.png").write_bytes(render.to_png(text, scale=6))
        (OUT / f"{name}.svg").write_text(render.to_svg(text, scale=6, title=name))
        index.append(
            {
                "name": name,
                "format": code.format,
                "scheme": code.scheme,
                "text": text,
                "png": f"{name}.png",
                "svg": f"{name}.svg",
            }
        )
        print(f"{name:<22} {code.format:<10} {code.scheme or '-':<10} {len(text):>4} chars")
    (OUT / "index.json").write_text(json.dumps(index, ensure_ascii=False, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
