"""The backends, the payload checks, the chain over every degradation of the corpus, the ZBar fallback."""

from __future__ import annotations

import importlib.util
import io
import sys
from pathlib import Path

import numpy as np
import pytest
import segno

from qrpay.crc import crc16_hex
from qrpay.decode import Decoded, decode
from qrpay.decoders import BACKENDS, chain, checks, image, reader
from qrpay.errors import BackendUnavailable

BENCH = Path(__file__).resolve().parents[1] / "bench"


def _load_corpus():
    spec = importlib.util.spec_from_file_location("qrpay_bench_corpus", BENCH / "corpus.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


corpus = _load_corpus()

EMV = (  # EMV MPM with a UTF-8 merchant name; lengths count characters (EMV QRCPS-MPM §4.1)
    "00020101021126360016A00000067701011101120066801234565204581253037645405"
    "12.505802TH5911Café Zürich6007BANGKOK6304"
)
EMV += crc16_hex(EMV)


def _gray(text: str, *, eci: bool = True, scale: int = 6) -> np.ndarray:
    buffer = io.BytesIO()
    segno.make(text, error="m", micro=False, eci=eci).save(buffer, kind="png", scale=scale)
    return image.load_gray(buffer.getvalue())


# (category, index) pairs of the corpus, seed 7, that the default chain must read (the first index it reads,
# for categories where some samples defeat every decoder).
CASES = [
    ("clean", 0),
    ("small", 0),
    ("rotation", 0),
    ("perspective", 0),
    ("gaussian_blur", 0),
    ("motion_blur", 0),
    ("noise", 0),
    ("low_contrast", 1),
    ("uneven_light", 0),
    ("jpeg", 0),
    ("inversion", 0),
    ("occlusion", 0),
    ("moire", 0),
    ("phone", 1),
    ("multi", 0),
]


def test_every_category_has_a_case() -> None:
    assert {c for c, _ in CASES} | {"empty"} == set(corpus.CATEGORIES)


@pytest.mark.parametrize(("category", "index"), CASES)
def test_chain_reads_each_degradation(category: str, index: int) -> None:
    sample = corpus.sample(category, index, seed=7)
    assert sample.texts
    assert sorted(d.text for d in decode(sample.image)) == sorted(sample.texts)


def test_chain_reads_nothing_on_code_free_images() -> None:
    for index in range(3):
        assert decode(corpus.sample("empty", index, seed=7).image) == []


def test_corpus_is_reproducible() -> None:
    a, b = corpus.sample("phone", 3, seed=11), corpus.sample("phone", 3, seed=11)
    assert a.texts == b.texts and np.array_equal(a.image, b.image)
    assert not np.array_equal(a.image, corpus.sample("phone", 3, seed=12).image)
    for text in (corpus.emv_mpm(np.random.default_rng(i)) for i in range(20)):
        assert checks.acceptable(text)  # realistic EMV payloads carry a correct CRC


@pytest.mark.parametrize("name", BACKENDS)
def test_each_backend_reads_a_clean_code(name: str, zbar_available: bool) -> None:
    if name == "zbar" and not zbar_available:
        pytest.skip("ZBar backend unavailable here: apt-get install libzbar0")
    text = "upi://pay?pa=shop@ybl&pn=Shop&am=10.00"
    found = decode(_gray(text), backend=name)
    assert [d.text for d in found] == [text]
    assert found[0].backend == name
    assert len(found[0].corners) == 4


def test_zbar_returns_utf8_without_eci_intact(zbar: None) -> None:
    # pyzbar's own decode lets ZBar guess the charset and returns Shift-JIS mojibake for this image.
    from qrpay.decoders import zbar

    assert [d.text for d in zbar.read(_gray(EMV, eci=False))] == [EMV]
    assert zbar.text_from_bytes("Zürich".encode("latin-1")) == "Zürich"


def test_checks_reject_what_no_payment_code_can_be() -> None:
    assert checks.acceptable(EMV)
    assert checks.acceptable(EMV[:-4] + EMV[-4:].lower())  # compared case-insensitively
    broken = EMV.replace("12.50", "92.50")
    assert not checks.acceptable(broken)  # a misread amount fails the CRC
    assert not checks.acceptable("000201010211")  # EMV without its CRC
    assert not checks.acceptable("hQVDUFYwMQ*not base64*")
    assert not checks.acceptable("caf\ufffd")
    assert not checks.acceptable("")
    assert checks.acceptable("https://example.com/p/abc")


def test_chain_drops_results_failing_checks(monkeypatch) -> None:
    misread = Decoded(EMV.replace("12.50", "92.50"), "QRCode", ((0.0, 0.0),) * 4, "zxing")
    monkeypatch.setattr(chain, "run_stage", lambda stage, gray, cache=None: [misread])
    assert chain.read(_gray("x")) == []


def test_chain_maps_corners_back_from_upscaled_frames() -> None:
    gray = _gray("https://pay.example.com/p/abc", scale=3)
    plain = chain.run_stage(chain.Stage("zxing"), gray)
    upscaled = chain.run_stage(chain.Stage("zxing", "upscale"), gray)
    assert upscaled[0].backend == "zxing+upscale"
    assert np.allclose(plain[0].corners, upscaled[0].corners, atol=2)


def test_missing_libzbar_is_a_clear_error_and_the_chain_falls_back(monkeypatch) -> None:
    import pyzbar.zbar_library

    def no_library():
        raise ImportError("Unable to find zbar shared library")

    monkeypatch.setattr(pyzbar.zbar_library, "load", no_library)
    for module in ("pyzbar.wrapper", "pyzbar.pyzbar"):
        monkeypatch.delitem(sys.modules, module, raising=False)
    monkeypatch.setattr(chain, "_unavailable", {})
    gray = _gray(EMV)

    with pytest.raises(BackendUnavailable, match="libzbar0") as info:
        decode(gray, backend="zbar")
    assert info.value.code == "backend_unavailable"

    stages = (chain.Stage("zbar"), chain.Stage("zxing"))
    assert [d.text for d in chain.read(gray, stages=stages)] == [EMV]
    assert set(chain._unavailable) == {"zbar"}
    with pytest.raises(BackendUnavailable):
        chain.read(gray, stages=(chain.Stage("zbar"),))  # nothing else to fall back to


def test_unknown_backend_name() -> None:
    with pytest.raises(ValueError, match="zxing"):
        reader("wechat")
