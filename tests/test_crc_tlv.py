"""CRC-16/CCITT-FALSE and the two TLV readers."""

import pytest

from qrpay import ParseError
from qrpay.crc import crc16, crc16_hex
from qrpay.tlv import ber_encode, ber_length, read_ber_tlv, read_emv_objects


def test_crc_check_value():
    # The catalogue check value of CRC-16/CCITT-FALSE (Greg Cook's CRC catalogue, "CRC-16/IBM-3740").
    assert crc16(b"123456789") == 0x29B1


def test_crc_of_emvco_mpm_example():
    # EMV QRCPS-MPM v1.1 Appendix A, the payload whose CRC the spec prints as "6304" + "A13A"? — we check the
    # arithmetic on a payload we build, and the spec's own value on the spec's own example in the conformance
    # suite; here: upper-case, four digits, over the bytes up to and including "6304".
    assert crc16_hex("000201010211" + "6304") == f"{crc16(b'0002010102116304'):04X}"


def test_emv_objects_are_counted_in_characters():
    objs = read_emv_objects("5904Café6002SH")
    assert objs == [("59", "Café", 4), ("60", "SH", 12)]


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("59", "truncated"),
        ("5A04abcd", "bad_value"),
        ("59x4abcd", "bad_length"),
        ("5905abcd", "length_overrun"),
    ],
)
def test_emv_object_faults(text, code):
    with pytest.raises(ParseError) as info:
        read_emv_objects(text)
    assert info.value.code == code


def test_ber_multibyte_tag_and_long_length():
    value = b"x" * 200
    data = ber_encode("9F26", b"\x01" * 8) + ber_encode("5F20", value)
    objs = read_ber_tlv(data)
    assert [(t, len(v)) for t, v, _, _ in objs] == [("9F26", 8), ("5F20", 200)]
    assert ber_length(200) == b"\x81\xc8"


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"\x9f", "truncated"),
        (b"\x85", "truncated"),
        (b"\x85\x05CPV", "length_overrun"),
        (b"\x85\x84\x00\x00\x00\x01", "bad_length"),
        (b"\x85\x82\x01", "truncated"),
    ],
)
def test_ber_faults(data, code):
    with pytest.raises(ParseError) as info:
        read_ber_tlv(data)
    assert info.value.code == code
