"""Zones first (GROBID's lesson): cut a Source into the parts of an official letter (Nghị định 30/2020,
Phụ lục I) so each small extractor sees only its part. Ingest already split the page layout into header
columns, body and signature columns; here the text is cut into lines with absolute offsets, the title block
(ô 5a) and the `Kính gửi` list (ô 9a) are found inside the body, and a letter whose layout was flattened (a
portal page, a transcription) still gets its zones from the text alone."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipeline.records import Source
from pipeline.text.patterns import MOTTO, NOI_NHAN, NUMBER_LINE, PLACE_DATE_LINE


@dataclass(frozen=True)
class TextLine:
    """One line of the letter with its absolute offsets in Source.text."""

    text: str  # stripped
    start: int
    end: int

    @property
    def is_caps(self) -> bool:
        letters = [c for c in self.text if c.isalpha()]
        return bool(letters) and sum(c.isupper() for c in letters) >= 0.8 * len(letters)


def lines_of(text: str, start: int, end: int) -> list[TextLine]:
    """The non-empty lines of text[start:end], stripped, with absolute offsets."""
    out = []
    pos = start
    for raw in text[start:end].split("\n"):
        stripped = raw.strip()
        if stripped:
            lead = len(raw) - len(raw.lstrip())
            out.append(TextLine(stripped, pos + lead, pos + lead + len(stripped)))
        pos += len(raw) + 1
    return out


@dataclass(frozen=True)
class LetterZones:
    """The parts of a letter as lines: header columns, body, Nơi nhận, signature."""

    header_left: list
    header_right: list
    body: list
    noi_nhan: list
    signature: list
    text: str
    appendix: list = field(default_factory=list)  # an appendix printed after the signature block


def _zone_lines(source: Source, names: tuple[str, ...]) -> list[TextLine]:
    out: list[TextLine] = []
    for zone in source.zones:
        if zone.name in names:
            out += lines_of(source.text, zone.start, zone.end)
    return out


def _split_flat(lines: list[TextLine]) -> tuple[list, list, list]:
    """A flattened letter: the header is everything up to the date line (or the number line), split into
    the motto lines (right column) and the rest (left column)."""
    limit = min(len(lines), 14)
    end = 0
    for i in range(limit):
        if PLACE_DATE_LINE.match(lines[i].text) or NUMBER_LINE.match(lines[i].text):
            end = i + 1
    if not end:
        return [], [], lines
    header = lines[:end]
    right = [ln for ln in header if MOTTO.search(ln.text) or PLACE_DATE_LINE.match(ln.text)]
    left = [ln for ln in header if ln not in right]
    return left, right, lines[end:]


# An appendix opens with "PHỤ LỤC", or with its title in capitals over the line that ties it to the letter:
# "(Ban hành kèm theo Công văn số 5155/SGDĐT-… ngày …)", "(Kèm theo Quyết định số …)" (ND30 Phụ lục I, mục IV:
# the appendix names the document it belongs to under its heading).
_APPENDIX_OPEN = re.compile(r"(?:Phụ lục|PHỤ LỤC)\b")
_ATTACHED = re.compile(r"[*_\s]*\(\s*(?:[Bb]an hành\s+)?[Kk]èm\s+theo\b")


def appendix_start(lines: list) -> int:
    """Where an appendix begins among the signature block's lines (their count when there is none): at its
    PHỤ LỤC heading, or at the capitals title over its "(Kèm theo …)" line."""
    for i, ln in enumerate(lines):
        if _APPENDIX_OPEN.match(ln.text):
            return i
        if _ATTACHED.match(ln.text):
            while i and _caps_title(lines[i - 1].text):
                i -= 1
            return i
    return len(lines)


def _caps_title(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


def segment_letter(source: Source) -> LetterZones:
    """Lines per zone. Uses the layout's zones when ingest found the header band; otherwise cuts the flat
    text by the genre's landmarks (motto, number and date lines, Nơi nhận)."""
    left = _zone_lines(source, ("header_left",))
    right = _zone_lines(source, ("header_right",))
    body = _zone_lines(source, ("body",))
    noi_nhan = _zone_lines(source, ("signature_left",))
    signature = _zone_lines(source, ("signature_right",))
    if not left and not right:
        left, right, body = _split_flat(body or lines_of(source.text, 0, len(source.text)))
    if not noi_nhan:
        body, noi_nhan, tail_signature = _split_tail(body)
        signature = signature or tail_signature
    closing = sorted(noi_nhan + signature, key=lambda ln: ln.start)
    cut = appendix_start(closing)
    appendix = closing[cut:]
    if appendix:  # the closing zones end where an appendix begins
        noi_nhan = [ln for ln in noi_nhan if ln.start < appendix[0].start]
        signature = [ln for ln in signature if ln.start < appendix[0].start]
    return LetterZones(left, right, body, noi_nhan, signature, source.text, appendix)


def _split_tail(body: list[TextLine]) -> tuple[list, list, list]:
    """Nơi nhận and signature from the end of a flat body: from the last `Nơi nhận:` line on."""
    for i in range(len(body) - 1, -1, -1):
        if NOI_NHAN.match(body[i].text):
            return body[:i], body[i:], []
    return body, [], []
