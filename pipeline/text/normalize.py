"""Text hygiene (domain.md §10): one `normalize_text` for what people see, `fold` for comparison keys.

`normalize_text` only repairs what no printed letter intends (decomposed accents, look-alike code points,
invisible characters, odd spaces, typographic hyphens that are not dashes): the letter's wording, case and
tone-mark style stay as printed. `fold` and `ascii_fold` make matching keys and never replace display text.
"""
from __future__ import annotations

import re
from functools import lru_cache
import unicodedata

# Characters that look like ours but are other code points. Icelandic Ð/ð stand in for Đ/đ in Word and
# PDF text (domain.md §10.4); Ƣ/ƣ (OI) are what old Vietnamese fonts map Ư/ư to (seen in a real e-office
# PDF: "BỘ CÔNG THƢƠNG").
_LOOKALIKES = str.maketrans({
    "\u00d0": "Đ", "\u00f0": "đ", "\u01a2": "Ư", "\u01a3": "ư",
    # hyphen-like characters that are not typographic dashes: the official separator is "-" (PL I 3c)
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2212": "-", "\ufe63": "-", "\uff0d": "-",
    # slash variants
    "\uff0f": "/", "\u2044": "/", "\u2215": "/",
    # odd spaces
    "\u00a0": " ", "\u2007": " ", "\u2009": " ", "\u200a": " ", "\u202f": " ", "\u2002": " ",
    "\u2003": " ", "\u3000": " ", "\t": " ", "\x0b": " ", "\x0c": "\n",
    # invisible characters
    "\u200b": None, "\u200c": None, "\u200d": None, "\u2060": None, "\ufeff": None, "\u00ad": None,
    "\x00": None,
})
# Remaining C0/C1 control characters (keep \n).
_CONTROLS = re.compile(r"[\x01-\x08\x0e-\x1f\x7f-\x9f]")
# pdfium returns U+FFFE where a PDF draws a hyphen inside a symbol ("2257/QĐ\uFFFEUBND", domain.md §10.14).
_PDFIUM_HYPHEN = re.compile(r"(?<=\w)\ufffe(?=\w)")

# Cyrillic and Greek capitals that render exactly like Latin ones (domain.md §10.13: "TT-BTС" with a
# Cyrillic С in real national texts). Replaced only inside words that also hold Latin letters.
_HOMOGLYPHS = str.maketrans({
    "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P", "С": "C", "Т": "T",
    "Х": "X", "а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "х": "x", "у": "y",
    "Α": "A", "Β": "B", "Ε": "E", "Κ": "K", "Μ": "M", "Ν": "N", "Ο": "O", "Ρ": "P", "Τ": "T", "Χ": "X",
})
_MIXED_SCRIPT_WORD = re.compile(r"\w*[\u0370-\u03ff\u0400-\u04ff]\w*")
_GREEK_OR_CYRILLIC = re.compile(r"[\u0370-\u03ff\u0400-\u04ff]")
_HAS_LOOKALIKE = re.compile("[" + re.escape("".join(map(chr, _LOOKALIKES))) + "]")
_LATIN = re.compile(r"[A-Za-z]")


def _fix_homoglyphs(match: re.Match) -> str:
    word = match.group(0)
    return word.translate(_HOMOGLYPHS) if _LATIN.search(word) else word


