"""EMV merchant-presented parsing and building (EMV QRCPS-MPM v1.1)."""

from decimal import Decimal

import pytest

from qrpay import MerchantPresented, ParseError, parse
from qrpay.emv import build, field_name, parse_mpm


def pix(**overrides):
    fields = {
        "00": "01",
        "26": {"00": "br.gov.bcb.pix", "01": "fulano@example.com"},
        "52": "0000",
        "53": "986",
        "58": "BR",
        "59": "Fulano de Tal",
        "60": "BRASILIA",
        "62": {"05": "***"},
    }
    fields.update(overrides)
    return build(fields)


def test_build_puts_00_first_and_crc_last():
    text = pix()
    assert text.startswith("000201") and text[-8:-4] == "6304"
    result = parse_mpm(text, strict=True)
    assert result.scheme == "pix"
    assert result.fields["26"] == {"00": "br.gov.bcb.pix", "01": "fulano@example.com"}


def test_crc_is_compared_case_insensitively():
    text = pix()
    lower = text[:-4] + text[-4:].lower()
    assert parse(lower).fields["63"].upper() == text[-4:]


@pytest.mark.parametrize(
    ("mutate", "code"),
    [
        (lambda t: t[:-1], "length_overrun"),
        (lambda t: t + "XY", "trailing_data"),
        (lambda t: t + "0000", "bad_order"),  # a well-formed object after the CRC: the CRC is not last
    ],
)
def test_structural_faults_raise_even_when_lenient(mutate, code):
    with pytest.raises(ParseError) as info:
        parse(mutate(pix()))
    assert info.value.code == code


def test_wrong_crc_warns_when_lenient_and_raises_when_strict():
    text = pix()
    bad = text[:-4] + ("0000" if text[-4:] != "0000" else "0001")
    assert any("CRC" in w for w in parse(bad).warnings)
    with pytest.raises(ParseError) as info:
        parse(bad, strict=True)
    assert (info.value.code, info.value.path) == ("crc_mismatch", "63")


def test_duplicate_root_id_is_refused():
    body = "000201" + "5802BR" + "5802BR" + "6304"
    from qrpay.crc import crc16_hex

    with pytest.raises(ParseError) as info:
        parse(body + crc16_hex(body))
    assert (info.value.code, info.value.path) == ("duplicate_id", "58")


def test_missing_mandatory_field_warns_lenient_and_raises_strict():
    text = build(
        {"00": "01", "26": {"00": "br.gov.bcb.pix", "01": "k"}, "53": "986", "58": "BR", "59": "X", "60": "Y"}
    )
    assert any("52" in w for w in parse(text).warnings)
    with pytest.raises(ParseError) as info:
        parse(text, strict=True)
    assert (info.value.code, info.value.path) == ("missing_field", "52")


def test_promptpay_profile_relaxes_name_and_city():
    text = build(
        {
            "00": "01",
            "01": "11",
            "29": {"00": "A000000677010111", "01": "0066812345678"},
            "53": "764",
            "58": "TH",
        }
    )
    code = parse(text, strict=True)
    assert code.scheme == "promptpay" and code.warnings == ()


@pytest.mark.parametrize("amount", ["1,00", "1.2.3", "-5", "abc", "1e5"])
def test_bad_amount_is_always_refused(amount):
    with pytest.raises(ParseError) as info:
        parse(pix(**{"54": amount}))
    assert (info.value.code, info.value.path) == ("bad_value", "54")


def test_additional_data_payment_system_templates_nest():
    text = pix(**{"62": {"05": "REF1", "50": {"00": "com.example", "01": "x"}}})
    code = parse(text, strict=True)
    assert code.get("62.50.01") == "x"


def test_merchant_presented_builder_validates_and_round_trips():
    code = MerchantPresented(
        merchant_name="Café Zürich",
        merchant_city="Zürich",
        country_code="ch",
        mcc="5814",
        currency="CHF",
        accounts={"26": {"00": "com.example.pay", "01": "123"}},
        amount=Decimal("12.5"),
        additional={"05": "R1"},
    )
    parsed = parse(code.payload, strict=True)
    assert {k: v for k, v in parsed.fields.items() if k != "63"} == code.fields
    assert parsed.get("54") == "12.50" and parsed.get("01") == "12" and parsed.get("53") == "756"


def test_builder_refuses_float_amounts():
    with pytest.raises(ParseError):
        MerchantPresented(
            merchant_name="A",
            merchant_city="B",
            country_code="CN",
            mcc="5814",
            currency="CNY",
            accounts={"26": {"00": "x"}},
            amount=1.5,
        )  # type: ignore[arg-type]


def test_builder_refuses_an_overlong_name():
    with pytest.raises(ParseError) as info:
        MerchantPresented(
            merchant_name="N" * 26,
            merchant_city="B",
            country_code="CN",
            mcc="5814",
            currency="CNY",
            accounts={"26": {"00": "x"}},
        )
    assert info.value.path == "59"


def test_field_names():
    assert field_name("59") == "Merchant Name"
    assert field_name("62.05") == "Reference Label"
    assert field_name("26.00") == "Globally Unique Identifier"
    assert field_name("81") == "Unreserved Template"
    assert field_name("70") == "RFU for EMVCo"
