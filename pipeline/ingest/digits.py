"""Handwritten digits: the number and the day and month a clerk writes by hand into a printed letter (issue 6).

Tesseract's `vie` model reads print; a hand-written "2338" in the `Số:` box comes back as "lý" or "11". This
module reads such a box on its own: the ink is cut into connected strokes, each stroke group is sized and
centred the way MNIST digits are (20 px inside 28, by centre of mass), and a small convolutional network
(`models/digits/digits-cnn.npz`, trained by `scripts/train_digits.py`) gives each one a class: a digit, or
"not a digit". Inference is plain NumPy (two 3×3 convolutions, two dense layers): no deep-learning library
at run time, a few milliseconds for a box.

`read_digits` answers only when every character is read with confidence; otherwise it returns no text, and
the caller keeps the field empty with a warning for the clerk. It never guesses a digit.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from PIL import Image

NOT_A_DIGIT = 10
MIN_PROB = 0.80  # every character at least this sure, or the box is left unread


def model_path() -> Path:
    from pipeline.nlp.lexicon import MODELS

    return MODELS / "digits" / "digits-cnn.npz"


# ---------------------------------------------------------------------------------------------------
# Shaping a glyph like an MNIST digit (the training script uses the same function)


def normalise_glyph(ink: np.ndarray) -> np.ndarray:
    """A glyph's ink (2-D, 0 = paper, 1 = full ink, any size) as a 28×28 float32 image: cropped to its ink,
    the longer side scaled to 20 px with the aspect kept, placed so its centre of mass is at the centre."""
    ink = np.asarray(ink, dtype=np.float32)
    rows, cols = np.nonzero(ink > 0.05)
    out = np.zeros((28, 28), np.float32)
    if not len(rows):
        return out
    ink = ink[rows.min():rows.max() + 1, cols.min():cols.max() + 1]
    h, w = ink.shape
    scale = 20.0 / max(h, w)
    nh, nw = max(1, round(h * scale)), max(1, round(w * scale))
    small = np.asarray(Image.fromarray((ink * 255).astype(np.uint8)).resize((nw, nh), Image.LANCZOS),
                       np.float32) / 255
    small = _even_stroke(np.clip(small, 0, 1))
    total = small.sum()
    if total <= 0:
        return out
    cy = (small.sum(1) * np.arange(nh)).sum() / total
    cx = (small.sum(0) * np.arange(nw)).sum() / total
    top, left = int(round(14 - cy)), int(round(14 - cx))
    top, left = min(max(top, 0), 28 - nh), min(max(left, 0), 28 - nw)
    out[top:top + nh, left:left + nw] = small
    return out


STROKE_INK = 70.0  # MNIST digits hold ~100 units of ink in 28×28; a fine pen at 300 dpi holds about half


def _even_stroke(small: np.ndarray) -> np.ndarray:
    """Thicken a glyph drawn with a finer pen than MNIST's, a pixel at a time (at most two), so that the
    network sees the stroke width it learnt from."""
    from scipy import ndimage

    for _ in range(2):
        if small.sum() >= STROKE_INK:
            break
        small = ndimage.grey_dilation(small, size=(2, 2))
    return small


# ---------------------------------------------------------------------------------------------------
# The network, in NumPy


@dataclass(frozen=True)
class DigitModel:
    members: tuple  # one dict of weights per network of the ensemble

    @classmethod
    def load(cls, path: str | Path | None = None) -> "DigitModel":
        with np.load(path or model_path()) as data:
            names = sorted({k.split(".", 1)[0] for k in data.files})
            return cls(tuple({k.split(".", 1)[1]: data[k].astype(np.float32) for k in data.files
                              if k.startswith(name + ".")} for name in names))

    def probabilities(self, glyphs: np.ndarray) -> np.ndarray:
        """glyphs: N×28×28 (0..1) → N×11 class probabilities (digits 0-9, then NOT_A_DIGIT), the mean of
        the ensemble's networks."""
        x = np.asarray(glyphs, np.float32)[:, None]
        return np.mean([_forward(w, x) for w in self.members], axis=0)


def _forward(w: dict, x: np.ndarray) -> np.ndarray:
    x = _pool(_relu(_conv(x, w["conv1.weight"], w["conv1.bias"])))
    x = _pool(_relu(_conv(x, w["conv2.weight"], w["conv2.bias"])))
    x = x.reshape(len(x), -1)
    x = _relu(x @ w["fc1.weight"].T + w["fc1.bias"])
    logits = x @ w["fc2.weight"].T + w["fc2.bias"]
    logits -= logits.max(1, keepdims=True)
    e = np.exp(logits)
    return e / e.sum(1, keepdims=True)


def _conv(x: np.ndarray, weight: np.ndarray, bias: np.ndarray) -> np.ndarray:
    """3×3 convolution, padding 1 (as torch.nn.Conv2d(…, 3, padding=1)): N×C×H×W → N×K×H×W."""
    n, c, h, wd = x.shape
    padded = np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)))
    windows = np.lib.stride_tricks.sliding_window_view(padded, (3, 3), axis=(2, 3))  # N×C×H×W×3×3
    return np.einsum("nchwij,kcij->nkhw", windows, weight, optimize=True) + bias[None, :, None, None]


