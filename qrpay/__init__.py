"""qrpay: payment QR codes — parse and build EMVCo and national formats, sign single-use dynamic codes,
render them and read them back from images."""

from .codes import OrderCode as OrderCode
from .codes import WithdrawalCode as WithdrawalCode
from .codes import issue_order_code as issue_order_code
from .codes import issue_withdrawal_code as issue_withdrawal_code
from .codes import verify_code as verify_code
from .codes import verify_order_code as verify_order_code
from .codes import verify_withdrawal_code as verify_withdrawal_code
from .decode import Decoded as Decoded
from .decode import decode as decode
from .emv import MerchantPresented as MerchantPresented
from .errors import BackendUnavailable as BackendUnavailable
from .errors import Declined as Declined
from .errors import DecodeError as DecodeError
from .errors import ExpiredError as ExpiredError
from .errors import Frozen as Frozen
from .errors import InsufficientFunds as InsufficientFunds
from .errors import LimitExceeded as LimitExceeded
from .errors import ParseError as ParseError
from .errors import PaymentError as PaymentError
from .errors import QRPayError as QRPayError
from .errors import ReplayError as ReplayError
from .errors import SignatureError as SignatureError
from .errors import UnknownKeyError as UnknownKeyError
from .errors import VerificationError as VerificationError
from .errors import WrongPurposeError as WrongPurposeError
from .frames import scan_frames as scan_frames
from .parse import ParsedCode as ParsedCode
from .parse import parse as parse
from .paycode import PaymentCode as PaymentCode
from .paycode import generate_payment_code as generate_payment_code
from .paycode import verify_payment_code as verify_payment_code
from .signing import KeyRing as KeyRing
from .signing import SigningKey as SigningKey

__all__ = [
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
