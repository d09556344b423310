"""Seeded corpus of degraded payment-code images, generated at benchmark (or test) time, never committed.

Each :class:`Sample` is a 1280×720 BGR frame (a "720p-class" camera image) with zero or more payment codes
rendered by ``segno`` and degraded the way people photograph them. The same ``seed`` always gives the same
images, so figures in ``bench/README.md`` can be reproduced with ``python bench/decode.py``.

Categories (one degradation each, plus combinations):

=============  ===============================================================================
clean          an upright, well-lit code of moderate size (the baseline)
small          module size 1.6–2.6 px
rotation       any in-plane angle
perspective    strong tilt (one side foreshortened up to ~55 %)
gaussian_blur  out of focus: σ 0.35–0.75 modules
motion_blur    linear smear of 0.8–2 modules in a random direction
noise          sensor noise σ 25–55 plus salt and pepper
low_contrast   12–40 grey levels between dark and light modules
uneven_light   a strong illumination gradient with a shadow edge or a glare spot
jpeg           JPEG quality 4–15
inversion      light modules on a dark ground (dark-mode screens)
occlusion      a finger/sticker over 4–12 % of the symbol, away from the finder patterns
moire          a code on an LCD photographed off-axis (RGB sub-pixel grid resampled: moiré)
phone          phone-photo combinations: tilt + blur + noise + uneven light + JPEG
multi          2–4 codes in one frame
empty          no code at all: cluttered scenes, text, grids (false-positive check)
=============  ===============================================================================
"""

from __future__ import annotations

import base64
import binascii
import math
from collections.abc import Iterator
from dataclasses import dataclass

import cv2
import numpy as np
import segno

WIDTH, HEIGHT = 1280, 720

CATEGORIES = (
    "clean",
    "small",
    "rotation",
    "perspective",
    "gaussian_blur",
    "motion_blur",
    "noise",
    "low_contrast",
    "uneven_light",
    "jpeg",
    "inversion",
    "occlusion",
    "moire",
    "phone",
    "multi",
    "empty",
)


@dataclass(frozen=True)
class Sample:
    """One corpus image and the exact texts of the codes drawn in it (empty for code-free images)."""

    category: str
    index: int
    image: np.ndarray  # BGR uint8, HEIGHT × WIDTH × 3
    texts: tuple[str, ...]


# -- payloads ------------------------------------------------------------------------------------------------

_MERCHANTS = (
    "COFFEE CORNER",
    "Café Zürich",
    "北京烤鸭店",
    "Müller & Söhne GmbH",
    "ร้านกาแฟ สุขใจ",
    "SARAVANA BHAVAN",
    "Łódź Kiosk №5",
    "Παντοπωλείο Αθήνα",
    "FRESHMART SUPERSTORE 24H",
    "東京ラーメン",
)
_CITIES = ("BANGKOK", "SINGAPORE", "São Paulo", "MUMBAI", "Zürich", "上海", "JAKARTA")


def _tlv(tag: str, value: str) -> str:
    return f"{tag}{len(value):02d}{value}"  # EMV MPM lengths count characters (code points)


def _crc16(data: bytes) -> int:
    return binascii.crc_hqx(data, 0xFFFF)


def emv_mpm(rng: np.random.Generator) -> str:
    """An EMVCo merchant-presented payload of realistic length with a correct CRC."""
    guid = str(rng.choice(["br.gov.bcb.pix", "A000000677010111", "A0000006150001", "D15600000000"]))
    account = "".join(str(d) for d in rng.integers(0, 10, int(rng.integers(10, 26))))
    body = _tlv("00", "01") + _tlv("01", str(rng.choice(["11", "12"])))
    body += _tlv("26", _tlv("00", guid) + _tlv("01", account))
    body += _tlv("52", f"{int(rng.integers(1000, 9999)):04d}") + _tlv(
        "53", str(rng.choice(["764", "986", "356"]))
    )
    if rng.random() < 0.7:
        body += _tlv("54", f"{int(rng.integers(1, 99999))}.{int(rng.integers(0, 100)):02d}")
    body += _tlv("58", str(rng.choice(["TH", "BR", "IN", "SG", "CN"])))
    body += _tlv("59", str(rng.choice(_MERCHANTS))) + _tlv("60", str(rng.choice(_CITIES)))
    if rng.random() < 0.6:
        ref = "".join(str(x) for x in rng.integers(0, 10, int(rng.integers(8, 25))))
        body += _tlv("62", _tlv("05", ref) + _tlv("07", f"T{int(rng.integers(1, 9999)):04d}"))
    if rng.random() < 0.4:  # qrpay's own signed codes carry a signature in a template
        sig = base64.urlsafe_b64encode(rng.bytes(32)).decode().rstrip("=")
        body += _tlv("80", _tlv("00", "QRPAY") + _tlv("01", f"k{int(rng.integers(1, 9))}") + _tlv("02", sig))
    body += "6304"
    return body + f"{_crc16(body.encode('utf-8')):04X}"


