"""Clauses: the unit a relation trigger governs. A clause ends at ';', at a sentence-final '.', at a ':' that
opens a list, or at a line break after such punctuation or before a list item; a PDF line wrap inside a
sentence does not end it. Each clause knows the list it belongs to, so the items of "Bãi bỏ … các nghị định
sau đây:" and the continuation "…; Văn bản số 10699 …" share their opening words (domain.md §6)."""
from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.text.patterns import KINH_GUI_WORDS, NOI_NHAN_WORDS, PREAMBLE_OPENERS, spelled

_ITEM_START = re.compile(r"(?:[-–—+•*]\s+|\d{1,2}(?:\.\d{1,2})*[.)]\s+|[a-zđ][)]\s+|\(\d{1,2}\)\.?\s+|"
                         r"[IVX]{1,4}\.\s+|Điều\s+\d+[a-z]?\.\s*)")
# A period ends a sentence unless it sits inside a number or date (03.12.2007), an abbreviation (TP., Tp.)
# or an ellipsis.
# (a leading character class lets the engine skip ahead to the next candidate instead of trying every branch
# at every position)
_BOUNDARY = re.compile(r"(?=[;.:\n])(?:;|(?<![\d.])(?<!\bTP)(?<!\bTp)(?<!\bVP)(?<!\bTT)\.(?=\s|$)(?!\.)|:(?=\s*\n)|"
                       r"\n(?=\s*(?:" + _ITEM_START.pattern + r"))|[.;:][ \t]*\n|\n\s*\n)")


@dataclass(frozen=True)
class Clause:
    start: int  # offsets of the clause text (list marker excluded)
    end: int
    marker: str  # the list marker it opened with ("1. ", "- ", "Điều 1. ") or ""
    list_intro: int | None  # index of the clause ending with ':' whose list this clause is an item of
    ends_with: str  # the punctuation that closed it


_OPENER_LINE = re.compile(rf"\n(?=[ \t]*(?:{'|'.join(map(spelled, PREAMBLE_OPENERS + (KINH_GUI_WORDS, NOI_NHAN_WORDS)))})\b)")


_CAPS_CANDIDATE = re.compile(r"^[ \t]*[^\W\d_][^\n]{3,149}$", re.MULTILINE)


def _caps_line_ends(text: str, start: int, end: int):
    """Line breaks after a line in capitals (title lines, header lines): they never continue a sentence.
    Such lines are short and open with a capital, which a regex finds without visiting every line."""
    for m in _CAPS_CANDIDATE.finditer(text, start, end):
        if m.end() >= end or not m.group(0).lstrip()[0].isupper():
            continue
        letters = list(filter(str.isalpha, m.group(0)))  # counted in C: most lines are candidates
        if len(letters) >= 4 and sum(map(str.isupper, letters)) >= 0.8 * len(letters):
            yield m.end(), m.end() + 1


def split_clauses(text: str, start: int = 0, end: int | None = None) -> list[Clause]:
    """Clauses of text[start:end], in order, with list membership."""
    end = len(text) if end is None else end
    cuts = {(m.start(), m.end()) for m in _BOUNDARY.finditer(text, start, end)}
    cuts |= {(m.start(), m.end()) for m in _OPENER_LINE.finditer(text, start, end)}
    cuts |= set(_caps_line_ends(text, start, end))
    out: list[Clause] = []
    pos = start
    intro: int | None = None
    for cut_start, cut_end in sorted(cuts):
        if cut_start < pos:
            continue
        _add(out, text, pos, cut_start, text[cut_start:cut_end].strip()[:1], intro)
        pos = cut_end
        if not out:
            continue
        last = out[-1]
        if last.marker.startswith("Điều") or last.marker[:1] in "IVX" and last.marker.strip().endswith("."):
            intro = None  # a new article or part closes any list
        if last.ends_with == ":":
            intro = len(out) - 1
        elif intro is not None and last.list_intro is None and len(out) - 1 > intro:
            intro = None
    _add(out, text, pos, end, "", intro)
    return out


def _add(out: list, text: str, start: int, end: int, closer: str, intro: int | None) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start >= end:
        return
    marker = _ITEM_START.match(text, start)
    marker_text = ""
    if marker and (text[start] in "-–—+•*(" or text[start].isdigit() or text[start] in "IVX" or text[start:start + 4] == "Điều"
                   or text[start + 1:start + 2] == ")"):
        marker_text = marker.group(0)
        start = marker.end()
    heading = marker_text.startswith("Điều")
    belongs = intro if (intro is not None and not heading and (marker_text or starts_with_citation(text, start))) else None
    out.append(Clause(start, end, marker_text, belongs, closer))


_CITATION_OPEN = re.compile(r"(?:các\s+)?(?:[A-ZĐ][\wÀ-ỹ]*\s+){0,3}(?:số\s*:?\s*)?\d+\s*[/-]", re.IGNORECASE)


_NAMED_OPEN = re.compile(r"(?:các\s+)?(?:Bộ luật|Luật|Pháp lệnh|Nghị định|Nghị quyết|Thông tư|Quyết định|Chỉ thị|"
                         r"Văn bản|Công văn|Kế hoạch|Kết luận|Thông báo)\b")


def starts_with_citation(text: str, pos: int) -> bool:
    """The clause opens with a cited document: a number, or a type name that names one."""
    head = text[pos:min(len(text), pos + 60)]
    return bool(_CITATION_OPEN.match(head) or _NAMED_OPEN.match(head))


def clause_at(clauses: list[Clause], pos: int) -> int | None:
    """Index of the clause that contains offset `pos` (binary search)."""
    lo, hi = 0, len(clauses) - 1
    while lo <= hi:
        mid = (lo + hi) // 2
        c = clauses[mid]
        if pos < c.start:
            hi = mid - 1
        elif pos >= c.end:
            lo = mid + 1
        else:
            return mid
    return None
