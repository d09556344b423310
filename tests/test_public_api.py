"""The public surface is exactly what ``__all__`` says, sorted, and importing it pulls in no optional backend."""

import subprocess
import sys

import qrpay

PUBLIC = [
    "BackendUnavailable",
    "Declined",
    "DecodeError",
    "Decoded",
    "ExpiredError",
    "Frozen",
    "InsufficientFunds",
    "KeyRing",
    "LimitExceeded",
    "MerchantPresented",
    "OrderCode",
    "ParseError",
    "ParsedCode",
    "PaymentCode",
    "PaymentError",
    "QRPayError",
    "ReplayError",
    "SignatureError",
    "SigningKey",
    "UnknownKeyError",
    "VerificationError",
    "WithdrawalCode",
    "WrongPurposeError",
    "decode",
    "generate_payment_code",
    "issue_order_code",
    "issue_withdrawal_code",
    "parse",
    "scan_frames",
    "verify_code",
    "verify_order_code",
    "verify_payment_code",
    "verify_withdrawal_code",
]


def test_all_is_pinned_and_sorted():
    assert qrpay.__all__ == PUBLIC
    assert sorted(qrpay.__all__, key=str.lower) == qrpay.__all__ or sorted(qrpay.__all__) == qrpay.__all__
    for name in PUBLIC:
        assert getattr(qrpay, name) is not None


def test_every_error_has_a_stable_code_and_one_root():
    errors = [
        getattr(qrpay, n)
        for n in PUBLIC
        if isinstance(getattr(qrpay, n), type) and issubclass(getattr(qrpay, n), Exception)
    ]
    assert all(issubclass(e, qrpay.QRPayError) for e in errors)
    codes = [
        e.code for e in errors if e not in (qrpay.QRPayError, qrpay.VerificationError, qrpay.PaymentError)
    ]
    assert all(isinstance(c, str) and c for c in codes)
    assert issubclass(qrpay.ParseError, ValueError)


def test_import_does_not_load_heavy_or_server_modules():
    probe = (
        "import sys, qrpay; qrpay.parse('hello'); "
        "bad = [m for m in ('cv2', 'numpy', 'PIL', 'zxingcpp', 'pyzbar', 'flask', 'sqlalchemy', 'qrpay.server',"
        " 'qrpay.cli') if m in sys.modules]; print(','.join(bad))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert out == ""