def upi_uri(rng: np.random.Generator) -> str:
    handle = str(rng.choice(["okaxis", "ybl", "paytm", "okhdfcbank", "upi"]))
    name = str(rng.choice(["Saravana%20Bhavan", "Ravi%20Kumar", "Kirana%20Store", "Caf%C3%A9%20Mumbai"]))
    uri = f"upi://pay?pa={rng.integers(10**9, 10**10 - 1)}@{handle}&pn={name}"
    if rng.random() < 0.6:
        uri += f"&am={int(rng.integers(1, 5000))}.{int(rng.integers(0, 100)):02d}"
    uri += f"&cu=INR&tr=TXN{int(rng.integers(10**9, 10**10 - 1))}&tn=Order%20{int(rng.integers(1, 9999))}"
    return uri


def emv_cpm(rng: np.random.Generator) -> str:
    """Base64 of a BER-TLV consumer-presented payload (starts ``hQVDUFYwMQ`` = tag 85 "CPV01")."""
    app = bytes.fromhex("4F07A0000000031010") + b"\x57\x13" + rng.bytes(19)
    app += b"\x9f\x26\x08" + rng.bytes(8) + b"\x9f\x36\x02" + rng.bytes(2)
    payload = b"\x85\x05CPV01" + b"\x61" + bytes([len(app)]) + app
    return base64.b64encode(payload).decode("ascii")


def order_url(rng: np.random.Generator) -> str:
    token = base64.urlsafe_b64encode(rng.bytes(int(rng.integers(24, 48)))).decode().rstrip("=")
    return f"https://pay.example.com/p/{token}"


def wallet_numeric(rng: np.random.Generator) -> str:
    return "28" + "".join(str(d) for d in rng.integers(0, 10, 16))


def payload(rng: np.random.Generator) -> str:
    """One payment payload, weighted towards EMV MPM as on real shop counters."""
    kind = rng.random()
    if kind < 0.55:
        return emv_mpm(rng)
    if kind < 0.72:
        return upi_uri(rng)
    if kind < 0.85:
        return emv_cpm(rng)
    if kind < 0.95:
        return order_url(rng)
    return wallet_numeric(rng)


# -- rendering -----------------------------------------------------------------------------------------------


def code_modules(text: str, error: str = "m") -> np.ndarray:
    """The module matrix (1 = dark) with a 4-module quiet zone; ECI UTF-8 when the text is not ASCII."""
    qr = segno.make(text, error=error, micro=False, eci=not text.isascii())
    matrix = np.array([list(row) for row in qr.matrix], dtype=np.uint8)
    return np.pad(matrix, 4)