def normalize_text(text: str) -> str:
    """NFC text with look-alikes, odd spaces, invisible and control characters repaired; line ends as \\n.
    Steps that find nothing to do are skipped after a quick search: translate and the mixed-script scan cost
    far more than looking (most text has neither look-alikes nor Greek or Cyrillic letters)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = unicodedata.normalize("NFC", text)
    if "\ufffe" in text:
        text = _PDFIUM_HYPHEN.sub("-", text).replace("\ufffe", "")
    if _HAS_LOOKALIKE.search(text):
        text = text.translate(_LOOKALIKES)
    text = _CONTROLS.sub("", text)
    if _GREEK_OR_CYRILLIC.search(text):
        text = _MIXED_SCRIPT_WORD.sub(_fix_homoglyphs, text)
    return unicodedata.normalize("NFC", text)


# Tone placement (domain.md §10.2): "new" style marks the second vowel of an open oa/oe/uy (hoà, thuỷ),
# "traditional" the first (hòa, thủy). Keys use the traditional style. Only word-final clusters (no final
# consonant) and never after qu-/gi- onsets (quý, quỹ stay).
_TONES = ("\u0300", "\u0301", "\u0309", "\u0303", "\u0323")
_NEW_TO_OLD = {}
for _a, _b in (("o", "a"), ("o", "e"), ("u", "y")):
    for _tone in _TONES:
        for _x, _y in ((_a, _b), (_a.upper(), _b.upper()), (_a.upper(), _b)):
            _NEW_TO_OLD[_x + unicodedata.normalize("NFC", _y + _tone)] = unicodedata.normalize("NFC", _x + _tone) + _y
_NEW_STYLE = re.compile(r"(?<![^\W\d_])(\w*?)(" + "|".join(sorted(_NEW_TO_OLD)) + r")(?![^\W\d_])")


def _old_style(match: re.Match) -> str:
    onset, cluster = match.group(1), match.group(2)
    if onset.lower().endswith(("q", "g")) and cluster[0] in "uUoO":  # qu-, gi- onsets keep their mark
        return match.group(0)
    return onset + _NEW_TO_OLD[cluster]


def tone_style_traditional(text: str) -> str:
    """hoà→hòa, thuỷ→thủy, Uỷ→Ủy; leaves quý, hoàn and everything else as it is."""
    return _NEW_STYLE.sub(_old_style, unicodedata.normalize("NFC", text))


_DASHES = re.compile(r"\s*[-\u2013\u2014]\s*")
_SLASHES = re.compile(r"\s*/\s*")
_SPACES = re.compile(r"\s+")
_D_FOLD = str.maketrans({"Đ": "D", "đ": "D", "Ð": "D", "ð": "D"})


@lru_cache(maxsize=1 << 16)  # keys repeat (type names, codes, issuers): fold each once
def fold(text: str) -> str:
    """Comparison key that keeps diacritics: NFC, look-alikes, traditional tone placement, upper case,
    Đ→D, dashes and slashes without spaces, single spaces. `fold("Quyết định 15 / QĐ – UBND")`
    == `fold("QUYẾT ĐỊNH 15/QD-UBND")`."""
    text = tone_style_traditional(normalize_text(text)).upper().translate(_D_FOLD)
    text = _SLASHES.sub("/", _DASHES.sub("-", text))
    return _SPACES.sub(" ", text).strip()


def ascii_fold(text: str) -> str:
    """`fold` without any diacritic: the key for diacritic-insensitive search ("dao tao" ~ "đào tạo")."""
    decomposed = unicodedata.normalize("NFD", fold(text))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


# What full-text search folds itself: SQLite FTS5's `unicode61 remove_diacritics 2` tokenizer removes every
# Vietnamese tone and vowel mark (ấ, ờ, ự → a, o, u; hoà = hòa) and lowers the case, but keeps đ (a letter of
# its own, not d with a mark). The archive's index (pipeline/archive/schema.py, view documents_search) holds
# each text twice: as printed, and with these four letters replaced by the same SQL replace(); queries get the
# same replacement here.
D_STROKE = {"đ": "d", "Đ": "D", "\u00f0": "d", "\u00d0": "D"}
_D_STROKE = str.maketrans(D_STROKE)


def fold_d(text: str) -> str:
    """Đ→D, đ→d (and the look-alike Icelandic Ð/ð), nothing else: one character for one, so offsets in the
    result are offsets in `text`. `fold_d("Đào tạo")` == "Dào tạo"."""
    return text.translate(_D_STROKE)
