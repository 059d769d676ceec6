"""Frozen records that cross stage boundaries (stdlib only).

Coordinates are PDF points with the origin at the top-left of the page (y grows downwards), so the
same numbers work for pdfium, pdfplumber and OCR boxes (pixels / dpi * 72).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace

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


@dataclass(frozen=True)
class Reference:
    """One document a letter cites (contract: "A reference"). `number` is None for a law cited by name."""

    full_number: str | None
    number: str | None
    symbol: str | None
    year: int | None
    date: str | None  # ISO
    doc_type: str | None
    issuer: str | None
    relation: str  # contract vocabulary: legal_basis, implements, …, refers_to
    key: str | None
    text: str  # the clause it came from
    start: int  # offsets of the citation itself in the extracted text
    end: int
    name: str | None = None  # "Luật Tổ chức Chính phủ" when cited by name
    trigger: str | None = None  # the phrase that decided the relation
    scope: str | None = None  # amends/replaces/repeals/terminates: "whole" or the parts named (nlp/validity.py)
    effective: str | None = None  # ISO: the date the sentence gives the act itself ("hết hiệu lực kể từ ngày …")

    def to_json(self) -> dict:
        d = asdict(self)
        d["numbered"] = self.number is not None
        return d


LETTER_FIELDS = ("number", "symbol", "full_number", "year", "doc_type", "issuer", "parent_issuer", "place",
                 "date", "subject", "recipients", "distribution", "signer", "signing_authority", "signer_title")


@dataclass(frozen=True)
class Letter:
    """What the nlp stage read from a Source (the contract's letter record, schema vanban.letter/1)."""

    source: Source
    key: str | None = None
    number: str | None = None
    symbol: str | None = None
    full_number: str | None = None
    year: int | None = None
    doc_type: str | None = None
    issuer: str | None = None
    parent_issuer: str | None = None
    place: str | None = None
    date: str | None = None
    subject: str | None = None
    recipients: tuple[str, ...] = ()
    distribution: tuple[str, ...] = ()
    signer: str | None = None
    signing_authority: str | None = None
    signer_title: str | None = None
    references: tuple[Reference, ...] = ()
    abbreviations: dict = field(default_factory=dict)  # "CCHC" → "cải cách hành chính"
    warnings: tuple[str, ...] = ()
    spans: dict = field(default_factory=dict)  # field → [start, end] (lists: one pair per item)
    confidence: dict = field(default_factory=dict)  # field → 0..1 where OCR or a guess was involved
    effective_date: str | None = None  # ISO: when the letter takes effect, as its text states (nlp/validity.py)
    language: str = "vi"  # "en": an English translation of the document (nlp/translation.py)

    def read_from(self, path: str) -> "Letter":
        """The same letter with its source's path set to where it really came from (a worker read a copy)."""
        return replace(self, source=replace(self.source, path=path))

    def to_json(self) -> dict:
        """The `vanban extract` record."""
        src = self.source
        record = {"schema": "vanban.letter/1", "key": self.key,
                  "source": {"path": src.path, "sha256": src.sha256, "format": src.format, "pages": len(src.pages),
                             "ocr": src.ocr, "encoding": src.encoding}}
        for name in LETTER_FIELDS:
            value = getattr(self, name)
            record[name] = list(value) if isinstance(value, tuple) else value
        record["references"] = [r.to_json() for r in self.references]
        record["abbreviations"] = dict(self.abbreviations)
        record["warnings"] = list(self.warnings)
        record["spans"] = dict(self.spans)
        record["confidence"] = dict(self.confidence)
        record["effective_date"] = self.effective_date
        record["language"] = self.language
        return record