def _pool(x: np.ndarray) -> np.ndarray:
    n, c, h, w = x.shape
    return x[:, :, :h // 2 * 2, :w // 2 * 2].reshape(n, c, h // 2, 2, w // 2, 2).max(axis=(3, 5))


def _relu(x: np.ndarray) -> np.ndarray:
    return np.maximum(x, 0)


@lru_cache(maxsize=1)
def default_model() -> DigitModel:
    return DigitModel.load()


# ---------------------------------------------------------------------------------------------------
# A box of handwriting → digits


@dataclass(frozen=True)
class Reading:
    text: str | None  # the digits, or None when the box holds ink that could not be read with confidence
    confidence: float  # the least sure character's probability (0 for an unread box)
    glyphs: int  # how many characters the ink was cut into
    guess: str = ""  # the likeliest digits however unsure ("" when a character is likeliest not a digit)


def ink_of(image: Image.Image) -> np.ndarray:
    """A grayscale crop as ink (0 paper … 1 black), with the paper's grey and faint specks set to 0: the
    threshold is Otsu's between paper and ink, never above mid-grey."""
    gray = np.asarray(image.convert("L"), np.float32)
    level = min(_otsu(gray), 160.0)
    ink = np.clip((255 - gray) / 255, 0, 1)
    ink[gray > level] = 0
    return ink


def _otsu(gray: np.ndarray) -> float:
    hist = np.bincount(gray.astype(np.uint8).ravel(), minlength=256).astype(np.float64)
    total, levels = hist.sum(), np.arange(256)
    weight = np.cumsum(hist)
    mean = np.cumsum(hist * levels)
    between = (mean[-1] * weight - mean * total) ** 2 / np.maximum(weight * (total - weight), 1)
    return float(np.argmax(between))


def glyph_boxes(ink: np.ndarray, min_height: int) -> list[tuple[int, int, int, int]]:
    """Column-ordered boxes (top, left, bottom, right) of the characters in a box of ink: connected strokes,
    with strokes that overlap across one column range (a crossbar, a detached loop) taken as one character,
    and specks, dots and flat rules (an underline, a dotted leader) dropped."""
    from scipy import ndimage

    labels, n = ndimage.label(ink > 0, structure=np.ones((3, 3)))
    boxes = []
    for sl in ndimage.find_objects(labels):
        h, w = sl[0].stop - sl[0].start, sl[1].stop - sl[1].start
        if h < min_height and (h < min_height / 2 or w < min_height / 2 or w > 2.5 * h):
            continue  # a speck, a dot of a leader, an underline
        boxes.append([sl[0].start, sl[1].start, sl[0].stop, sl[1].stop])
    boxes.sort(key=lambda b: b[1])
    merged: list[list[int]] = []
    for b in boxes:
        if merged:
            m = merged[-1]
            overlap = min(m[3], b[3]) - max(m[1], b[1])
            if overlap > 0.5 * min(m[3] - m[1], b[3] - b[1]):
                merged[-1] = [min(m[0], b[0]), min(m[1], b[1]), max(m[2], b[2]), max(m[3], b[3])]
                continue
        merged.append(b)
    return [tuple(b) for b in merged]


def read_digits(image: Image.Image, line_height: float, model: DigitModel | None = None) -> Reading:
    """Read the digits written in a crop of a page (grayscale or colour, any resolution). `line_height` is
    the height in pixels of the printed line the box sits on: marks much smaller than it are not characters.
    Two characters written touching (a wide stroke group) are tried whole and cut at the column with the
    least ink; the reading that is surer wins."""
    model = model or default_model()
    ink = ink_of(image)
    boxes = glyph_boxes(ink, min_height=max(4, int(0.45 * line_height)))
    if not boxes:
        return Reading("", 1.0, 0)
    tall = max(b[2] - b[0] for b in boxes)
    boxes = [b for b in boxes if b[2] - b[0] >= 0.4 * tall]  # what is left of the printed text beside it
    glyphs = [_glyph(ink, b) for b in boxes]
    probs = model.probabilities(np.stack(glyphs))
    text, sure = [], []
    for b, p in zip(boxes, probs):
        label, prob = int(p.argmax()), float(p.max())
        width, height = b[3] - b[1], b[2] - b[0]
        if width > 0.9 * height:  # perhaps two digits that touch
            pair = _split(ink, b, model)
            if pair is not None and min(pair[1]) > prob:
                text += [str(d) for d in pair[0]]
                sure += pair[1]
                continue
        if label == NOT_A_DIGIT:
            return Reading(None, 0.0, len(boxes))
        text.append(str(label))
        sure.append(prob)
    least, guess = min(sure), "".join(text)
    return Reading(guess if least >= MIN_PROB else None, round(least, 3), len(text), guess)


def _glyph(ink: np.ndarray, box: tuple) -> np.ndarray:
    top, left, bottom, right = box
    return normalise_glyph(ink[top:bottom, left:right])


def _split(ink: np.ndarray, box: tuple, model: DigitModel) -> tuple[list[int], list[float]] | None:
    top, left, bottom, right = box
    part = ink[top:bottom, left:right]
    w = part.shape[1]
    lo, hi = int(0.3 * w), int(0.7 * w)
    if hi <= lo:
        return None
    cut = lo + int(np.argmin(part[:, lo:hi].sum(0)))
    halves = [part[:, :cut], part[:, cut:]]
    if any(h.sum() == 0 for h in halves):
        return None
    probs = model.probabilities(np.stack([normalise_glyph(h) for h in halves]))
    labels = [int(p.argmax()) for p in probs]
    if NOT_A_DIGIT in labels:
        return None
    return labels, [float(p.max()) for p in probs]
