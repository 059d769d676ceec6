"""The signature block (ô 7a-7c; domain.md §8): read upward from the name. Authority lines open with a
prefix (TM., KT., TL., TUQ., Q.) and join as 'TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH'; the signer's title is
the capitals line(s) right above the name; ranks and academic titles printed before a name (Thượng tướng)
are not the name; '(Đã ký)' and page numbers are noise. underthesea's tagger confirms which words of the
name line are a proper name when a rank the lexicon does not know sits in front of it."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipeline.nlp.lexicon import Lexicon
from pipeline.nlp.segment import TextLine
from pipeline.text.patterns import AUTHORITY_PREFIX as _PREFIX, NOI_NHAN, TITLE_WORDS

_NOISE = re.compile(r"^\(?\s*(đã ký|ký\b|ký tên|chữ ký|đóng dấu|signature|ký bởi)|^\d{1,3}$|^[\W_]+$", re.IGNORECASE)
_NAME_WORD = re.compile(r"^[A-ZĐÂĂÊÔƠƯÁÀẢÃẠẤẦẨẪẬẮẰẲẴẶÉÈẺẼẸẾỀỂỄỆÍÌỈĨỊÓÒỎÕỌỐỒỔỖỘỚỜỞỠỢÚÙỦŨỤỨỪỬỮỰÝỲỶỸỴ][a-zđàáảãạâấầẩẫậăắằẳẵặèéẻẽẹêếềểễệìíỉĩịòóỏõọôốồổỗộơớờởỡợùúủũụưứừửữựỳýỷỹỵ]+$")


@dataclass
class Signature:
    signer: str | None = None
    signing_authority: str | None = None
    signer_title: str | None = None
    spans: dict = field(default_factory=dict)


def _is_name(text: str) -> bool:
    words = text.split()
    return 2 <= len(words) <= 6 and all(_NAME_WORD.match(w) for w in words)


def _strip_rank(ln: TextLine, lex: Lexicon) -> TextLine:
    """'Thượng tướng Lê Huy Vịnh' → 'Lê Huy Vịnh' (lexicon first, then underthesea's proper-noun tags)."""
    text = ln.text
    for rank in lex.ranks:
        if text.lower().startswith(rank.lower() + " "):
            rest = text[len(rank):].lstrip()
            return TextLine(rest, ln.end - len(rest), ln.end)
    words = text.split()
    if len(words) >= 4 and words[0] not in lex.surnames:
        from pipeline.nlp.vi import proper_name_tail
        tail = proper_name_tail(text)
        if tail and tail != text:
            return TextLine(tail, ln.end - len(tail), ln.end)
    return ln


def _trimmed(ln: TextLine) -> TextLine:
    """A line without the specks OCR reads around it ("`. Minh Hà :")."""
    m = re.match(r"^[`'.,:_\s]*(.*?)(?:\s+[`'.:]+)?$", ln.text)
    text = m.group(1)
    return TextLine(text, ln.start + m.start(1), ln.start + m.end(1)) if text and text != ln.text else ln


def _name_line(lines: list[TextLine], lex: Lexicon) -> int | None:
    for i in range(len(lines) - 1, -1, -1):
        candidate = _strip_rank(_trimmed(lines[i]), lex)
        first, _, rest = candidate.text.partition(" ")
        if not lines[i].is_caps and (_is_name(candidate.text) or _cut_surname(first, lex) and _is_name(rest)):
            return i  # "hạm Minh Hà": a family name without its first letter, restored by restore_surname
    # Some offices print the name in capitals ("NGUYỄN VĂN AN"): the last capitals line that reads as a name
    # once title-cased and opens with a family name (a title line never does: PHÓ, CHỦ, GIÁM …).
    for i in range(len(lines) - 1, -1, -1):
        words = lines[i].text.split()
        if (lines[i].is_caps and not _PREFIX.match(lines[i].text) and words and words[0].title() in lex.surnames
                and _is_name(" ".join(w.title() for w in words))):
            return i
    return None


def _cut_surname(word: str, lex: Lexicon) -> str | None:
    """The one common family name that is `word` with its first letter lost ("hạm" → Phạm), else None."""
    if len(word) < 2 or not word.isalpha() or not word.islower():
        return None
    same = [s for s in lex.surnames | lex.other_surnames if s[1:] == word]
    return same[0] if len(same) == 1 and same[0] in lex.surnames else None


def restore_surname(name: str, lex: Lexicon) -> str | None:
    """An OCR'd signer whose family name came out with a wrong diacritic ("Lễ Thị Bích Thuận") or without its
    first letter ("hạm Minh Hà", the seal or the signature over it): when the first word is no family name
    the lexicon knows and exactly one common family name has its letters once diacritics are removed (or is
    the word with one letter before it), the name with that family name ("Lê Thị Bích Thuận", "Phạm Minh
    Hà"); otherwise None."""
    from pipeline.text.normalize import ascii_fold

    first, _, rest = name.partition(" ")
    if not rest or first in lex.surnames or first in lex.other_surnames:
        return None
    if cut := _cut_surname(first, lex):
        return f"{cut} {rest}"
    key = ascii_fold(first)
    same = [s for s in lex.surnames | lex.other_surnames if ascii_fold(s) == key]
    return f"{same[0]} {rest}" if len(same) == 1 and same[0] in lex.surnames else None


def read_signature(lines: list[TextLine], lex: Lexicon) -> Signature:
    """Signer, authority and title from the signature column's lines (top to bottom)."""
    sig = Signature()
    lines = [ln for ln in lines if not _NOISE.search(ln.text) and not NOI_NHAN.match(ln.text)]
    at = _name_line(lines, lex)
    if at is not None:
        name = _strip_rank(_trimmed(lines[at]), lex)
        sig.signer = _with_cut_surname(name.text, lines[at + 1:at + 2], lex)
        sig.spans["signer"] = [name.start, name.end]
    # No name (the seal or the signature over it): the authority and title lines above are still the letter's.
    above = [ln for ln in lines[:at if at is not None else len(lines)] if ln.is_caps]
    if at is None:
        above = above[next((i for i, ln in enumerate(above) if _PREFIX.match(ln.text)), len(above)):]
        above = [ln for ln in above if _PREFIX.match(ln.text) or TITLE_WORDS.search(ln.text) and len(ln.text) <= 40]
    authority = [ln for ln in above if _PREFIX.match(ln.text)]
    title = [ln for ln in above if not _PREFIX.match(ln.text)]
    if authority:
        sig.signing_authority = " / ".join(normal_prefix(ln.text) for ln in authority)
        sig.spans["signing_authority"] = [authority[0].start, authority[-1].end]
        last = above.index(authority[-1])
        title = [ln for ln in above[last + 1:]]
    if title:
        sig.signer_title = " ".join(ln.text for ln in title)
        sig.spans["signer_title"] = [title[0].start, title[-1].end]
    return sig


def _with_cut_surname(name: str, below: list[TextLine], lex: Lexicon) -> str:
    """A name whose family name lost its first letter and went to a line of its own below ("Minh Hà" over
    "hạm"): the fragment in front, as OCR read it ("hạm Minh Hà"; restore_surname writes the family name)."""
    first = name.split()[0]
    if below and first not in lex.surnames | lex.other_surnames and _cut_surname(below[0].text.strip(), lex):
        return f"{below[0].text.strip()} {name}"
    return name


def normal_prefix(text: str) -> str:
    """'T/M ỦY BAN' → 'TM. ỦY BAN'; 'KT CHỦ TỊCH' → 'KT. CHỦ TỊCH'."""
    m = _PREFIX.match(text)
    prefix = m.group(1).replace("/", "")
    return f"{prefix}. {text[m.end():].strip()}"


def signature_from_tail(body: list[TextLine], lex: Lexicon) -> Signature:
    """A flat letter without a signature column or Nơi nhận: the last authority line (TM., KT. …) of the
    body with what follows it, else the last capitals line followed by a name, else the last lines."""
    for i in range(len(body) - 1, -1, -1):
        if body[i].is_caps and _PREFIX.match(body[i].text):
            while i and body[i - 1].is_caps and _PREFIX.match(body[i - 1].text):
                i -= 1
            return read_signature(body[i:i + 7], lex)
    for i in range(len(body) - 2, -1, -1):
        if body[i].is_caps and len(body[i].text) < 60 and any(_is_name(ln.text) for ln in body[i + 1:i + 4]):
            return read_signature(body[i:i + 4], lex)
    return read_signature(body[-8:], lex)
