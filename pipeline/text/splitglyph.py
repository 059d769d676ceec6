"""Repair of letters split by a renderer (domain.md §10.14): vbpl.vn draws some accented letters as separate
glyphs, and text copied from those pages reads `CHÍNH PH Ủ`, `Hà N ội, ng ày`, `S ố: 309/2025/NĐ-CP`,
`Tr ầ n Thanh M ẫ n`. A Vietnamese syllable never starts with a bare consonant cluster standing alone, so a
lone onset (`PH`, `N`, `ng`, `S`) followed by an accented vowel is one word, and a lone accented vowel
followed by a lone final (`n`, `ng`, `nh`) is one word.

The repair of syllables runs only on a text that shows the pattern in its first lines (at least two such splits
in the header), so a letter that happens to contain "Phụ lục V Ủy ban" is never touched.

Numbers and dates split by the same renderer are repaired in every portal text (the TXT and HTML readers), even
where the pattern shows once (`Số: 78 /202 5 /TT-BCA`, `ngày 1 5 tháng 1 1 năm 202 5`), by the rules of the genre
rather than by the look of the page: a year is four digits, 19xx or 20xx; a normative number is N/YYYY/CODE
(domain.md §3) and is printed after "số" (`Nghị định số 9 4 /20 22 /NĐ-CP`, `Số: 2 95 /2025/NĐ-CP`); a day is at
most 31 and a month at most 12, each printed between "ngày", "tháng" and "năm". Only digits split by single spaces
inside those shapes are joined: a list number before a number ("1 94/2022/NĐ-CP", no "số") or two years side by
side ("2025 2026") are left as printed."""
from __future__ import annotations

import re

_ONSET = r"(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnpqrstvx])"
_ACCENTED = "àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ"  # vowels with a mark; đ is a consonant
_ACCENTED_ALL = _ACCENTED + _ACCENTED.upper()
_LONE_ONSET = re.compile(rf"(?<![^\W\d_])({_ONSET}) (?=[{_ACCENTED_ALL}])", re.IGNORECASE)
# finals only: a lone vowel is a word of its own ("Bộ Y tế")
_LONE_FINAL = re.compile(rf"(?<=[{_ACCENTED_ALL}]) (ng|nh|ch|[cmnpt])(?![^\W\d_])", re.IGNORECASE)
_SPLIT_NUMBER_LINE = re.compile(r"^(\s*Số\s*:)(.*)$", re.MULTILINE)

_H = r"[ \t]"  # the renderer splits inside a line, never across lines
_GROUP = r"[A-ZĐ][A-Za-zĐđ0-9&]*"
# Between symbol groups: a dash (spaces around it tolerated), or the space the renderer put before a lone capital
# ("TT-BNNM T"), after one ("TT- B TNMT"), or inside a legislature term ("QH1 5").
_SYMBOL_GAP = (rf"{_H}*[-\u2013\u2014]{_H}*|{_H}(?=[A-ZĐ](?![\w&]))|(?<=[-\u2013\u2014 \t][A-ZĐ]){_H}(?=[A-ZĐ])"
               rf"|(?<=QH\d){_H}(?=\d(?!\w))")
_SPLIT_NUMBER = re.compile(
    rf"(?P<lead>(?<![^\W\d_])(?:số|Số|SỐ){_H}*:?{_H}*)"
    rf"(?P<num>\d{{1,4}}(?:{_H}\d{{1,3}})*){_H}*/{_H}*(?P<year>\d(?:{_H}?\d){{3}})(?!\d){_H}*/{_H}*"
    rf"(?P<sym>{_GROUP}(?:(?:{_SYMBOL_GAP})[A-Za-zĐđ0-9&]+)*)")
_SYMBOL_DASH = re.compile(rf"{_H}*[-\u2013\u2014]{_H}*")
_YEAR = re.compile(r"(?:19|20)\d\d")
_SPLIT_DATE = re.compile(
    rf"(?<![^\W\d_])(?P<d_word>ngày){_H}+(?P<day>\d(?:{_H}?\d)?)(?!\d){_H}+(?P<m_word>tháng){_H}+"
    rf"(?P<month>\d(?:{_H}?\d)?)(?!\d){_H}+(?P<y_word>năm){_H}+(?P<year>\d(?:{_H}?\d){{3}})(?!\d)", re.IGNORECASE)
_SPLIT_YEAR = re.compile(rf"(?<![^\W\d_])(?P<word>năm){_H}+(?P<year>\d{{1,3}}(?:{_H}\d{{1,3}})+)(?!\d)", re.IGNORECASE)


def has_split_glyphs(text: str) -> bool:
    return len(_LONE_ONSET.findall(text[:600])) >= 2  # a lone onset is the sure sign: no syllable is one


def repair_split_glyphs(text: str, *, known_split: bool | None = None) -> str:
    """Join the split syllables of a renderer-split text; other texts come back unchanged.
    `known_split`: the caller already found the pattern in the whole document (a line at a time); False: it
    found none (only numbers and dates are repaired); None: look at the text's first lines.
    Split numbers and dates are repaired in every text (`repair_split_numbers`)."""
    if known_split or known_split is None and has_split_glyphs(text):
        text = _LONE_FINAL.sub(r"\1", _LONE_ONSET.sub(r"\1", text))
        # the number line of such pages is split inside digits and codes too: "Số: 90 /20 25 /TT-BNNM T"
        text = _SPLIT_NUMBER_LINE.sub(lambda m: m.group(1) + " " + re.sub(r"\s+", "", m.group(2)), text)
    return repair_split_numbers(text)


def _joined(digits: str) -> str:
    return re.sub(r"\s", "", digits)


def _number(m: re.Match) -> str:
    year = _joined(m["year"])
    if not _YEAR.fullmatch(year) or m["num"] == _joined(m["num"]) and m["year"] == year:
        return m.group(0)  # not a year, or nothing split: as printed
    symbol = re.sub(rf"{_H}+", "", _SYMBOL_DASH.sub("-", m["sym"]))
    return f"{m['lead']}{_joined(m['num'])}/{year}/{symbol}"


def _date(m: re.Match) -> str:
    day, month, year = _joined(m["day"]), _joined(m["month"]), _joined(m["year"])
    if not (1 <= int(day) <= 31 and 1 <= int(month) <= 12 and _YEAR.fullmatch(year)):
        return m.group(0)
    return f"{m['d_word']} {day} {m['m_word']} {month} {m['y_word']} {year}"


def _year(m: re.Match) -> str:
    year = _joined(m["year"])
    return f"{m['word']} {year}" if _YEAR.fullmatch(year) else m.group(0)


def repair_split_numbers(text: str) -> str:
    """`Số: 78 /202 5 /TT-BCA` → `Số: 78/2025/TT-BCA`; `ngày 1 5 tháng 1 1 năm 202 5` → `ngày 15 tháng 11 năm
    2025`; `năm 20 2 5` → `năm 2025`. Numbers that are not split, and digits that cannot join into a year, a
    day or a month, come back as printed."""
    if not re.search(r"\d[ \t]\d", text):
        return text
    text = _SPLIT_NUMBER.sub(_number, text)
    text = _SPLIT_DATE.sub(_date, text)
    return _SPLIT_YEAR.sub(_year, text)