def _background(rng: np.random.Generator, clutter: bool = True) -> np.ndarray:
    """A desk/counter-like scene: a colour gradient, soft texture, some shapes and text."""
    base = rng.integers(60, 230, 3).astype(np.float32)
    tint = rng.integers(-60, 60, 3).astype(np.float32)
    gx = np.linspace(0.0, 1.0, WIDTH, dtype=np.float32)[None, :, None]
    gy = np.linspace(0.0, 1.0, HEIGHT, dtype=np.float32)[:, None, None]
    img = base + tint * (gx * rng.random() + gy * rng.random())
    small = rng.normal(0, 12, (HEIGHT // 16, WIDTH // 16, 3)).astype(np.float32)
    img += cv2.resize(small, (WIDTH, HEIGHT), interpolation=cv2.INTER_CUBIC)
    out = np.clip(img, 0, 255).astype(np.uint8)
    if clutter:
        for _ in range(int(rng.integers(3, 12))):
            colour = tuple(int(c) for c in rng.integers(0, 255, 3))
            x, y = int(rng.integers(0, WIDTH)), int(rng.integers(0, HEIGHT))
            shape = rng.random()
            if shape < 0.4:
                w, h = int(rng.integers(20, 300)), int(rng.integers(20, 200))
                cv2.rectangle(out, (x, y), (x + w, y + h), colour, int(rng.choice([-1, 2, 4])))
            elif shape < 0.7:
                cv2.circle(out, (x, y), int(rng.integers(10, 120)), colour, int(rng.choice([-1, 3])))
            else:
                words = str(rng.choice(["TOTAL 128.50", "SCAN TO PAY", "THANK YOU", "VAT 7%", "No. 004512"]))
                cv2.putText(
                    out, words, (x, y), cv2.FONT_HERSHEY_SIMPLEX, float(rng.uniform(0.6, 2.5)), colour, 2
                )
    return out


def _quad(rng: np.random.Generator, size: float, tilt: float = 0.0, angle: float | None = None) -> np.ndarray:
    """Destination corners (TL, TR, BR, BL) of a code of ``size`` px, rotated and tilted, inside the frame."""
    if angle is None:
        angle = float(rng.uniform(-12, 12))
    half = size / 2
    pts = np.array([[-half, -half], [half, -half], [half, half], [-half, half]], dtype=np.float32)
    if tilt > 0:  # foreshorten one side: a code seen at an angle
        side = int(rng.integers(0, 4))
        shrink = 1.0 - tilt
        a, b = side, (side + 1) % 4
        centre_ab = (pts[a] + pts[b]) / 2
        pts[a] = centre_ab + (pts[a] - centre_ab) * shrink
        pts[b] = centre_ab + (pts[b] - centre_ab) * shrink
        pts += rng.normal(0, size * tilt * 0.06, pts.shape).astype(np.float32)
    theta = math.radians(angle)
    rot = np.array(
        [[math.cos(theta), -math.sin(theta)], [math.sin(theta), math.cos(theta)]], dtype=np.float32
    )
    pts = pts @ rot.T
    span = pts.max(axis=0) - pts.min(axis=0)
    cx = rng.uniform(span[0] / 2 + 4, WIDTH - span[0] / 2 - 4)
    cy = rng.uniform(span[1] / 2 + 4, HEIGHT - span[1] / 2 - 4)
    return pts + np.array([cx, cy], dtype=np.float32)


def paste_code(
    canvas: np.ndarray,
    modules: np.ndarray,
    quad: np.ndarray,
    *,
    dark: int = 20,
    light: int = 240,
    occlude: float = 0.0,
    rng: np.random.Generator | None = None,
) -> None:
    """Warp the module matrix onto ``quad`` of ``canvas`` (in place), area-averaged like a camera would."""
    n = modules.shape[0]
    scale = 8  # render at 8 px/module, then let the perspective warp resample
    tile = np.where(modules == 1, dark, light).astype(np.uint8)
    tile = np.kron(tile, np.ones((scale, scale), dtype=np.uint8))
    if occlude > 0 and rng is not None:
        # A blob over a data region (not a finder pattern): occluded modules read as random-ish.
        side = int(n * scale * math.sqrt(occlude))
        lo, hi = 12 * scale, (n - 12) * scale - side
        x0 = int(rng.integers(lo, max(lo + 1, hi)))
        y0 = int(rng.integers(lo, max(lo + 1, hi)))
        shade = int(rng.integers(0, 255))
        cv2.ellipse(
            tile,
            (x0 + side // 2, y0 + side // 2),
            (side // 2, side // 3),
            float(rng.uniform(0, 180)),
            0,
            360,
            shade,
            -1,
        )
    side_px = float(n * scale)
    src = np.array([[0, 0], [side_px, 0], [side_px, side_px], [0, side_px]], dtype=np.float32)
    matrix = cv2.getPerspectiveTransform(src, quad.astype(np.float32))
    # Downsampling by a large factor with INTER_LINEAR aliases; pre-shrink with INTER_AREA first.
    target = float(np.linalg.norm(quad[1] - quad[0]))
    if target < side_px / 2:
        factor = max(1, int(side_px / (target * 1.5)))
        tile = cv2.resize(
            tile, (tile.shape[1] // factor, tile.shape[0] // factor), interpolation=cv2.INTER_AREA
        )
        matrix = matrix @ np.diag([factor, factor, 1.0])
    warped = cv2.warpPerspective(tile, matrix, (WIDTH, HEIGHT), flags=cv2.INTER_LINEAR)
    mask = cv2.warpPerspective(
        np.full(tile.shape, 255, np.uint8), matrix, (WIDTH, HEIGHT), flags=cv2.INTER_LINEAR
    )
    alpha = (mask.astype(np.float32) / 255.0)[..., None]
    canvas[:] = (canvas * (1 - alpha) + warped[..., None].astype(np.float32) * alpha).astype(np.uint8)


# -- degradations (whole frame) ------------------------------------------------------------------------------


def gaussian_blur(img: np.ndarray, sigma: float) -> np.ndarray:
    return cv2.GaussianBlur(img, (0, 0), sigma)


def motion_blur(img: np.ndarray, length: float, angle: float) -> np.ndarray:
    k = max(3, math.ceil(length) | 1)
    kernel = np.zeros((k, k), np.float32)
    c = k // 2
    dx, dy = math.cos(math.radians(angle)), math.sin(math.radians(angle))
    for t in np.linspace(-length / 2, length / 2, 4 * k):
        kernel[round(c + t * dy), round(c + t * dx)] = 1.0
    return cv2.filter2D(img, -1, kernel / kernel.sum())


def add_noise(img: np.ndarray, rng: np.random.Generator, sigma: float, salt: float) -> np.ndarray:
    out = img.astype(np.float32) + rng.normal(0, sigma, img.shape).astype(np.float32)
    out = np.clip(out, 0, 255).astype(np.uint8)
    mask = rng.random(img.shape[:2])
    out[mask < salt / 2] = 0
    out[mask > 1 - salt / 2] = 255
    return out


def uneven_light(img: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    yy, xx = np.mgrid[0:HEIGHT, 0:WIDTH].astype(np.float32)
    a = rng.uniform(0, 2 * math.pi)
    ramp = (np.cos(a) * xx / WIDTH + np.sin(a) * yy / HEIGHT) + 0.5
    gain = 0.35 + 1.1 * np.clip(ramp, 0, 1)
    out = img.astype(np.float32) * gain[..., None]
    if rng.random() < 0.5:  # glare: a bright saturated spot
        cx, cy = rng.uniform(0, WIDTH), rng.uniform(0, HEIGHT)
        r = rng.uniform(60, 200)
        spot = np.exp(-((xx - cx) ** 2 + (yy - cy) ** 2) / (2 * r * r)) * rng.uniform(120, 220)
        out += spot[..., None]
    else:  # a hard shadow edge across the frame
        x0 = rng.uniform(0.2, 0.8) * WIDTH
        slope = rng.uniform(-1.5, 1.5)
        shadow = (xx - x0 - slope * (yy - HEIGHT / 2)) > 0
        out[shadow] *= rng.uniform(0.35, 0.6)
    return np.clip(out, 0, 255).astype(np.uint8)


def jpeg(img: np.ndarray, quality: int) -> np.ndarray:
    ok, buf = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, quality])
    assert ok
    decoded = cv2.imdecode(buf, cv2.IMREAD_COLOR)
    return np.asarray(decoded)


def screen_moire(code_img: np.ndarray, rng: np.random.Generator, pitch: float) -> np.ndarray:
    """An LCD photo: sub-pixel RGB stripes with dark gaps, resampled by the camera at a non-integer ratio."""
    big = cv2.resize(code_img, None, fx=3, fy=3, interpolation=cv2.INTER_NEAREST).astype(np.float32)
    h, w = big.shape[:2]
    xx = np.arange(w)
    yy = np.arange(h)
    stripes = np.zeros((h, w, 3), np.float32)
    for ch in range(3):
        stripes[:, :, 2 - ch] = ((xx // 1) % 3 == ch)[None, :] * 1.0
    stripes *= ((yy % 3) != 2)[:, None, None] * 1.0  # row gaps
    lit = big * (0.35 + 0.65 * stripes) * 1.5
    out = cv2.resize(np.clip(lit, 0, 255), (int(w / pitch), int(h / pitch)), interpolation=cv2.INTER_LINEAR)
    return out.astype(np.uint8)


# -- samples -------------------------------------------------------------------------------------------------


def _code_sample(category: str, rng: np.random.Generator) -> tuple[np.ndarray, tuple[str, ...]]:
    canvas = _background(rng)
    text = payload(rng)
    modules = code_modules(text, error=str(rng.choice(["m", "q"])) if category == "occlusion" else "m")
    n = modules.shape[0]
    module_px = float(rng.uniform(3.0, 7.0))
    size = min(n * module_px, HEIGHT * 0.9)
    dark, light = int(rng.integers(0, 50)), int(rng.integers(200, 256))
    tilt, angle, occlude = 0.0, None, 0.0

    if category == "small":
        size = n * float(rng.uniform(1.6, 2.6))
    elif category == "rotation":
        angle = float(rng.uniform(0, 360))
    elif category == "perspective":
        tilt = float(rng.uniform(0.25, 0.55))
        angle = float(rng.uniform(-30, 30))
    elif category == "low_contrast":
        mid = int(rng.integers(60, 200))
        gap = int(rng.integers(12, 40))
        dark, light = mid - gap // 2, mid + gap // 2
    elif category == "inversion":
        dark, light = light, dark
    elif category == "occlusion":
        occlude = float(rng.uniform(0.04, 0.12))
    elif category == "phone":
        tilt = float(rng.uniform(0.05, 0.35))
        angle = float(rng.uniform(-40, 40))
    elif category == "moire":
        return _moire_sample(canvas, modules, rng), (text,)

    quad = _quad(rng, size, tilt=tilt, angle=angle)
    paste_code(canvas, modules, quad, dark=dark, light=light, occlude=occlude, rng=rng)
    module_size = size / n

    if category == "gaussian_blur":
        canvas = gaussian_blur(canvas, module_size * float(rng.uniform(0.35, 0.75)))
    elif category == "motion_blur":
        canvas = motion_blur(canvas, module_size * float(rng.uniform(0.8, 2.0)), float(rng.uniform(0, 180)))
    elif category == "noise":
        canvas = add_noise(canvas, rng, float(rng.uniform(25, 55)), float(rng.uniform(0.0, 0.04)))
    elif category == "uneven_light":
        canvas = uneven_light(canvas, rng)
    elif category == "jpeg":
        canvas = jpeg(canvas, int(rng.integers(4, 16)))
    elif category == "phone":
        canvas = uneven_light(canvas, rng) if rng.random() < 0.6 else canvas
        if rng.random() < 0.5:
            canvas = gaussian_blur(canvas, module_size * float(rng.uniform(0.15, 0.4)))
        else:
            canvas = motion_blur(
                canvas, module_size * float(rng.uniform(0.4, 1.0)), float(rng.uniform(0, 180))
            )
        canvas = add_noise(canvas, rng, float(rng.uniform(5, 20)), 0.0)
        canvas = jpeg(canvas, int(rng.integers(30, 80)))
    return canvas, (text,)


def _moire_sample(canvas: np.ndarray, modules: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    px = int(rng.integers(4, 7))  # screen pixels per module
    tile = np.kron(np.where(modules == 1, 0, 255).astype(np.uint8), np.ones((px, px), np.uint8))
    shot = screen_moire(cv2.cvtColor(tile, cv2.COLOR_GRAY2BGR), rng, float(rng.uniform(1.6, 3.4)))
    h, w = shot.shape[:2]
    scale = min(1.0, (HEIGHT * 0.85) / h)
    if scale < 1.0:
        shot = cv2.resize(shot, (int(w * scale), int(h * scale)), interpolation=cv2.INTER_LINEAR)
        h, w = shot.shape[:2]
    # Place the photographed screen with a slight tilt.
    src = np.array([[0, 0], [w, 0], [w, h], [0, h]], dtype=np.float32)
    quad = _quad(rng, float(max(w, h)), tilt=float(rng.uniform(0.0, 0.2)), angle=float(rng.uniform(-15, 15)))
    matrix = cv2.getPerspectiveTransform(src, quad)
    warped = cv2.warpPerspective(shot, matrix, (WIDTH, HEIGHT), flags=cv2.INTER_LINEAR)
    mask = cv2.warpPerspective(np.full((h, w), 255, np.uint8), matrix, (WIDTH, HEIGHT))
    alpha = (mask.astype(np.float32) / 255.0)[..., None]
    out = canvas * (1 - alpha) + warped.astype(np.float32) * alpha
    out = gaussian_blur(np.clip(out, 0, 255).astype(np.uint8), float(rng.uniform(0.3, 0.9)))
    return add_noise(out, rng, float(rng.uniform(3, 10)), 0.0)


def _multi_sample(rng: np.random.Generator) -> tuple[np.ndarray, tuple[str, ...]]:
    canvas = _background(rng)
    count = int(rng.integers(2, 5))
    texts: list[str] = []
    cells = [(i, j) for i in range(3) for j in range(2)]
    order = rng.permutation(len(cells))[:count]
    cw, ch = WIDTH / 3, HEIGHT / 2
    for k in order:
        i, j = cells[int(k)]
        text = payload(rng)
        modules = code_modules(text)
        size = min(ch * 0.85, modules.shape[0] * float(rng.uniform(2.6, 5.0)))
        quad = _quad(rng, size, tilt=float(rng.uniform(0, 0.2)), angle=float(rng.uniform(-25, 25)))
        # Re-centre the quad inside its cell so codes don't overlap.
        centre = quad.mean(axis=0)
        target = np.array([cw * (i + 0.5), ch * (j + 0.5)], dtype=np.float32)
        target += (
            rng.uniform(-1, 1, 2).astype(np.float32)
            * np.array([cw - size, ch - size], np.float32).clip(0)
            / 2
        )
        paste_code(canvas, modules, quad - centre + target)
        texts.append(text)
    if rng.random() < 0.5:
        canvas = add_noise(canvas, rng, float(rng.uniform(3, 12)), 0.0)
    return canvas, tuple(texts)


def _empty_sample(rng: np.random.Generator) -> np.ndarray:
    canvas = _background(rng)
    kind = rng.random()
    if kind < 0.3:  # a checkerboard / tiled floor: square features that are not codes
        cell = int(rng.integers(8, 40))
        board = ((np.indices((HEIGHT, WIDTH)) // cell).sum(axis=0) % 2).astype(np.uint8) * 200
        canvas[:] = (0.5 * canvas + 0.5 * board[..., None]).astype(np.uint8)
    elif kind < 0.55:  # random binary blocks: the look of a code without its structure
        blocks = (rng.random((int(rng.integers(15, 40)),) * 2) > 0.5).astype(np.uint8) * 255
        side = int(rng.integers(150, 500))
        patch = cv2.resize(blocks, (side, side), interpolation=cv2.INTER_NEAREST)
        x, y = int(rng.integers(0, WIDTH - side)), int(rng.integers(0, HEIGHT - side))
        canvas[y : y + side, x : x + side] = patch[..., None]
    if rng.random() < 0.5:
        canvas = add_noise(canvas, rng, float(rng.uniform(5, 30)), 0.0)
    return canvas


def sample(category: str, index: int, seed: int = 2024) -> Sample:
    """The ``index``-th sample of ``category`` for ``seed`` (independent of every other sample)."""
    if category not in CATEGORIES:
        raise ValueError(f"unknown category {category!r}; one of {', '.join(CATEGORIES)}")
    rng = np.random.default_rng([seed, CATEGORIES.index(category), index])
    if category == "empty":
        image, texts = _empty_sample(rng), ()
    elif category == "multi":
        image, texts = _multi_sample(rng)
    else:
        image, texts = _code_sample(category, rng)
    return Sample(category, index, image, texts)


def generate(
    per_category: int, seed: int = 2024, categories: tuple[str, ...] = CATEGORIES
) -> Iterator[Sample]:
    """Every sample of the corpus, category by category."""
    for category in categories:
        for index in range(per_category):
            yield sample(category, index, seed)


if __name__ == "__main__":  # write a few samples to look at: python bench/corpus.py OUTDIR [N]
    import sys
    from pathlib import Path

    out = Path(sys.argv[1] if len(sys.argv) > 1 else "corpus-preview")
    out.mkdir(parents=True, exist_ok=True)
    for s in generate(int(sys.argv[2]) if len(sys.argv) > 2 else 2):
        cv2.imwrite(str(out / f"{s.category}-{s.index:03d}.jpg"), s.image, [cv2.IMWRITE_JPEG_QUALITY, 90])
    print(f"wrote samples to {out}")
