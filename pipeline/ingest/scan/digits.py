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
SPLIT_PROB = 0.90  # the bar for the pieces of a group no wider than one digit: of several cuts tried, the
#                    best looks surer than it is; and for a group as wide as two digits read as one
WIDE = 1.3  # a stroke group this many times as wide as it is tall may be one digit or two touching


def model_path() -> Path:
    from pipeline.models import MODELS

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
    """2×2 max pooling, stride 2 (the four corners of each window compared at once: a reshape and max over
    two axes costs several times as much in NumPy)."""
    n, c, h, w = x.shape
    x = x[:, :, :h // 2 * 2, :w // 2 * 2]
    return np.maximum(np.maximum(x[:, :, 0::2, 0::2], x[:, :, 0::2, 1::2]),
                      np.maximum(x[:, :, 1::2, 0::2], x[:, :, 1::2, 1::2]))


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
    heights: tuple = ()  # the stroke groups' heights in pixels (print is as tall as its line's capitals)


def ink_of(image: Image.Image) -> np.ndarray:
    """A grayscale crop as ink (0 paper … 1 black), with the paper's grey and faint specks set to 0: the
    threshold is Otsu's between paper and ink, never above mid-grey."""
    gray = np.asarray(image.convert("L"), np.float32)
    level = min(_otsu(gray), 160.0)
    ink = np.clip((255 - gray) / 255, 0, 1)
    ink[gray > level] = 0
    return ink


def runs_on(ink, box: int, end: int, line_px: float, leftwards: bool = False) -> bool:
    """The ink between columns `box` (a word box's edge) and `end`, outside the box, is the end of letters
    the box cut short, not marks beside them: every stroke there has ink inside the box too, and what lies
    outside is less tall than a digit written touching the word (0.7 of the line)."""
    from scipy import ndimage

    labels, _ = ndimage.label(ink > 0, structure=np.ones((3, 3)))
    lo, hi = (end, box) if leftwards else (box, end)
    rows = np.nonzero((ink[:, lo:hi] > 0).any(1))[0]
    if len(rows) and rows[-1] - rows[0] + 1 > 0.7 * line_px:
        return False
    outside = set(np.unique(labels[:, lo:hi]).tolist()) - {0}
    inside = set(np.unique(labels[:, box:] if leftwards else labels[:, :box]).tolist()) - {0}
    return outside <= inside


def _otsu(gray: np.ndarray) -> float:
    hist = np.bincount(gray.astype(np.uint8).ravel(), minlength=256).astype(np.float64)
    total, levels = hist.sum(), np.arange(256)
    weight = np.cumsum(hist)
    mean = np.cumsum(hist * levels)
    between = (mean[-1] * weight - mean * total) ** 2 / np.maximum(weight * (total - weight), 1)
    return float(np.argmax(between))


def glyph_boxes(ink: np.ndarray, min_height: int, span: tuple[float, float] | None = None,
                reach: float = 0.0) -> list[tuple[int, int, int, int]]:
    """Column-ordered boxes (top, left, bottom, right) of the characters in a box of ink: connected strokes,
    with strokes that overlap across one column range (a crossbar, a detached loop) taken as one character,
    and specks, dots and flat rules (an underline, a dotted leader) dropped. With `span` (left, right
    columns), only the strokes that lie in it, no more than `reach` columns of them outside, are
    characters: the rest is the print beside a blank."""
    strokes = _strokes(ink, min_height)
    if span is not None:
        strokes = [b for b in strokes if span[0] - reach <= b[1] and b[3] <= span[1] + reach]
    return _merged(strokes)


def _strokes(ink: np.ndarray, min_height: int) -> list[list[int]]:
    from scipy import ndimage

    labels, n = ndimage.label(ink > 0, structure=np.ones((3, 3)))
    boxes = []
    for sl in ndimage.find_objects(labels):
        h, w = sl[0].stop - sl[0].start, sl[1].stop - sl[1].start
        if h < min_height and (h < min_height / 2 or w < min_height / 2 or w > 2.5 * h):
            continue  # a speck, a dot of a leader, an underline
        boxes.append([sl[0].start, sl[1].start, sl[0].stop, sl[1].stop])
    return sorted(boxes, key=lambda b: b[1])


def _merged(boxes: list[list[int]]) -> list[tuple[int, int, int, int]]:
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


def read_digits(image: Image.Image, line_height: float, model: DigitModel | None = None,
                span: tuple[float, float] | None = None) -> Reading:
    """Read the digits written in a crop of a page (grayscale or colour, any resolution). `line_height` is
    the height in pixels of the printed line the box sits on: marks much smaller than it are not characters.
    `span` (left, right, in the crop's pixels) is where the blank lies, in a crop taken wider than it: the
    strokes in it are read, the print beside it is not, and a stroke across its edge leaves the box unread
    (what the blank holds is then not known). Without `span` the whole crop is the blank, and ink over its
    edge leaves it unread.
    Characters written touching (a wide stroke group) are tried whole and cut apart (`_read_group`); the
    reading whose least sure digit is surer wins."""
    model = model or default_model()
    ink = ink_of(image)
    min_height = max(4, int(0.45 * line_height))
    if span is None:
        boxes = glyph_boxes(ink, min_height)
        cut = _cut_at_the_edge(ink, line_height)
    else:
        reach = 0.1 * line_height
        boxes = glyph_boxes(ink, min_height, span, reach)
        cut = _lies_across(_strokes(ink, min_height), span, reach)
    if not boxes:
        return Reading(None, 0.0, 0) if cut and span is not None else Reading("", 1.0, 0)
    tall = max(b[2] - b[0] for b in boxes)
    boxes = [b for b in boxes if b[2] - b[0] >= 0.4 * tall]  # what is left of the printed text beside it
    heights = tuple(b[2] - b[0] for b in boxes)
    if cut:  # ink runs out of the box: a digit may be cut off
        return Reading(None, 0.0, len(boxes), heights=heights)
    text, sure = [], []
    for top, left, bottom, right in boxes:
        parts = _read_group(ink[top:bottom, left:right], model)
        if any(label == NOT_A_DIGIT for label, _ in parts):
            return Reading(None, 0.0, len(boxes), heights=heights)
        text += [str(label) for label, _ in parts]
        sure += [prob for _, prob in parts]
    least, guess = min(sure), "".join(text)
    return Reading(guess if least >= MIN_PROB else None, round(least, 3), len(text), guess, heights)


def _lies_across(strokes: list, span: tuple[float, float], reach: float) -> bool:
    """One of the strokes lies across an edge of the span, more than `reach` columns of it on either side:
    a digit that the print's box swallowed in part ("695" must not read "95"), or handwriting over the print
    beside the blank."""
    return any(min(right, span[1]) - max(left, span[0]) > reach and
               (left < span[0] - reach or right > span[1] + reach) for _, left, _, right in strokes)


def _cut_at_the_edge(ink: np.ndarray, line_height: float) -> bool:
    """Ink crosses the box's left or right edge along more than a tenth of a line's height: part of a
    character lies outside the box, and what is inside may read as a shorter number ("95" of 695)."""
    edges = (ink[:, :2] > 0).any(axis=1), (ink[:, -2:] > 0).any(axis=1)
    return any(edge.sum() > 0.1 * line_height for edge in edges)


def _read_group(part: np.ndarray, model: DigitModel, depth: int = 0) -> list[tuple[int, float]]:
    """[(class, probability)] for one stroke group: one character, or, when the group is wide enough to be
    two or three written touching, the cut (at a column of little ink) whose least sure part is surest.
    A digit cut in two reads as pieces the network knows as "not a digit" ("(" and ")" of a 0), so a
    single wide digit stays whole."""
    probs = model.probabilities(normalise_glyph(part)[None])[0]
    best = [(int(probs.argmax()), float(probs.max()))]
    height, width = part.shape
    if depth >= 2 or width < 0.9 * height:
        return best
    score = _score(best)
    for cut in _cuts(part):
        halves = (part[:, :cut], part[:, cut:])
        if any(h.sum() < 1 for h in halves):
            continue
        left, right = _read_group(halves[0], model, depth + 1), _read_group(halves[1], model, depth + 1)
        if any(_ink_width(h) < 0.3 * height and [p[0] for p in parts] != [1]
               for h, parts in zip(halves, (left, right))):
            continue  # a sliver read as anything but a 1: a piece of a digit, not a digit
        split = left + right
        if width < WIDE * height and _score(split) < SPLIT_PROB:
            continue  # as narrow as one digit: cut only when every piece is very sure (a looped 2 ≠ "63")
        if _score(split) > score:
            best, score = split, _score(split)
    if len(best) == 1 and width >= WIDE * height and score < SPLIT_PROB:
        # as wide as two digits and read as one: under the bar unless very sure (two touching, "21", ≠ "4")
        best = [(best[0][0], score * MIN_PROB / SPLIT_PROB)]
    return best


def _ink_width(part: np.ndarray) -> int:
    cols = np.nonzero(part.max(0) > 0)[0]
    return int(cols[-1] - cols[0] + 1) if len(cols) else 0


def _score(parts: list[tuple[int, float]]) -> float:
    """The least sure part's probability; a part that is not a digit scores nothing."""
    return min((0.0 if label == NOT_A_DIGIT else prob) for label, prob in parts)


def _cuts(part: np.ndarray, tries: int = 3) -> list[int]:
    """Up to `tries` columns, between a fifth and four fifths of the width and apart from each other, where
    the least ink crosses: where two touching digits meet."""
    width = part.shape[1]
    lo, hi = int(0.2 * width), int(0.8 * width)
    if hi - lo < 2:
        return []
    ink = part[:, lo:hi].sum(0)
    out: list[int] = []
    for k in np.argsort(ink, kind="stable"):
        col = lo + int(k)
        if all(abs(col - c) > 0.1 * width for c in out):
            out.append(col)
        if len(out) == tries:
            break
    return out
