"""Benchmark the decoder backends and the default chain on the seeded degraded-image corpus, side by side.

    python bench/decode.py            # 40 images per category (640 images), about 2 minutes
    python bench/decode.py --quick    # 8 per category, a few seconds
    python bench/decode.py --stages   # also weigh every candidate chain stage (how DEFAULT_STAGES was chosen)

Prints, per category and overall, the detection rate (codes read with their exact text / codes drawn), then
misreads (a text that was not drawn), false positives (anything read from a code-free image), and the median
and p90 milliseconds per 1280×720 BGR image, including the grey conversion ``decode`` does. The process is
pinned to one CPU core (``--cores`` to change) and OpenCV to one thread, so times are single-core times.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path

import cv2
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import corpus

from qrpay.decode import Decoded, decode
from qrpay.decoders import BACKENDS, chain, image
from qrpay.errors import BackendUnavailable

CANDIDATE_STAGES = (
    *(
        chain.Stage(backend, fix)
        for backend in ("zxing", "zbar")
        for fix in ("none", "clahe", "stretch", "upscale", "downscale", "sharpen", "smooth", "close")
    ),
    chain.Stage("zxing", "none", (("binarizer", "global"),)),
    chain.Stage("zxing", "clahe", (("binarizer", "global"),)),
    chain.Stage("opencv-aruco"),
    chain.Stage("opencv"),
)


class Tally:
    """Counts for one decoder over the corpus."""

    def __init__(self) -> None:
        self.drawn: dict[str, int] = defaultdict(int)
        self.read: dict[str, int] = defaultdict(int)
        self.misreads = 0
        self.false_positives = 0
        self.ms: list[float] = []

    def add(self, sample: corpus.Sample, results: Sequence[Decoded], ms: float) -> None:
        expected = list(sample.texts)
        self.drawn[sample.category] += len(expected)
        for r in results:
            if r.text in expected:
                expected.remove(r.text)
                self.read[sample.category] += 1
            elif sample.texts:
                self.misreads += 1
            else:
                self.false_positives += 1
        self.ms.append(ms)

    def rate(self, category: str | None = None) -> float:
        if category is None:
            drawn, read = sum(self.drawn.values()), sum(self.read.values())
        else:
            drawn, read = self.drawn[category], self.read[category]
        return 100.0 * read / drawn if drawn else float("nan")

    def percentile(self, q: float) -> float:
        return float(np.percentile(self.ms, q)) if self.ms else float("nan")


def run_decoders(samples: list[corpus.Sample], names: Sequence[str]) -> dict[str, Tally]:
    tallies = {name: Tally() for name in names}
    for name in names:
        backend = None if name == "chain" else name
        decode(samples[0].image, backend=backend)  # warm up: imports, detector construction
        for sample in samples:
            start = time.perf_counter()
            results = decode(sample.image, backend=backend)
            tallies[name].add(sample, results, (time.perf_counter() - start) * 1000)
    return tallies


def print_table(
    tallies: dict[str, Tally], categories: Sequence[str], out: Callable[[str], None] = print
) -> None:
    names = list(tallies)
    width = max(12, *(len(n) + 1 for n in names))
    out(f"{'category':<14}" + "".join(f"{n:>{width}}" for n in names))
    for category in categories:
        if category == "empty":
            continue
        out(f"{category:<14}" + "".join(f"{t.rate(category):>{width - 1}.1f}%" for t in tallies.values()))
    out(f"{'OVERALL':<14}" + "".join(f"{t.rate():>{width - 1}.1f}%" for t in tallies.values()))
    out(f"{'misreads':<14}" + "".join(f"{t.misreads:>{width}d}" for t in tallies.values()))
    out(f"{'false pos.':<14}" + "".join(f"{t.false_positives:>{width}d}" for t in tallies.values()))
    out(f"{'median ms':<14}" + "".join(f"{t.percentile(50):>{width}.2f}" for t in tallies.values()))
    out(f"{'p90 ms':<14}" + "".join(f"{t.percentile(90):>{width}.2f}" for t in tallies.values()))
    out(f"{'max ms':<14}" + "".join(f"{max(t.ms):>{width}.1f}" for t in tallies.values()))


def weigh_stages(samples: list[corpus.Sample]) -> None:
    """For every candidate stage, which images it reads and what it costs; then the greedy chain order."""
    grays = [image.load_gray(s.image) for s in samples]
    hits: dict[str, set[int]] = {}
    cost: dict[str, list[float]] = {}
    for stage in CANDIDATE_STAGES:
        hits[stage.name], cost[stage.name] = set(), []
        try:
            chain.run_stage(stage, grays[0])
        except BackendUnavailable as exc:
            print(f"  {stage.name}: unavailable ({exc})")
            continue
        for i, (sample, gray) in enumerate(zip(samples, grays, strict=True)):
            start = time.perf_counter()
            found = chain.checked(chain.run_stage(stage, gray))
            cost[stage.name].append((time.perf_counter() - start) * 1000)
            if sample.texts and any(r.text in sample.texts for r in found):
                hits[stage.name].add(i)
    coded = {i for i, s in enumerate(samples) if s.texts}
    print(f"\ncandidate stages on {len(coded)} images with codes (counted when one of its codes is read):")
    print(f"{'stage':<28}{'reads':>8}{'median ms':>11}{'p90 ms':>9}")
    for name in hits:
        if cost[name]:
            print(
                f"{name:<28}{len(hits[name]):>8}{statistics.median(cost[name]):>11.2f}"
                f"{np.percentile(cost[name], 90):>9.2f}"
            )
    print("\ngreedy order (most newly read images per ms spent on the images still unread):")
    missed = set(coded)
    chosen: list[str] = []
    while True:
        best, best_value = None, 0.0
        for name in hits:
            if name in chosen or not cost[name]:
                continue
            gained = len(hits[name] & missed)
            spent = sum(cost[name][i] for i in missed) / max(1, len(missed))
            value = gained / max(spent, 0.05)
            if gained >= max(1, len(coded) // 200) and value > best_value:
                best, best_value = name, value
        if best is None:
            break
        gained = len(hits[best] & missed)
        missed -= hits[best]
        chosen.append(best)
        mean_ms = statistics.mean(cost[best])
        print(f"  + {best:<26} reads {gained:>3} more  (mean {mean_ms:.2f} ms)  still unread: {len(missed)}")
    print(f"images no candidate stage reads: {len(missed)} of {len(coded)}")


def frame_rate(samples: list[corpus.Sample]) -> tuple[float, float]:
    """Frames per second of the live-scanning path (``qrpay.frames``) on the corpus frames, one core."""
    from qrpay import frames

    reader = frames.FrameReader()
    reader(samples[0].image)
    times = []
    for sample in samples:
        start = time.perf_counter()
        reader(sample.image)
        times.append(time.perf_counter() - start)
    return 1.0 / statistics.mean(times), 1.0 / float(np.percentile(times, 90))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="8 images per category instead of 40")
    parser.add_argument("-n", "--per-category", type=int, default=None)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--stages", action="store_true", help="weigh candidate chain stages too")
    parser.add_argument("--cores", type=int, default=1, help="CPU cores to pin the benchmark to (default 1)")
    parser.add_argument("--backends", default=",".join((*BACKENDS, "chain")))
    args = parser.parse_args(argv)

    if args.cores and hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, sorted(os.sched_getaffinity(0))[: args.cores])
    cv2.setNumThreads(1 if args.cores == 1 else args.cores)
    per_category = args.per_category or (8 if args.quick else 40)

    start = time.perf_counter()
    samples = list(corpus.generate(per_category, seed=args.seed))
    codes = sum(len(s.texts) for s in samples)
    empty = sum(1 for s in samples if not s.texts)
    print(
        f"corpus: seed {args.seed}, {len(samples)} images 1280x720 ({codes} codes, {empty} code-free), "
        f"generated in {time.perf_counter() - start:.1f} s; pinned to {args.cores} core(s)\n"
    )

    names = [n.strip() for n in args.backends.split(",") if n.strip()]
    available = []
    for name in names:
        try:
            decode(samples[0].image, backend=None if name == "chain" else name)
            available.append(name)
        except BackendUnavailable as exc:
            print(f"skipping {name}: {exc}")
    tallies = run_decoders(samples, available)
    print_table(tallies, corpus.CATEGORIES)
    print("\nchain stages: " + " -> ".join(s.name for s in chain.DEFAULT_STAGES))
    if "chain" in tallies:
        singles = [n for n in tallies if n != "chain"]
        if singles:
            best = max(singles, key=lambda n: tallies[n].rate())
            gain = tallies["chain"].rate() - tallies[best].rate()
            print(f"chain vs best single backend ({best}): {gain:+.1f} points")
    mean_fps, p90_fps = frame_rate(samples)
    print(f"live frame path (qrpay.frames): {mean_fps:.0f} fps mean, {p90_fps:.0f} fps at p90 frame time")
    if args.stages:
        weigh_stages(samples)
    return 0


if __name__ == "__main__":
    sys.exit(main())
