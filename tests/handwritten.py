"""Scans of a real letter whose number, day and month were written in by hand, for the digit reader.

    python tests/handwritten.py OUT_DIR [N]       (or build(out_dir, n) from a test or bench/ocr.py)

The seed letter (samples/seed-letter.pdf) is a real unnumbered letter: its `Số:` and `ngày … tháng` blanks
are empty, as letters are printed before the clerk numbers and dates them. Each scan renders its first page at
300 dpi, opens the blanks a little wider (the printed words after each blank move right, as the typed spaces
of a printed form would leave them), writes MNIST digits that the network never trained on into them (the
held-out sample in tests/data/digits-heldout.npz, each at a random slant and a pen's grey), then passes the page
through the same flatbed-scan simulation as samples/seed-letter-scan.png and saves it as an image-only PDF.
The number, day and month are drawn at random from a fixed seed; `build` returns what was written.
"""
from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
SEED_PDF = ROOT / "samples" / "seed-letter.pdf"
HELD_OUT = ROOT / "tests" / "data" / "digits-heldout.npz"
DPI = 300


@dataclass(frozen=True)
class Written:
    path: Path
    number: str
    day: str
    month: str


def _held_out() -> tuple[np.ndarray, np.ndarray]:
    with np.load(HELD_OUT) as data:
        return data["images"], data["labels"]


def _word(words: list, text: str, after: float = 0.0):
    return next(w for w in words if w.text.startswith(text) and w.x0 >= after)


def _move_right(page: Image.Image, box_pt: tuple, dx_pt: float) -> None:
    """Move the printed words in `box_pt` (x0, top, x1, bottom, points) `dx_pt` to the right."""
    s = DPI / 72
    box = tuple(int(v * s) for v in box_pt)
    part = page.crop(box)
    page.paste(255, box)
    page.paste(part, (box[0] + int(dx_pt * s), box[1]))


def _write(page: Image.Image, digits: str, x_pt: float, baseline_pt: float, rng, images, labels) -> None:
    """Write `digits` by hand from x_pt, sitting on the line: each an unseen MNIST digit, enlarged to about
    1.3 times the printed capitals, slanted a little, in a pen's grey, multiplied into the page."""
    s = DPI / 72
    x = x_pt * s
    for d in digits:
        choice = rng.choice(np.nonzero(labels == int(d))[0])
        size = int(rng.uniform(58, 70))
        glyph = Image.fromarray(255 - images[choice]).resize((size, size), Image.BICUBIC)
        glyph = glyph.rotate(float(rng.uniform(-8, 8)), resample=Image.BICUBIC, fillcolor=255)
        pen = float(rng.uniform(0.05, 0.35))  # 0 = black ink
        ink = np.asarray(glyph, np.float32) / 255
        ink = 1 - (1 - ink) * (1 - pen)
        cols = np.nonzero((ink < 0.6).any(axis=0))[0]
        top = int(baseline_pt * s - size * 0.86)
        left = int(x) - int(cols.min())  # the ink starts at x
        region = np.asarray(page.crop((left, top, left + size, top + size)), np.float32) / 255
        page.paste(Image.fromarray((region * ink * 255).astype(np.uint8)), (left, top))
        x = left + cols.max() + float(rng.uniform(-2, 12))  # the next digit close by; now and then touching


def build(out_dir: str | Path, n: int = 6, seed: int = 20261126) -> list[Written]:
    sys.path.insert(0, str(ROOT / "samples"))
    from make_samples import simulate_scan

    from pipeline.ingest.pdf import read_pages, render_page

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    images, labels = _held_out()
    words = read_pages(str(SEED_PDF), "pypdfium2", SEED_PDF.read_bytes())[0][0].words
    so, symbol = _word(words, "Số:"), _word(words, "/SGD")
    ngay = _word(words, "ngày")
    thang, nam = _word(words, "tháng", ngay.x1), _word(words, "năm", ngay.x1)
    year = _word(words, "2023", nam.x1)
    written = []
    for i in range(n):
        page = render_page(str(SEED_PDF), 1, dpi=DPI).convert("L")
        number = str(int(rng.integers(1, 4000)))
        day, month = str(int(rng.integers(1, 29))), str(int(rng.integers(1, 13)))
        if rng.random() < 0.5:
            day, month = day.zfill(2), month.zfill(2)
        gap = lambda digits: 4 + 13.5 * len(digits)  # noqa: E731 - points of blank a hand needs
        _move_right(page, (symbol.x0 - 1, symbol.top - 2, symbol.x1 + 1, symbol.bottom + 2), gap(number))
        _move_right(page, (nam.x0 - 1, nam.top - 2, year.x1 + 1, year.bottom + 2), gap(day) + gap(month))
        _move_right(page, (thang.x0 - 1, thang.top - 2, thang.x1 + 1, thang.bottom + 2), gap(day))
        _write(page, number, so.x1 + 4, so.bottom - 2.5, rng, images, labels)
        _write(page, day, ngay.x1 + 4, ngay.bottom - 2.5, rng, images, labels)
        _write(page, month, thang.x1 + gap(day) + 4, thang.bottom - 2.5, rng, images, labels)
        path = out_dir / f"handwritten-{i + 1:02d}.pdf"
        simulate_scan(page, seed + i).save(path, resolution=DPI)
        written.append(Written(path, number, day, month))
    return written


if __name__ == "__main__":
    for w in build(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 6):
        print(w.path, w.number, w.day, w.month)
