"""English translations of Vietnamese legal documents (issue 17: a portal translation is linked to its original).

vbpl.vn publishes English translations beside the originals, and the Official Gazette's English edition prints
the same shapes. A translation is not another document: it is one more source of its original, under the
original's key, with its language recorded. What identifies it is the title line right under the type
heading (or at the very top, with no heading) that names the type it is:
    `DECREE` / `Decree No. 82/2011/ND-CP of September 16, 2011, on execution by lethal injection`
Any other number (the body's "Decree No. …", a title's own wrapped lines "… of the Government's Decree / No.
07/2007/ND-CP of January 12, 2007, …") is a document it cites; under a RESOLUTION heading, `Order No.
16/2011/L-CTN …` is the President's order promulgating it: the type differs, so it is not the resolution's
number. Most of vbpl.vn's English pages print no such line (184 of the 219 in ../shared/corpus/vbpl): such a
translation cannot tell from its text which document it translates, and is filed unlinked with a warning (as
is one whose number needs its issuer to be a key: a joint circular of bodies with no code of their own).

The symbol keeps the translation's ASCII spelling (ND-CP); the key folds Đ to D, so it is the original's key.
The date is the title's (`of September 16, 2011`), else, for a law or a resolution, the day it was passed
(`This Law was passed on June 20, 2017`, at the end). The type heading names the type (lexicon:
doc_types.json `english`); the line after it (or the title's rest) is the subject, in English as printed.
Issuer, signer and citations are not read from a translation: the original's record gives them.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace

from pipeline.nlp.lexicon import Lexicon
from pipeline.nlp.numbers import DocNumber, parse_number
from pipeline.text.legacy import is_english

OPENING = 3000  # characters judged for the language: the header and the opening, before any appendix
HEAD_LINES = 6  # the number line, the heading and the title come before these many non-blank lines end

_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
           "november", "december")
_DATE = r"(?P<month>" + "|".join(_MONTHS) + r")\s+(?P<day>\d{1,2})\s*,\s*(?P<year>(?:19|20)\d\d)"
_NUMBER = r"(?P<number>\d{1,5}(?:\s*/\s*(?:19|20)\d\d)?\s*/\s*[A-ZĐ][A-Za-zĐđ0-9&]*(?:\s*-\s*[A-ZĐ][A-Za-zĐđ0-9&]*)*)"
_TITLE = re.compile(r"^(?:The\s+)?(?P<type>[A-Za-z]+(?:\s+[A-Za-z]+)?)\s+No\.?\s*" + _NUMBER +
                    r"(?![\w/])[,\s]*(?:(?:of|dated)\s+" + _DATE + r")?[,\s]*(?P<rest>.*)$", re.I)
_PASSED = re.compile(r"\bwas (?:passed|adopted)\s+(?:on\s+)?" + _DATE, re.I)
_RULE = re.compile(r"^[_\-=.]{3,}$")
_BODY = re.compile(r"^(?:-\s*)?(?:Pursuant to|Based on|At the proposal|Article 1\b|Chapter I\b)", re.I)


@dataclass(frozen=True)
class Translation:
    """What an English translation prints of its own identity."""

    number: DocNumber | None
    doc_type: str | None  # the ND30 name (Nghị định) of the type it names
    date: str | None  # ISO
    subject: str | None  # in English, as printed
    spans: dict  # field → [start, end] in the text


def read_translation(text: str, lex: Lexicon) -> Translation | None:
    """The translation's own fields, or None when `text` is not English."""
    if not is_english(text[:OPENING]):
        return None
    lines = [(m.start(), m.group().strip()) for m in re.finditer(r"[^\n]+", text) if m.group().strip()]
    head = []
    for line in lines:
        if _BODY.match(line[1]) or len(head) == HEAD_LINES:
            break
        head.append(line)
    spans: dict = {}
    doc_type = number = date = subject = None
    heading = next((i for i, (_, t) in enumerate(head) if t.isupper() and t.lower() in lex.type_by_english), None)
    if heading is not None:
        doc_type = lex.type_by_english[head[heading][1].lower()]
        spans["doc_type"] = [head[heading][0], head[heading][0] + len(head[heading][1])]
    title = head[heading + 1:heading + 2] if heading is not None else head[:2]
    for start, line in title:
        m = _TITLE.match(line)
        named = lex.type_by_english.get(m.group("type").lower()) if m else None
        if m and named and (doc_type is None or named == doc_type):
            doc_type = doc_type or named
            number = _number(m, start)
            date = _iso(m) if m.group("month") else None
            subject = m.group("rest").rstrip(" .;") or None
            if subject:
                spans["subject"] = [start + m.start("rest"), start + m.start("rest") + len(subject)]
            break
    else:
        below = head[heading + 1][1] if heading is not None and heading + 1 < len(head) else None
        if below and not _RULE.match(below) and not _TITLE.match(below):  # not another document's title
            start, subject = head[heading + 1]
            spans["subject"] = [start, start + len(subject)]
    if date is None and doc_type in ("Luật", "Bộ luật", "Nghị quyết", "Pháp lệnh", "Hiến pháp"):
        passed = list(_PASSED.finditer(text[-OPENING:]))
        date = _iso(passed[-1]) if passed else None
    if number is not None:
        spans["number"] = [number.start, number.end]
    return Translation(number, doc_type, date, subject, spans)


def _number(m: re.Match, offset: int) -> DocNumber | None:
    """The title's number, placed where the text prints it."""
    found = parse_number(re.sub(r"\s+", "", m.group("number")))
    return found and replace(found, start=offset + m.start("number"), end=offset + m.end("number"))


def _iso(m: re.Match) -> str | None:
    month, day, year = _MONTHS.index(m.group("month").lower()) + 1, int(m.group("day")), int(m.group("year"))
    return f"{year:04d}-{month:02d}-{day:02d}" if 1 <= day <= 31 else None
