"""The OCR engine behind a page read: one function, page image → positioned words with confidences.

    page_words(image, dpi) -> (words, engine)

`words` are the tuples the tesseract path has always produced, (text, x0, top, x1, bottom, confidence 0..1),
in PDF points (pixels / dpi × 72), straightened (ocr._deskew) and with doubtful cited numbers read again
(ocr.reread_numbers); `engine` names the engine that read them.

Engines (setting: the environment variable VANBAN_OCR_ENGINE; unset, DEFAULT):
- "trueocr": the `trueocr` pip package (`pip install vanban[trueocr]`; Apache-2.0; its ONNX detector and CTC
  recogniser for printed Vietnamese ship inside the wheel, about 8 MB, and run offline on ONNX Runtime, one
  thread here; its code makes no network call; who trained the weights on what is not documented, see
  bench/ocr.py). It reads
  lines; the words of a line get their boxes from the recogniser's own timesteps (a CTC output step is a
  fixed slice of the line's width), so that two columns the detector joined into one line keep their gap.
  VANBAN_TRUEOCR_MODELS names another folder of its models (default: the one inside the package).
- "tesseract" (the default): `tesseract -l vie` (pipeline.ingest.scan.ocr), the only engine before this module, and
  the fallback. trueocr reads the pages better (bench/ocr.py: lower CER, more header fields right, a third of
  the time), but what vanban does after the page read (the OCR repairs of text/ocrfix, the handwriting pass's
  confidence thresholds) was set on tesseract's errors and confidences, and with trueocr the handwritten
  blanks come out wrong more often (bench/ocr.py's handwriting table): it waits for those to be measured
  again per engine (issue 18, item 1).
Only the page read goes through here: the second looks (a column under a seal, a title, a number read again,
the stamps of e-office widgets) still read their crops with tesseract.
When the chosen engine is not installed or raises, the page is read by tesseract: `page_words` says which
engine read it, and the reason is kept in `fallbacks` for the reader's warnings. An engine name that is not
one of ENGINES fails the read (ReadError "unsupported:ocr") rather than quietly reading with another.
The choice and its figures: bench/ocr.py.
"""
from __future__ import annotations

import os
import threading
from pathlib import Path

from PIL import Image

from pipeline.ingest.words import Word

ENV = "VANBAN_OCR_ENGINE"
MODELS_ENV = "VANBAN_TRUEOCR_MODELS"
ENGINES = ("tesseract", "trueocr")
DEFAULT = "tesseract"  # trueocr measured better on the page but worse on handwriting: bench/ocr.py

_read: list[str] = []        # the engine of each page read since the reader last took them
fallbacks: list[str] = []    # why pages went to tesseract instead of the chosen engine


def chosen() -> str:
    """The engine the setting names (VANBAN_OCR_ENGINE), the default when it is unset."""
    return (os.environ.get(ENV) or DEFAULT).strip().lower()


def take() -> tuple[str, str | None]:
    """What read the pages since the last call, and forget it: the engines ("tesseract", "trueocr", or both
    joined by "+"; "tesseract" when no page was read), and one warning for the pages the chosen engine could
    not read (None when there were none)."""
    label = "+".join(sorted(set(_read))) or "tesseract"
    warning = None
    if fallbacks:
        n = len(fallbacks)
        warning = (f"{n} page{'s' if n > 1 else ''} read by tesseract, the OCR engine chosen failed: "
                   + "; ".join(sorted(set(fallbacks))))
    _read.clear()
    fallbacks.clear()
    return label, warning


def page_words(image: Image.Image | str | Path, dpi: float | None = None, engine: str | None = None,
               numbers: bool = True) -> tuple[list, str]:
    """A page's words (points, straightened) read by `engine` (default: the setting), and the engine that
    read them: tesseract when the chosen one is missing or fails."""
    from pipeline.errors import ReadError
    from pipeline.ingest.scan import ocr

    name = engine or chosen()
    if name not in ENGINES:
        raise ReadError(str(image) if isinstance(image, (str, Path)) else "page", "unsupported:ocr",
                        f"unknown OCR engine {name!r} in {ENV} (one of: {', '.join(ENGINES)})")
    if name == "trueocr":
        try:
            with (Image.open(image) if isinstance(image, (str, Path)) else _same(image)) as im:
                im.load()
                dpi = dpi or ocr._dpi(im)
                words = _trueocr_page(im, dpi, numbers)
            _read.append("trueocr")
            return words, "trueocr"
        except Exception as exc:  # noqa: BLE001 - any failure of an optional engine falls back to tesseract
            fallbacks.append(f"trueocr: {type(exc).__name__}: {str(exc)[:120]}")
    words = ocr.ocr_words(image, dpi=dpi, numbers=numbers)
    _read.append("tesseract")
    return words, "tesseract"


class _same:
    """A context manager that hands back an image already open (and leaves it open)."""

    def __init__(self, image):
        self.image = image

    def __enter__(self):
        return self.image

    def __exit__(self, *exc):
        return False


