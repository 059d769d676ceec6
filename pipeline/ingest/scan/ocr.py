"""OCR with tesseract (`-l vie`), the one module that runs it and handles images (Pillow).

tesseract runs as a child process with OMP_THREAD_LIMIT=1: on this 2-core machine its OpenMP threads
make it about 5× slower, and the batch runs one OCR per core anyway. Word boxes come back in PDF points
(pixels / dpi × 72) so the layout step treats OCR and text layers alike.
"""
from __future__ import annotations

import csv
import io
import os
import re
import shutil
import subprocess
import tempfile
from contextlib import nullcontext
from pathlib import Path

from PIL import Image, ImageSequence, UnidentifiedImageError

from pipeline.errors import ReadError
from pipeline.ingest.offline import offline
from pipeline.ingest.words import Word

LANG = "vie"
TIMEOUT_S = 120
MAX_PIXELS = 120_000_000  # ≈ A0 at 300 dpi; a larger "page" is a bomb (reliability.md #13)
MAX_FRAMES = 300
Image.MAX_IMAGE_PIXELS = MAX_PIXELS



def tesseract_available() -> bool:
    return shutil.which("tesseract") is not None


def _env() -> dict:
    return {**os.environ, "OMP_THREAD_LIMIT": "1"}


def run_tesseract(image_path: str | Path, psm: int = 3, config: tuple[str, ...] = ()) -> str:
    """tesseract IMAGE stdout -l vie --psm N tsv; returns the TSV text."""
    if not tesseract_available():
        raise ReadError(str(image_path), "unsupported:ocr", "tesseract is not installed (apt-get install tesseract-ocr-vie)")
    cmd = ["tesseract", str(image_path), "stdout", "-l", LANG, "--psm", str(psm), *config, "tsv"]
    try:
        done = subprocess.run(offline(cmd), capture_output=True, timeout=TIMEOUT_S, env=_env(), check=False)
    except subprocess.TimeoutExpired:
        raise ReadError(str(image_path), "timeout", f"tesseract took longer than {TIMEOUT_S} s") from None
    if done.returncode != 0:
        msg = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["unknown error"]
        raise ReadError(str(image_path), "corrupt:image", f"tesseract failed: {msg[0]}")
    return done.stdout.decode("utf-8", "replace")


def parse_tsv(tsv: str, scale: float, page: Image.Image | str | Path | None = None) -> list[Word]:
    """Words with boxes scaled by `scale` (72/dpi gives PDF points) and confidence in 0..1, straightened
    (see `_deskew`). With the `page` image (or its path), doubtful cited numbers are read a second time (see
    `reread_numbers`)."""
    words, lines = [], []
    for row in csv.DictReader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE):
        text = (row.get("text") or "").strip()
        if row.get("level") != "5" or not text:
            continue
        x, y, w, h = (float(row[k]) for k in ("left", "top", "width", "height"))
        conf = max(float(row["conf"]), 0.0) / 100
        words.append(Word(text, x, y, x + w, y + h, conf))
        lines.append((row.get("block_num"), row.get("par_num"), row.get("line_num")))
    if page is not None:
        words = reread_numbers(page, words)
    return _deskew([w.scaled(scale) for w in words], lines)


# A normative number (số/năm/ký hiệu) that tesseract's vie model is unsure of. Its italic 5 reads as 3
# ("55/2026/TT-BTC" → "33/2026/TT-BTC", on 035, 037 and the real scan 040); its eng model, which knows no
# Vietnamese but reads Latin digits, reads that word alone (psm 8) right.
_YEAR_FORM = re.compile(r"\d{1,5}/(?:19|20)\d\d/[A-ZĐ]")
NUMBER_CONF = 0.9


