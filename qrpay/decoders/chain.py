"""The default decoder chain: cheap first, retries only when a frame yields nothing, every result checked.

A stage is a backend run on a (possibly preprocessed) frame. Stages run in order until one reads at least one
code that passes :func:`.checks.acceptable`; a frame where zxing-cpp reads something (most of them) costs one
zxing call. The order below was chosen by measurement on the seeded corpus of ``bench/corpus.py``: each stage
is the one that read the most images the earlier stages missed, per millisecond spent on the images that reach
it (``bench/decode.py --stages``; figures in ``bench/README.md``). A backend that cannot load (ZBar without
``libzbar0``) is skipped for the rest of the process, so the chain degrades instead of failing.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..errors import BackendUnavailable
from . import checks, preprocess, reader

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

    from ..decode import Decoded

log = logging.getLogger("qrpay.decode")


@dataclass(frozen=True)
class Stage:
    """``backend`` run on the frame after preprocessing fix ``fix`` (a name in :data:`.preprocess.FIXES`)."""

    backend: str
    fix: str = "none"
    options: tuple[tuple[str, Any], ...] = field(default=())

    @property
    def name(self) -> str:
        opts = "".join(f",{k}={v}" for k, v in self.options)
        return self.backend + ("" if self.fix == "none" else f"+{self.fix}") + opts


DEFAULT_STAGES: tuple[Stage, ...] = (
    Stage("zxing"),  # reads ~87 % of the corpus at ~1.3 ms
    Stage("zxing", options=(("binarizer", "global"),)),  # low contrast, glare: +~2 % for ~0.7 ms
    Stage("zxing", "sharpen"),  # blur, noise, tilt: +~1.5 % for ~2.5 ms
    Stage("zxing", "upscale"),  # small or blurred modules, moiré: +~1 % for ~6 ms
)
# Measured and left out: ZBar (reads nothing zxing-cpp plus these fixes miss, at 20-40 ms per 720p frame),
# OpenCV's detectors (20-30 ms, fewer reads), CLAHE and min-max stretch (covered by the global binarizer).

# Backends that failed to load in this process; not retried (probing for libzbar costs a subprocess).
_unavailable: dict[str, BackendUnavailable] = {}


def run_stage(
    stage: Stage, gray: NDArray[np.uint8], cache: dict[str, tuple[Any, float]] | None = None
) -> list[Decoded]:
    """Run one stage on ``gray`` and map corners back to ``gray``'s coordinates; results are unchecked."""
    import dataclasses

    if cache is not None and stage.fix in cache:
        frame, scale = cache[stage.fix]
    else:
        frame, scale = preprocess.FIXES[stage.fix](gray)
        if cache is not None:
            cache[stage.fix] = (frame, scale)
    if stage.backend == "zxing" and stage.options:
        from . import zxing

        results = zxing.read(frame, **dict(stage.options))
    else:
        results = reader(stage.backend)(frame)
    if scale != 1.0 or stage.fix != "none":
        results = [
            dataclasses.replace(
                r,
                corners=tuple((x / scale, y / scale) for x, y in r.corners),
                backend=f"{r.backend}+{stage.fix}" if stage.fix != "none" else r.backend,
            )
            for r in results
        ]
    return results


def checked(results: list[Decoded]) -> list[Decoded]:
    """The results that pass the payload checks, without duplicates of the same symbol."""
    kept: list[Decoded] = []
    for result in results:
        if not checks.acceptable(result.text):
            log.debug("rejected %s result failing payload checks: %r", result.backend, result.text[:80])
            continue
        if any(_same_symbol(result, other) for other in kept):
            continue
        kept.append(result)
    return kept


def _same_symbol(a: Decoded, b: Decoded) -> bool:
    if a.text != b.text:
        return False
    if not a.corners or not b.corners:
        return True
    (ax, ay), (bx, by) = a.centre, b.centre
    size = max(abs(a.corners[0][0] - a.corners[2 % len(a.corners)][0]), 1.0)
    return abs(ax - bx) < size and abs(ay - by) < size


def read(
    gray: NDArray[np.uint8], *, backend: str | None = None, stages: tuple[Stage, ...] = DEFAULT_STAGES
) -> list[Decoded]:
    """Decode ``gray`` with one forced ``backend`` or with the chain of ``stages``; results are checked.

    :raises BackendUnavailable: the forced backend, or every stage's backend, is not installed.
    :raises ValueError: ``backend`` names no known backend.
    """
    if backend is not None:
        return checked(reader(backend)(gray))
    cache: dict[str, tuple[Any, float]] = {}
    attempted = False
    for stage in stages:
        if stage.backend in _unavailable:
            continue
        try:
            found = checked(run_stage(stage, gray, cache))
        except BackendUnavailable as exc:
            log.info("decoder backend %s unavailable, falling back: %s", stage.backend, exc)
            _unavailable[stage.backend] = exc
            continue
        attempted = True
        if found:
            return found
    if not attempted and stages:
        raise _unavailable[stages[0].backend]
    return []
