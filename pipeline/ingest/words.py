"""The positioned word and line every reader of a page gives (PDF text layers, OCR): one `Word`, one `Line`.

A `Word` is a NamedTuple: cheap to make by the hundred thousand (a PDF's text layer), read by name
(`w.x1`, `w.conf`), and still unpacked as (text, x0, top, x1, bottom, conf) where that reads better. Boxes
are PDF points, top-left origin; `conf` is OCR's confidence 0..1, None for a text layer.
The nlp stage has its own `TextLine` (a line of Source.text by its offsets): no positions, no words.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple


class Word(NamedTuple):
    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    conf: float | None = None

    @property
    def height(self) -> float:
        return self.bottom - self.top

    @property
    def centre_x(self) -> float:
        return (self.x0 + self.x1) / 2

    def shifted(self, dx: float, dy: float) -> "Word":
        """The word moved by (dx, dy) points: a crop's words placed back on the page."""
        return Word(self.text, self.x0 + dx, self.top + dy, self.x1 + dx, self.bottom + dy, self.conf)

    def scaled(self, s: float) -> "Word":
        return Word(self.text, self.x0 * s, self.top * s, self.x1 * s, self.bottom * s, self.conf)


@dataclass
class Line:
    """A line of text with optional position (PDF points, top-left origin) and OCR confidence."""

    text: str
    page: int = 1
    bbox: tuple[float, float, float, float] | None = None
    confidence: float | None = None
    words: list[Word] = field(default_factory=list)  # positioned lines only


@dataclass
class Segment:
    zone: str
    lines: list[Line]
