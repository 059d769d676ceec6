"""Repair of letters split by a renderer (domain.md §10.14): vbpl.vn draws some accented letters as separate
glyphs, and text copied from those pages reads `CHÍNH PH Ủ`, `Hà N ội, ng ày`, `S ố: 309/2025/NĐ-CP`,
`Tr ầ n Thanh M ẫ n`. A Vietnamese syllable never starts with a bare consonant cluster standing alone, so a
lone onset (`PH`, `N`, `ng`, `S`) followed by an accented vowel is one word, and a lone accented vowel
followed by a lone final (`n`, `ng`, `nh`) is one word.

The repair runs only on a text that shows the pattern in its first lines (at least two such splits in the
header), so a letter that happens to contain "Phụ lục V Ủy ban" is never touched."""
from __future__ import annotations

import re

_ONSET = r"(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnpqrstvx])"
_ACCENTED = "àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ"  # vowels with a mark; đ is a consonant
_ACCENTED_ALL = _ACCENTED + _ACCENTED.upper()
_LONE_ONSET = re.compile(rf"(?<![^\W\d_])({_ONSET}) (?=[{_ACCENTED_ALL}])", re.IGNORECASE)
# finals only: a lone vowel is a word of its own ("Bộ Y tế")
_LONE_FINAL = re.compile(rf"(?<=[{_ACCENTED_ALL}]) (ng|nh|ch|[cmnpt])(?![^\W\d_])", re.IGNORECASE)
_SPLIT_NUMBER_LINE = re.compile(r"^(\s*Số\s*:)(.*)$", re.MULTILINE)


def has_split_glyphs(text: str) -> bool:
    return len(_LONE_ONSET.findall(text[:600])) >= 2  # a lone onset is the sure sign: no syllable is one


def repair_split_glyphs(text: str, *, known_split: bool = False) -> str:
    """Join the split syllables of a renderer-split text; other texts come back unchanged.
    `known_split`: the caller already found the pattern in the whole document (a line at a time)."""
    if not (known_split or has_split_glyphs(text)):
        return text
    text = _LONE_FINAL.sub(r"\1", _LONE_ONSET.sub(r"\1", text))
    # the number line of such pages is split inside digits and codes too: "Số: 90 /20 25 /TT-BNNM T"
    return _SPLIT_NUMBER_LINE.sub(lambda m: m.group(1) + " " + re.sub(r"\s+", "", m.group(2)), text)
