"""Is the file a letter at all? The batch files official documents; an HTML error page saved as .pdf, a
shopping list or a photograph is quarantined as `not_a_letter` (issue 15 #8) instead of becoming a document.

The rule is the genre's, and it is strict in the letter's favour: a file is refused only when the reader
found none of the record's facts (number, date, issuer, type, signer, cited documents) AND its whole text
shows no trace of the genre anywhere (domain.md): no document number (§3: own or cited, 15/QĐ-UBND,
30/2020/NĐ-CP), no date as letters print them (§7), no motto (§1), no line opening with a formula of the
genre (Số:, Kính gửi, Căn cứ, V/v, Điều 1, Chương I, Nơi nhận, KT./TM./TL./TUQ./Q.), no document type or
issuing body named in the text (Quyết định, Công văn, Ủy ban nhân dân…), and none of an English translation's
headings (DECREE, Pursuant to, Article 1). One trace is enough to file the file, with its warning.
Over the 954 documents of the shared corpus (dev, dev2, vbpl) the rule refuses only the 25 vbpl pages that
read "Văn bản không tồn tại / Về trang chủ" (the portal's "no such document" page).
"""
from __future__ import annotations

import re
from functools import lru_cache

from pipeline.nlp.dates import find_dates
from pipeline.nlp.lexicon import load_lexicon
from pipeline.nlp.numbers import find_numbers
from pipeline.text.normalize import fold
from pipeline.text.patterns import AUTHORITY_PREFIXES, KINH_GUI, MOTTO, NOI_NHAN, NUMBER_LINE

_FORMULA = re.compile(r"^\s*(?:C[ăa]n\s+c[ứu]|V/v|V[ềe]\s+vi[ệe]c|Đi[ềe]u\s+\d|Ch[ươ]{1,2}ng\s+[IVXLC\d]+\b|"
                      rf"(?:{AUTHORITY_PREFIXES})\.\s)", re.IGNORECASE | re.MULTILINE)
_ENGLISH = re.compile(r"^\s*(?:(?:JOINT\s+)?(?:DECREE|DECISION|CIRCULAR|RESOLUTION|LAW|ORDINANCE|DIRECTIVE|ORDER)\b|"
                      r"(?i:pursuant\s+to\b|article\s+\d|chapter\s+[IVXLC\d]+\b))", re.MULTILINE)
MESSAGE = "not an official letter: no number, date, motto, formula, document type or issuer of the genre anywhere"


@lru_cache(maxsize=1)
def _named() -> re.Pattern:
    """Document types (but the bare 'Văn bản', any text's word) and issuing bodies of more than one word
    (Ủy ban nhân dân, Chính phủ; 'Bộ' or 'Sở' alone are ordinary words), as whole words of the folded text."""
    lex = load_lexicon()
    names = {fold(n) for n in lex.type_names if fold(n) != fold("Văn bản")}
    names |= {h for h in lex.issuer_heads if " " in h or h in (fold("UBND"), fold("HĐND"))}
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)) + r")(?!\w)")


def has_trace_of_the_genre(text: str) -> bool:
    """True when `text` shows any landmark of an official document (see the module's docstring)."""
    if MOTTO.search(text) or _FORMULA.search(text) or _ENGLISH.search(text):
        return True
    if any(NUMBER_LINE.match(ln) or KINH_GUI.match(ln) or NOI_NHAN.match(ln) for ln in text.splitlines()):
        return True
    return bool(find_numbers(text) or find_dates(text) or _named().search(fold(text)))


def not_a_letter(letter) -> str | None:
    """Why the batch must not file `letter` (a Letter) as a document, or None when it is one."""
    facts = (letter.number, letter.full_number, letter.symbol, letter.date, letter.year, letter.issuer,
             letter.doc_type, letter.signer, letter.subject, letter.references)
    if any(facts) or has_trace_of_the_genre(letter.source.text):
        return None
    return MESSAGE
