"""Frozen records that cross stage boundaries (stdlib only).

Coordinates are PDF points with the origin at the top-left of the page (y grows downwards), so the
same numbers work for pdfium, pdfplumber and OCR boxes (pixels / dpi * 72).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

BBox = tuple[float, float, float, float]  # x0, top, x1, bottom


@dataclass(frozen=True)
class Page:
    """One page of the source: its size and where its text sits in `Source.text`."""

    number: int  # 1-based
    start: int
    end: int
    width: float | None = None
    height: float | None = None
    ocr: bool = False
    ocr_confidence: float | None = None  # mean word confidence 0..1 when OCR'd


@dataclass(frozen=True)
class Block:
    """A line of text with its position: the unit the layout step orders and the extractor cites."""

    text: str
    start: int  # offsets into Source.text
    end: int
    page: int
    zone: str  # "header_left" | "header_right" | "body" | "signature_left" | "signature_right"
    bbox: BBox | None = None
    confidence: float | None = None  # OCR confidence 0..1, None for a text layer


@dataclass(frozen=True)
class Zone:
    """A contiguous span of `Source.text` with a layout role (ND30 Phụ lục I zones, coarse)."""

    name: str
    start: int
    end: int


@dataclass(frozen=True)
class Stamp:
    """A value the text layer left blank and the rendered page showed (e-office signing stamps)."""

    field: str  # "number" | "day" | "month"
    value: str
    page: int
    bbox: BBox
    confidence: float


@dataclass(frozen=True)
class Source:
    """What ingest read from one file: normalised NFC text plus layout and provenance."""

    path: str
    sha256: str
    format: str  # pdf | docx | doc | txt | html | image
    text: str
    pages: tuple[Page, ...] = ()
    blocks: tuple[Block, ...] = ()
    zones: tuple[Zone, ...] = ()
    encoding: str | None = None
    engine: str | None = None
    ocr: bool = False
    ocr_confidence: float | None = None
    stamps: tuple[Stamp, ...] = ()
    warnings: tuple[str, ...] = ()
    meta: dict = field(default_factory=dict)

    def zone_text(self, name: str) -> str:
        """The text of every zone called `name`, joined by newlines."""
        return "\n".join(self.text[z.start:z.end] for z in self.zones if z.name == name)

    def to_json(self) -> dict:
        """The `vanban text --json` object (schema vanban.source/1)."""
        d = asdict(self)
        return {"schema": "vanban.source/1", **d}
