"""Abbreviations a letter defines for itself: 'cải cách hành chính (CCHC)', 'cụm công nghiệp (CCN)'. The
Schwartz-Hearst idea: the letters of the short form are the initials of the words just before the
brackets, in order; Vietnamese initials are compared without diacritics (Đ → D)."""
from __future__ import annotations

import re

from pipeline.text.normalize import ascii_fold

_DEFINITION = re.compile(r"\((?P<short>[A-ZĐ][A-Za-zĐđ&]{1,11})\)")
_WORD = re.compile(r"[^\W\d_]+")


def _initials(words: list[str]) -> str:
    return "".join(ascii_fold(w)[0] for w in words)


def find_abbreviations(text: str) -> dict[str, str]:
    """Short form → long form, first definition wins."""
    found: dict[str, str] = {}
    for m in _DEFINITION.finditer(text):
        short = m.group("short")
        letters = ascii_fold(short).replace("&", "")
        if short in found or len(letters) < 2:
            continue
        before = text[max(0, m.start() - 160):m.start()]
        words = list(_WORD.finditer(before))
        for n in range(len(letters), min(len(letters) + 3, len(words)) + 1):
            chosen = words[-n:]
            if _initials([w.group(0) for w in chosen if w.group(0).lower() not in ("và", "của")]) == letters:
                long_form = before[chosen[0].start():].strip()
                if "\n" not in long_form:
                    found[short] = long_form
                break
    return found
