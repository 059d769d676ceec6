"""Dates as Vietnamese letters print them (domain.md §7): `ngày 05 tháng 01 năm 2024`, `ngày 29/3/2023`,
`03.12.2007`, `ngày15 tháng 5`; always day-month-year. Footnote digits glued to a month (`tháng 54` in a real
letter means May with footnote 4) are dropped when the calendar says so. Blank parts (`ngày   tháng 7 năm
2026`, `ngày … tháng … năm 20…`) give no date but keep what is printed."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date as _date

# Between the parts: blanks of a draft, or up to a few characters OCR made of a handwritten digit ("0Â").
# OCR reads 1 as l or I next to a digit ("ngày l6"), and "tháng" as "thắng".
_D = r"(?:\d{1,3}|[lI|]\d|\d[lI|])"
_WORDS = re.compile(rf"ngày\s*(?P<d>{_D})?(?:[\s.…_]|[^\s\d]{{1,3}}(?=\s))*th[áaắ]ng\s*(?P<m>{_D})?"
                    r"(?:[\s.…_]|[^\s\d]{1,3}(?=\s))*năm\s*(?:(?P<y>(?:19|20)\d\d)|(?:19|20)?[.…_]+)?", re.IGNORECASE)
# A printed blank of a draft or template ("ngày … tháng … năm 20…", "ngày ... tháng ... năm ..."): the date is
# there, only unfilled; "ngày tháng năm sinh" (a form's field label) has no blank and is not a date.
_BLANK = re.compile(r"[…_]|\.\.")
_NUMERIC = re.compile(r"(?<![\d/.])(?P<d>\d{1,2})\s*(?P<sep>[/.\-])\s*(?P<m>\d{1,2})\s*(?P=sep)\s*"
                      r"(?P<y>(?:19|20)\d\d)(?!\d)")


_OCR_ONE = str.maketrans({"l": "1", "I": "1", "|": "1"})


@dataclass(frozen=True)
class FoundDate:
    iso: str | None  # None when a part is blank or the calendar rejects it
    year: int | None
    month: int | None
    day: int | None
    start: int
    end: int


def _part(value: str | None, upper: int) -> int | None:
    """'54' as a month is 5 with a footnote 4; '151' as a day is 15 with footnote 1."""
    if not value:
        return None
    n = int(value.translate(_OCR_ONE))
    while n > upper and n >= 10:
        n //= 10
    return n if 1 <= n <= upper else None


def _found(match: re.Match) -> FoundDate:
    day, month = _part(match.group("d"), 31), _part(match.group("m"), 12)
    year = int(match.group("y")) if match.group("y") else None
    iso = None
    if day and month and year:
        try:
            iso = _date(year, month, day).isoformat()
        except ValueError:
            iso = None
    return FoundDate(iso, year, month, day, match.start(), match.end())


def find_dates(text: str) -> list[FoundDate]:
    """Every date in `text` (worded and numeric), in order."""
    found = [_found(m) for m in _WORDS.finditer(text)
             if m.group("d") or m.group("m") or m.group("y") or _BLANK.search(m.group(0))]
    found += [_found(m) for m in _NUMERIC.finditer(text)]
    return sorted(found, key=lambda d: d.start)


def date_after(text: str, pos: int, window: int = 40) -> FoundDate | None:
    """The date that starts within `window` characters after `pos`, introduced by 'ngày' or directly."""
    head = text[pos:pos + window + 40]
    m = re.match(r"[\s,(]*(?:ban hành\s+|đã ban hành\s+)?(?=ngày|\d)", head, re.IGNORECASE)
    if not m or m.end() > window:
        return None
    for pattern in (_WORDS, re.compile(r"(?:ngày\s*)?" + _NUMERIC.pattern, re.IGNORECASE)):
        hit = pattern.match(head, m.end())
        if hit and (hit.group("d") or hit.group("m")):
            found = _found(hit)
            return FoundDate(found.iso, found.year, found.month, found.day, pos + hit.start(), pos + hit.end())
    return None