def reread_numbers(image: Image.Image | str | Path, words: list[Word]) -> list[Word]:
    """Words (pixel boxes, straight from the TSV) with each doubtful normative number read again on its own
    by the eng model, all in one tesseract run. The second reading is taken only where it is the same
    shape: the same characters but for digits (and a V where vie read W, a letter no Vietnamese initial
    has), so the same lengths of digit groups, and the same year. O and Q count as the same letter, and so
    does whatever letter eng reads for Đ, which it does not know ("NB-CP", "ND-CP")."""
    doubtful = [i for i, w in enumerate(words) if w.conf < NUMBER_CONF and _YEAR_FORM.search(w.text)]
    if not doubtful:
        return words
    with (Image.open(image) if isinstance(image, (str, Path)) else nullcontext(image)) as page, \
            tempfile.TemporaryDirectory(prefix="vanban-num-") as tmp:
        paths = []
        for i in doubtful:
            _, x0, top, x1, bottom, _ = words[i]
            pad = max(4, int((bottom - top) / 4))  # beside it only a little: the next word's first letter
            path = Path(tmp) / f"{i}.pgm"
            page.crop((int(x0) - 6, int(top) - pad, int(x1) + 6, int(bottom) + pad)).convert("L").save(path)
            paths.append(str(path))
        listing = Path(tmp) / "words.txt"
        listing.write_text("\n".join(paths) + "\n", encoding="utf-8")
        try:
            done = subprocess.run(offline(["tesseract", str(listing), "stdout", "-l", "eng", "--psm", "8"]),
                                  capture_output=True, timeout=TIMEOUT_S, env=_env(), check=False)
        except subprocess.TimeoutExpired:
            return words
    if done.returncode != 0:
        return words
    again = done.stdout.decode("utf-8", "replace").split("\f")
    out = list(words)
    for i, text in zip(doubtful, again):
        better = same_shape_reading(words[i].text, text.strip())
        if better:
            out[i] = words[i]._replace(text=better)
    return out


_SAME = str.maketrans({"O": "Q"})


def same_shape_reading(first: str, second: str) -> str | None:
    """`first` with the digits (and a V for a W) of `second` where the two are the same shape (see
    `reread_numbers`); None when they differ otherwise or not at all."""
    if len(first) != len(second) or first == second:
        return None
    out = []
    for a, b in zip(first, second):
        if a.isdigit() and b.isdigit() or a == "W" and b == "V":
            out.append(b)
        elif a.translate(_SAME) == b.translate(_SAME) or a == "Đ" and b.isalpha():
            out.append(a)
        else:
            return None
    year = re.search(r"/((?:19|20)\d\d)/", first)
    if not year or first[year.start():year.end()] != "".join(out)[year.start():year.end()]:
        return None
    fixed = "".join(out)
    return fixed if fixed != first else None


MAX_SKEW = 0.09  # tan(5°): beyond this the page is not skewed but laid out otherwise (a table, a stamp)


