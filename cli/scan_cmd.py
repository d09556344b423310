"""``qrpay decode`` (still images, like ``zbarimg``) and ``qrpay scan`` (camera, video or folder, live)."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import click

from qrpay import ParseError, parse
from qrpay.decode import Decoded, decode
from qrpay.decoders import BACKENDS
from qrpay.errors import DecodeError
from qrpay.explain import summary

from .inspect_cmd import signature_report, signature_summary
from .keyring_option import keys_options

NOTHING_FOUND = 4  # zbarimg's exit status when no symbol was found

_SYMBOLOGY_LABELS = {"QRCode": "QR-Code", "MicroQRCode": "Micro-QR-Code"}


def _label(code: Decoded) -> str:
    return _SYMBOLOGY_LABELS.get(code.format, code.format)


def describe_payload(text: str) -> dict[str, Any]:
    """What qrpay recognises ``text`` as: format, scheme, fields and a summary, or the parse error."""
    try:
        parsed = parse(text)
    except ParseError as exc:
        return {"error": {"code": exc.code, "message": str(exc), "path": exc.path, "offset": exc.offset}}
    described: dict[str, Any] = {
        "format": parsed.format,
        "scheme": parsed.scheme,
        "summary": summary(parsed),
        "fields": parsed.fields,
        "warnings": list(parsed.warnings),
    }
    if parsed.format == "emv-mpm":
        described["merchant"] = parsed.fields.get("59")
        described["amount"] = parsed.fields.get("54")
    return described


def code_json(code: Decoded) -> dict[str, Any]:
    return {
        "text": code.text,
        "format": code.format,
        "corners": [[round(x, 1), round(y, 1)] for x, y in code.corners],
        "backend": code.backend,
        "payload": describe_payload(code.text),
    }


@click.command("decode")
@click.argument("images", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--json", "as_json", is_flag=True, help="Print JSON: text, format, corners and the parsed payload."
)
@click.option(
    "--backend", type=click.Choice(BACKENDS), help="Force one decoder instead of the default chain."
)
@click.option("-q", "--quiet", is_flag=True, help="Do not print the summary line on standard error.")
def decode_cmd(images: tuple[Path, ...], as_json: bool, backend: str | None, quiet: bool) -> int:
    """Read the QR codes in IMAGE files: one line per code, like zbarimg (exit status 4: none found)."""
    found = 0
    failures: list[DecodeError] = []
    documents: list[dict[str, Any]] = []
    for path in images:
        try:
            codes = decode(path, backend=backend)
        except DecodeError as exc:
            failures.append(exc)
            if len(images) > 1:
                click.echo(f"qrpay: error: {exc}", err=True)
            continue
        found += len(codes)
        for code in codes:
            if as_json:
                documents.append({"file": str(path), **code_json(code)})
            else:
                click.echo(f"{_label(code)}:{code.text}")
    if failures and len(failures) == len(images):
        raise failures[0]
    if as_json:
        click.echo(json.dumps(documents, ensure_ascii=False, indent=2))
    if not quiet:
        click.echo(
            f"scanned {found} code{'s' if found != 1 else ''} from {len(images) - len(failures)} "
            f"image{'s' if len(images) - len(failures) != 1 else ''}",
            err=True,
        )
    if failures:
        return failures[0].exit_code
    return 0 if found else NOTHING_FOUND


def preview_unavailable() -> str | None:
    """Why no preview window can be opened here, or ``None`` when one can."""
    try:
        import cv2
    except ImportError:
        return "OpenCV is not installed (pip install 'qrpay[decode]')"
    gui = [line for line in cv2.getBuildInformation().splitlines() if line.strip().startswith("GUI:")]
    if gui and gui[0].split(":", 1)[1].strip().upper() in ("NONE", ""):
        return (
            "this OpenCV build has no GUI support (opencv-python-headless); "
            "install opencv-python instead for --preview"
        )
    if sys.platform.startswith("linux") and not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    ):
        return "no display (neither DISPLAY nor WAYLAND_DISPLAY is set)"
    try:
        cv2.namedWindow("qrpay scan", cv2.WINDOW_NORMAL)
    except cv2.error as exc:
        return f"OpenCV cannot open a window: {str(exc).strip().splitlines()[-1]}"
    return None


def _preview(frame: Any, codes: list[Decoded]) -> bool:
    """Show the frame with each code outlined; ``q`` or Esc stops the scan."""
    import cv2
    import numpy as np

    shown = cv2.cvtColor(frame, cv2.COLOR_GRAY2BGR) if frame.ndim == 2 else frame.copy()
    for code in codes:
        if code.corners:
            pts = np.array(code.corners, dtype=np.int32).reshape(-1, 1, 2)
            cv2.polylines(shown, [pts], True, (0, 200, 0), 3)
            x, y = pts[0, 0]
            cv2.putText(
                shown,
                code.text[:40],
                (int(x), max(15, int(y) - 8)),
                cv2.FONT_HERSHEY_SIMPLEX,
                0.6,
                (0, 200, 0),
                2,
            )
    cv2.imshow("qrpay scan", shown)
    return (cv2.waitKey(1) & 0xFF) not in (ord("q"), 27)


def _explain(code: Decoded, signature: dict[str, Any] | None) -> list[str]:
    payload = describe_payload(code.text)
    lines = []
    if "error" in payload:
        lines.append(f"  not a valid payment payload: {payload['error']['message']}")
    else:
        scheme = f" ({payload['scheme']})" if payload["scheme"] else ""
        lines.append(f"  format:    {payload['format']}{scheme}")
        lines.append(f"  what:      {payload['summary']}")
        if payload.get("merchant"):
            lines.append(f"  merchant:  {payload['merchant']}")
        if payload.get("amount"):
            lines.append(f"  amount:    {payload['amount']}")
        elif payload["format"] == "emv-mpm":
            lines.append("  amount:    (entered by the payer)")
    if signature is not None:
        lines.append(f"  signature: {signature_summary(signature, hint='; set QRPAY_SIGNING_KEYS')}")
    return lines


@click.command("scan")
@click.option("--camera", type=int, metavar="N", help="Scan webcam N (the default: camera 0).")
@click.option("--video", type=click.Path(dir_okay=False, path_type=Path), help="Scan a video file.")
@click.option(
    "--dir",
    "folder",
    type=click.Path(file_okay=False, path_type=Path),
    help="Scan a folder of images, in name order.",
)
@click.option("--once", is_flag=True, help="Stop after the first code.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object per code (JSON Lines).")
@click.option("--preview", is_flag=True, help="Show the frames in a window (where a GUI is available).")
@click.option("--backend", type=click.Choice(BACKENDS), help="Force one decoder instead of the fast path.")
@click.option(
    "--memory",
    type=click.FloatRange(min=0),
    default=1.0,
    show_default=True,
    help="Seconds a code must be out of view before it is reported again.",
)
@keys_options
def scan(
    camera: int | None,
    video: Path | None,
    folder: Path | None,
    once: bool,
    as_json: bool,
    preview: bool,
    backend: str | None,
    memory: float,
    keys_text: str | None,
    keys_file: Path | None,
) -> int:
    """Scan a camera, a video or a folder live and explain each new code once (exit status 4: none found)."""
    from qrpay.frames import scan_frames

    chosen = [
        name
        for name, value in (("--camera", camera), ("--video", video), ("--dir", folder))
        if value is not None
    ]
    if len(chosen) > 1:
        raise click.UsageError(f"choose one source, not {' and '.join(chosen)}")
    source: int | Path = video if video is not None else folder if folder is not None else camera or 0
    on_frame = None
    if preview:
        reason = preview_unavailable()
        if reason is None:
            on_frame = _preview
        else:
            click.echo(f"qrpay: --preview: no window: {reason}; scanning without it", err=True)
    seen = 0
    try:
        for sighting in scan_frames(source, backend=backend, memory=memory, on_frame=on_frame):
            seen += 1
            code = sighting.code
            signature = signature_report(code.text, keys_text, keys_file)
            if as_json:
                document = {
                    "frame": sighting.frame,
                    "time": round(sighting.time, 3),
                    **code_json(code),
                    "signature": signature,
                }
                click.echo(json.dumps(document, ensure_ascii=False))
            else:
                click.echo(f"[{sighting.time:7.2f}s] {_label(code)}:{code.text}")
                for line in _explain(code, signature):
                    click.echo(line)
            if once:
                break
    finally:
        if on_frame is not None:
            import cv2

            cv2.destroyAllWindows()
    return 0 if seen else NOTHING_FOUND


COMMANDS = [decode_cmd, scan]
