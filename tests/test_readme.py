"""The README's library example runs as written (a stale example is a bug)."""

import re
import subprocess
import sys
from pathlib import Path

README = (Path(__file__).resolve().parent.parent / "README.md").read_text()


def test_library_example_runs_in_a_fresh_interpreter():
    block = re.search(r"## The library in a minute\n\n```python\n(.*?)```", README, re.S)
    assert block, "the README lost its library example"
    code = block.group(1) + "\nassert [d.text for d in qrpay.decode(png)] == [payload]\n"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