def _deskew(words: list[Word], line_ids: list) -> list[Word]:
    """A scan a little skewed (a page fed at an angle) has text lines that slope, and grouping words into
    lines by height would interleave neighbouring lines. Tesseract knows which words share a line: the
    median slope of its lines of four words or more is the page's skew, and every word's height is taken
    back by it (a shear, which for a few degrees is the rotation). Nothing changes when the page is straight."""
    by_line: dict = {}
    for word, key in zip(words, line_ids):
        by_line.setdefault(key, []).append(word)
    slopes = []
    for members in by_line.values():
        if len(members) < 4:
            continue
        cx = [(w.x0 + w.x1) / 2 for w in members]
        cy = [(w.top + w.bottom) / 2 for w in members]
        mx, my = sum(cx) / len(cx), sum(cy) / len(cy)
        var = sum((x - mx) ** 2 for x in cx)
        if var > 0:
            slopes.append(sum((x - mx) * (y - my) for x, y in zip(cx, cy)) / var)
    if len(slopes) < 3:
        return words
    slope = sorted(slopes)[len(slopes) // 2]
    if abs(slope) < 0.0015 or abs(slope) > MAX_SKEW:  # under 0.1°: straight enough
        return words
    out = []
    for text, x0, top, x1, bottom, conf in words:
        dy = slope * (x0 + x1) / 2
        out.append(Word(text, x0, top - dy, x1, bottom - dy, conf))
    return out


def ocr_words(image: Image.Image | str | Path, dpi: float | None = None, psm: int = 3,
              numbers: bool = False) -> list[Word]:
    """OCR a page image (a PIL image, or a path tesseract can read as it is) into positioned words;
    `numbers`: doubtful cited numbers read a second time (`reread_numbers`)."""
    if isinstance(image, (str, Path)):
        if dpi is None:
            with Image.open(image) as im:
                dpi = _dpi(im)
        return parse_tsv(run_tesseract(image, psm), 72.0 / dpi, image if numbers else None)
    dpi = dpi or _dpi(image)
    with tempfile.TemporaryDirectory(prefix="vanban-ocr-") as tmp:
        path = Path(tmp) / "page.pgm"  # PGM: no compression to pay for, and tesseract reads it directly
        image.convert("L").save(path)
        return parse_tsv(run_tesseract(path, psm), 72.0 / dpi, image if numbers else None)  # in memory


SUSPECT_CONF = 0.6  # a page read this badly may be turned: upright text reads at 0.7-0.96 here, turned ~0.45


def _mean_conf(words: list[Word]) -> float:
    return sum(w.conf for w in words) / len(words) if words else 0.0


def osd_rotation(image: Image.Image) -> int:
    """Degrees (90, 180, 270) to turn a page clockwise so that it reads upright, from tesseract's orientation
    detection (`--psm 0`); 0 when it is upright, unsure (confidence < 2) or finds too little text."""
    with tempfile.TemporaryDirectory(prefix="vanban-osd-") as tmp:
        path = Path(tmp) / "page.pgm"
        image.convert("L").save(path)
        if not tesseract_available():
            return 0
        try:
            done = subprocess.run(offline(["tesseract", str(path), "stdout", "--psm", "0"]), capture_output=True,
                                  timeout=TIMEOUT_S, env=_env(), check=False)
        except subprocess.TimeoutExpired:
            return 0
    out = done.stdout.decode("utf-8", "replace")
    rotate = re.search(r"Rotate:\s*(\d+)", out)
    conf = re.search(r"Orientation confidence:\s*([\d.]+)", out)
    if done.returncode != 0 or not rotate or not conf or float(conf.group(1)) < 2.0:
        return 0
    return int(rotate.group(1)) % 360


def ocr_page(image: Image.Image | str | Path, dpi: float | None = None) -> tuple[list[Word], tuple[float, float] | None, int]:
    """A page's words, turned upright first when it reads badly and tesseract's orientation detection says
    it lies on its side or upside down: (words, the page size in points if it was turned, degrees turned).
    An upright page that reads well costs nothing more."""
    from pipeline.ingest.scan.engines import page_words

    words, _engine = page_words(image, dpi=dpi)
    if not words or _mean_conf(words) >= SUSPECT_CONF:
        return words, None, 0
    with (Image.open(image) if isinstance(image, (str, Path)) else nullcontext(image)) as im:
        dpi = dpi or _dpi(im)
        rotation = osd_rotation(im)
        if not rotation:
            return words, None, 0
        turned = im.convert("L").rotate(-rotation, expand=True)
    again, _engine = page_words(turned, dpi=dpi)
    if _mean_conf(again) <= _mean_conf(words):
        return words, None, 0
    return again, (turned.width * 72 / dpi, turned.height * 72 / dpi), rotation


def open_colour(image: Image.Image | str | Path) -> Image.Image:
    """A page as an RGB image (from a file, or a frame already open)."""
    if isinstance(image, (str, Path)):
        with Image.open(image) as im:
            return im.convert("RGB")
    return image.convert("RGB")


def drop_red(image: Image.Image) -> Image.Image:
    """Grayscale with the red ink (a seal) made white: what a seal covers, printed in black, reads again."""
    from PIL import ImageChops

    rgb = image.convert("RGB")
    r, g, b = rgb.split()
    red = ImageChops.subtract(r, ImageChops.lighter(g, b)).point(lambda v: 255 if v > 50 else 0)
    gray = rgb.convert("L")
    gray.paste(255, mask=red)
    return gray


INK_SATURATION = 50  # max − min of R, G, B: a seal's red, a signature's blue are far over; print, paper under
FILL = 7  # px at 300 dpi: the widest cut a seal's rim makes in a printed stroke, filled back


def coloured_ink(image: Image.Image) -> Image.Image:
    """The mask (255) of the coloured pixels of a page image: a seal's red, a signature's blue."""
    from PIL import ImageChops

    r, g, b = image.convert("RGB").split()
    spread = ImageChops.subtract(ImageChops.lighter(ImageChops.lighter(r, g), b),
                                 ImageChops.darker(ImageChops.darker(r, g), b))
    return spread.point(lambda v: 255 if v > INK_SATURATION else 0)


def without_ink(image: Image.Image, dpi: float = 300.0) -> Image.Image:
    """Grayscale with the coloured ink (a red seal, a blue signature) taken out, each of its pixels given the
    value of a closing of the black strokes around it: paper where no stroke runs under the ink, dark where
    the seal's rim cut one in two."""
    return _filled(image.convert("L"), coloured_ink(image), dpi)


def _filled(gray: Image.Image, mask: Image.Image, dpi: float) -> Image.Image:
    """`gray` with the pixels under `mask` made paper, then given a closing of the print around them."""
    from PIL import ImageFilter

    out = gray.copy()
    out.paste(255, mask=mask)
    size = max(3, round(FILL * dpi / 300) | 1)
    out.paste(out.filter(ImageFilter.MinFilter(size)).filter(ImageFilter.MaxFilter(size)), mask=mask)
    return out


def without_grey_seal(image: Image.Image, dpi: float = 300.0) -> Image.Image:
    """A grey scan's signature block with the seal taken out: a red seal scans as a mid grey, lighter than
    the print's near-black, so the pixels between the two (a quarter of the way from the print's darkest to
    the paper, and up to the paper) are filled as `without_ink` fills coloured ones."""
    gray = image.convert("L")
    hist = gray.histogram()
    total, running, below = max(1, sum(hist)), 0, []  # below[v]: the share of pixels at v or darker
    for count in hist:
        running += count
        below.append(running / total)
    ink = next(v for v in range(256) if below[v] >= 0.01)
    paper = next(v for v in range(256) if below[v] >= 0.90)
    cut, light = ink + 0.25 * (paper - ink), paper - 25
    return _filled(gray, gray.point(lambda v: 255 if cut <= v < light else 0), dpi)


def crop_points(image: Image.Image, box: tuple[float, float, float, float], dpi: float) -> Image.Image | None:
    """The part of a page image under `box` (points: x0, top, x1, bottom), clipped to the image; None when
    nothing of it is on the image (a box from a page read turned, against the unturned image)."""
    s = dpi / 72
    x0, x1 = (min(max(0, int(v * s)), image.width) for v in (box[0], box[2]))
    top, bottom = (min(max(0, int(v * s)), image.height) for v in (box[1], box[3]))
    return image.crop((x0, top, x1, bottom)) if x1 - x0 >= 2 and bottom - top >= 2 else None


def read_box(image: Image.Image, box: tuple[float, float, float, float], dpi: float) -> list[Word]:
    """The words in `box` (points: x0, top, x1, bottom) of a page image, red ink removed, read as sparse
    text (psm 11); boxes in page points."""
    crop = crop_points(image, box, dpi)
    if crop is None:
        return []
    return [w.shifted(box[0], box[1]) for w in ocr_words(drop_red(crop), dpi=dpi, psm=11)]


def ocr_line(image: Image.Image, whitelist: str | None = None) -> tuple[str, float]:
    """OCR one line of text (psm 7); returns (text, mean confidence)."""
    config = ("-c", f"tessedit_char_whitelist={whitelist}") if whitelist else ()
    with tempfile.TemporaryDirectory(prefix="vanban-ocr-") as tmp:
        path = Path(tmp) / "line.pgm"
        image.convert("L").save(path)
        words = parse_tsv(run_tesseract(path, 7, config), 1.0)
    if not words:
        return "", 0.0
    return " ".join(w.text for w in words), sum(w.conf for w in words) / len(words)


def _dpi(image: Image.Image) -> float:
    dpi = image.info.get("dpi", (0, 0))[0] or 0
    return float(dpi) if 50 <= float(dpi) <= 1200 else 300.0


def image_pages(path: str | Path) -> list[tuple[Image.Image | str, float, tuple[float, float]]]:
    """Open an image file: one (image or path, dpi, page size in points) per frame, after the pixel cap."""
    try:
        with Image.open(path) as im:
            if im.width * im.height > MAX_PIXELS:
                raise ReadError(str(path), "too_big:image", f"image of {im.width}×{im.height} pixels is over the cap")
            dpi = _dpi(im)
            n = getattr(im, "n_frames", 1)
            if n > MAX_FRAMES:
                raise ReadError(str(path), "too_big:pages", f"{n} frames is over the cap of {MAX_FRAMES}")
            size = (im.width * 72 / dpi, im.height * 72 / dpi)
            if n == 1 and im.format in ("PNG", "JPEG", "TIFF"):
                im.load()
                return [(str(path), dpi, size)]  # tesseract reads it as it is: nothing to re-encode
            frames = []
            for frame in ImageSequence.Iterator(im):
                f = frame.convert("L")
                frames.append((f, _dpi(frame), (f.width * 72 / _dpi(frame), f.height * 72 / _dpi(frame))))
            return frames
    except Image.DecompressionBombError as exc:
        raise ReadError(str(path), "too_big:image", str(exc)) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ReadError(str(path), "corrupt:image", f"image cannot be decoded: {exc}") from None
