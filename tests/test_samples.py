"""samples/codes is what samples/make_samples.py makes, and every sample image reads back to its text."""

import importlib.util
import json
from pathlib import Path

import pytest

from qrpay import decode, parse

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
INDEX = json.loads((SAMPLES / "codes" / "index.json").read_text())


def test_index_matches_the_generator():
    spec = importlib.util.spec_from_file_location("make_samples", SAMPLES / "make_samples.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert {s["name"]: s["text"] for s in INDEX} == module.samples()


@pytest.mark.parametrize("sample", INDEX, ids=[s["name"] for s in INDEX])
def test_sample_png_decodes_to_its_text(sample):
    pytest.importorskip("zxingcpp")
    assert [d.text for d in decode(SAMPLES / "codes" / sample["png"])] == [sample["text"]]
    assert parse(sample["text"], strict=True).format == sample["format"]