# ------------------------------------------------------------------------------------------------ trueocr

_MODELS: dict = {}
_LOCK = threading.Lock()


def _trueocr():
    """The detector and recogniser, loaded once per process and models folder, on one thread (the batch
    runs one page per core)."""
    import trueocr
    from trueocr.page import PageEngine
    from trueocr.recognizer import Recognizer

    models = Path(os.environ.get(MODELS_ENV) or Path(trueocr.__file__).parent / "models")
    with _LOCK:
        if models not in _MODELS:
            _MODELS[models] = (PageEngine(models, threads=1), Recognizer(models, threads=1))
        return _MODELS[models]


def trueocr_lines(gray) -> list[tuple[list[tuple[str, float, float, float]], tuple[int, int, int, int]]]:
    """The text lines of a uint8 grey page array, in the detector's order: for each line its characters as
    (char, x centre in page pixels, probability, timestep width in page pixels) and its box (x0, top, x1,
    bottom) in page pixels. Greedy CTC as trueocr's Recognizer decodes it, keeping where each character
    peaked."""
    import numpy as np
    from trueocr.preprocess import pad_batch, prepare_image, width_batches

    engine, rec = _trueocr()
    h, w = gray.shape
    boxes, crops = [], []
    for box in engine.detect(gray):
        x0, y0 = (int(v) for v in np.floor(box[:2]))
        x1, y1 = (int(v) for v in np.ceil(box[2:4]))
        x0, y0, x1, y1 = max(0, x0), max(0, y0), min(w, x1), min(h, y1)
        if x1 > x0 and y1 > y0:
            boxes.append((x0, y0, x1, y1))
            crops.append(gray[y0:y1, x0:x1])
    maps = [prepare_image(c, max_width=rec.max_width, pad_y=rec.pad_y, pad_x=rec.pad_x) for c in crops]
    out: list = [None] * len(maps)
    for selected in width_batches([m.shape[1] for m in maps], max_batch=32):
        tensor, widths = pad_batch([maps[i] for i in selected])
        ids, conf, lengths = rec.session.run(["ids", "conf", "lengths"], {"x": tensor, "widths": widths})
        for j, index in enumerate(selected):
            n = int(lengths[j])
            seq, probs = ids[j, :n], conf[j, :n]
            keep = (seq != 0) & np.concatenate(([True], seq[1:] != seq[:-1]))
            x0, y0, x1, y1 = boxes[index]
            # The map is the crop widened by pad_x × its height on each side (prepare_image → crop_line),
            # then resized; the n timesteps cover the map's width evenly.
            pad = rec.pad_x * (y1 - y0)
            left, span = x0 - pad, (x1 - x0) + 2 * pad
            step = span / max(n, 1)
            chars = [(rec.chars[int(seq[t]) - 1], float(left + (t + 0.5) * step), float(probs[t]), float(step))
                     for t in np.flatnonzero(keep)]
            out[index] = (chars, boxes[index])
    return out


def words_of_line(chars: list[tuple[str, float, float, float]], box: tuple[int, int, int, int]) -> list[tuple]:
    """A recognised line's words, split at spaces: (text NFC, x0, top, x1, bottom, confidence) in page pixels.
    A word reaches half a character's pitch beyond its first and last character peaks (the pitch: the
    distance between its peaks, or two timesteps for a one-letter word), clipped to the line's box."""
    import unicodedata

    words, current = [], []
    for ch in chars + [(" ", 0.0, 1.0, 0.0)]:
        if ch[0].isspace():
            if current:
                xs = [c[1] for c in current]
                pitch = (xs[-1] - xs[0]) / (len(xs) - 1) if len(xs) > 1 else 2 * current[0][3]
                text = unicodedata.normalize("NFC", "".join(c[0] for c in current))
                x0 = max(box[0], xs[0] - pitch / 2)
                x1 = min(box[2], xs[-1] + pitch / 2)
                words.append(Word(text, float(x0), float(box[1]), float(max(x1, x0 + 1)), float(box[3]),
                                  sum(c[2] for c in current) / len(current)))
                current = []
        else:
            current.append(ch)
    return words


def _trueocr_page(image: Image.Image, dpi: float, numbers: bool) -> list:
    """trueocr's words for a page, as ocr.parse_tsv shapes tesseract's: doubtful numbers read again,
    points, straightened by the slope of their lines."""
    import numpy as np

    from pipeline.ingest.scan import ocr

    gray = np.asarray(image.convert("L"))
    words, line_ids = [], []
    for n, (chars, box) in enumerate(trueocr_lines(gray)):
        for word in words_of_line(chars, box):
            words.append(word)
            line_ids.append(n)
    if numbers and words:
        words = ocr.reread_numbers(image, words)
    scale = 72.0 / dpi
    return ocr._deskew([Word(t, a * scale, b * scale, c * scale, d * scale, conf) for t, a, b, c, d, conf in words],
                       line_ids)
