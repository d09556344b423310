"""Conformance of ``qrpay.parse`` against published payloads and broken variants of them.

Data lives in ``tests/vectors``:

* ``published.json`` — payloads copied verbatim from public, citable sources (``source`` says where). Each
  declares the expected ``format``, ``scheme`` and a subset of ``fields`` as flattened paths
  (``ParsedCode.get(path)``). ``strict_ok`` false marks a published code that bends the spec (for instance a
  stale CRC); ``expect_warnings`` true means lenient parsing must accept it *and* say so in ``.warnings``.
* ``broken.json`` — variants of published vectors (``derived_from``) that must raise ``qrpay.ParseError`` with
  ``code`` (and ``path`` when given). ``strict_only`` true: lenient mode accepts it with a warning, only
  ``strict=True`` rejects it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

qrpay = pytest.importorskip("qrpay")
parse = qrpay.parse
ParseError = qrpay.ParseError

VECTORS = Path(__file__).parent / "vectors"
PUBLISHED: list[dict[str, Any]] = json.loads((VECTORS / "published.json").read_text(encoding="utf-8"))
BROKEN: list[dict[str, Any]] = json.loads((VECTORS / "broken.json").read_text(encoding="utf-8"))
BY_ID = {v["id"]: v for v in PUBLISHED}


def _ids(vectors: list[dict[str, Any]]) -> list[str]:
    return [v["id"] for v in vectors]


def _check_fields(result: Any, vector: dict[str, Any]) -> None:
    mismatches = {}
    for path, expected in vector["fields"].items():
        got = result.get(path)
        if got != expected:
            mismatches[path] = {"expected": expected, "got": got}
    assert not mismatches, f"{vector['id']}: field mismatches {mismatches}"


# --------------------------------------------------------------------------- data sanity (no parser involved)


def test_vector_files_are_well_formed() -> None:
    assert len(PUBLISHED) >= 45
    assert len(BROKEN) >= 25
    assert len(set(_ids(PUBLISHED))) == len(PUBLISHED), "duplicate published id"
    assert len(set(_ids(BROKEN))) == len(BROKEN), "duplicate broken id"
    codes = {
        "crc_mismatch",
        "length_overrun",
        "bad_length",
        "duplicate_id",
        "missing_field",
        "bad_value",
        "bad_base64",
        "truncated",
        "unsupported",
        "trailing_data",
        "bad_order",
    }
    for v in PUBLISHED:
        assert v["source"].strip(), v["id"]
        assert v["fields"], v["id"]
        if v.get("expect_warnings"):
            assert not v["strict_ok"], f"{v['id']}: expect_warnings implies strict_ok false"
    for b in BROKEN:
        assert b["derived_from"] in BY_ID, b["id"]
        assert b["code"] in codes, b["id"]
        assert b["text"] != BY_ID[b["derived_from"]]["text"], b["id"]


@pytest.mark.parametrize("vector", [v for v in PUBLISHED if v["format"] == "emv-mpm"], ids=lambda v: v["id"])
def test_published_mpm_crc_matches_strict_ok(vector: dict[str, Any]) -> None:
    """Our own bookkeeping: a published CRC that is wrong must be flagged strict_ok=false."""
    import binascii

    text = vector["text"]
    cut = text.rindex("6304") + 4
    computed = f"{binascii.crc_hqx(text[:cut].encode('utf-8'), 0xFFFF):04X}"
    published = text[cut:].upper()
    if published != computed:
        assert not vector["strict_ok"] and vector.get("expect_warnings"), (
            f"{vector['id']}: published CRC {published}, computed {computed}"
        )


# --------------------------------------------------------------------------- published vectors


@pytest.mark.parametrize("vector", PUBLISHED, ids=_ids(PUBLISHED))
def test_published_lenient(vector: dict[str, Any]) -> None:
    result = parse(vector["text"])
    assert result.format == vector["format"], f"format {result.format!r}, warnings {result.warnings!r}"
    assert result.scheme == vector["scheme"], f"scheme {result.scheme!r}"
    _check_fields(result, vector)
    assert isinstance(result.warnings, tuple)
    if vector.get("expect_warnings"):
        assert result.warnings, f"{vector['id']} bends the spec but lenient parse gave no warning"


@pytest.mark.parametrize("vector", [v for v in PUBLISHED if v["strict_ok"]], ids=lambda v: v["id"])
def test_published_strict(vector: dict[str, Any]) -> None:
    result = parse(vector["text"], strict=True)
    assert result.format == vector["format"]
    assert result.scheme == vector["scheme"]
    _check_fields(result, vector)


@pytest.mark.parametrize("vector", [v for v in PUBLISHED if v.get("expect_warnings")], ids=lambda v: v["id"])
def test_published_spec_benders_rejected_in_strict(vector: dict[str, Any]) -> None:
    with pytest.raises(ParseError):
        parse(vector["text"], strict=True)


# --------------------------------------------------------------------------- broken vectors


def _assert_error(exc: BaseException, vector: dict[str, Any]) -> None:
    assert isinstance(exc, ValueError)
    assert exc.code == vector["code"], f"code {exc.code!r} (path {getattr(exc, 'path', None)!r}): {exc}"
    if "path" in vector:
        assert exc.path == vector["path"], f"path {exc.path!r}, code {exc.code!r}"


@pytest.mark.parametrize("vector", BROKEN, ids=_ids(BROKEN))
def test_broken_strict(vector: dict[str, Any]) -> None:
    with pytest.raises(ParseError) as info:
        parse(vector["text"], strict=True)
    _assert_error(info.value, vector)


@pytest.mark.parametrize("vector", BROKEN, ids=_ids(BROKEN))
def test_broken_lenient(vector: dict[str, Any]) -> None:
    if vector["strict_only"]:
        result = parse(vector["text"])
        assert result.warnings, f"{vector['id']}: accepted leniently without a warning"
        assert result.format == BY_ID[vector["derived_from"]]["format"]
    else:
        with pytest.raises(ParseError) as info:
            parse(vector["text"])
        _assert_error(info.value, vector)


@pytest.mark.parametrize("vector", BROKEN, ids=_ids(BROKEN))
def test_broken_never_plain_text(vector: dict[str, Any]) -> None:
    """Payment-looking input that fails validation is an error in strict mode, never format 'text'."""
    try:
        result = parse(vector["text"], strict=True)
    except ParseError:
        return
    pytest.fail(f"{vector['id']}: strict parse returned format {result.format!r} instead of raising")
