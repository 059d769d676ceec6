"""What people type, resolved to archived documents (contract: `vanban show KEY`): a key as printed by
vanban, a number as printed on paper (`649/UBND-KSTTHC`, `30/2020/ND-CP`, `30/2020/NĐ-CP`), or a type and a
short number (`Nghị định 30/2020`, `NĐ 30/2020`, `Thông tư 04/2016`). Several answers → `Ambiguous` with the
candidates; none → `NotFound`."""
from __future__ import annotations

import re

from pipeline.errors import Ambiguous, NotFound
from pipeline.nlp.keys import fold_number
from pipeline.nlp.lexicon import load_lexicon
from pipeline.nlp.numbers import parse_number
from pipeline.text.normalize import ascii_fold, fold, normalize_text

_SHORT = re.compile(r"^\s*(?P<type>[^\d/]+?)\s*(?:số\s*)?(?P<num>\d+)(?:\s*/\s*(?P<year>(?:19|20)\d\d))?\s*$", re.IGNORECASE)
_ABBR_TYPES = {"ND": "Nghị định", "TT": "Thông tư", "QD": "Quyết định", "NQ": "Nghị quyết", "CT": "Chỉ thị",
               "KH": "Kế hoạch", "CV": "Công văn", "TTLT": "Thông tư liên tịch"}


def _rows(db, where: str, args: tuple) -> list[dict]:
    return [dict(r) for r in db.execute(
        f"SELECT id, key, full_number, doc_type, issuer, date, stub FROM documents WHERE {where} ORDER BY stub, id", args)]


def _by_number(db, text: str) -> list[dict]:
    n = parse_number(text) or parse_number(text.upper())  # people type "30/2020/nđ-cp"; keys compare folded
    if n is None or n.number is None:
        return []
    wanted = fold_number(n.full_number)
    rows = _rows(db, "number IN (?, ?)", (n.number, n.number.lstrip("0") or "0"))
    return [r for r in rows if r["full_number"] and fold_number(r["full_number"]) == wanted]


def _known_type(typed: str) -> str | None:
    """'nghi dinh', 'NĐ', 'Nghị Định' → 'Nghị định' (the stored spelling); None when it names no type."""
    lex = load_lexicon()
    name = lex.type_for_name(typed.strip().rstrip("."))
    if name:
        return name
    key = fold(typed).replace(" ", "").replace(".", "")
    if key in _ABBR_TYPES:
        return _ABBR_TYPES[key]
    plain = ascii_fold(typed).replace(" ", "")
    return next((n for n in lex.type_names if ascii_fold(n).replace(" ", "") == plain), None)


def type_name(typed: str) -> str:
    """The stored spelling of a type as people write it; unknown text is returned as typed."""
    return _known_type(typed) or typed


def _by_type_and_number(db, text: str) -> list[dict]:
    m = _SHORT.match(text)
    if not m:
        return []
    lex = load_lexicon()
    doc_type = _known_type(m.group("type"))
    if doc_type is None:
        return []
    num = m.group("num")
    rows = _rows(db, "number IN (?, ?)" + (" AND year = ?" if m.group("year") else ""),
                 (num, num.lstrip("0") or "0") + ((int(m.group("year")),) if m.group("year") else ()))
    code = next((c for c, name in lex.type_by_code.items() if name == doc_type), None)
    return [r for r in rows if r["doc_type"] == doc_type
            or (code and r["full_number"] and code in fold(r["full_number"]).replace(" ", ""))]


def resolve(db, query: str) -> dict:
    """The one document row `query` names."""
    text = normalize_text(query).strip()
    row = db.execute("SELECT id FROM documents WHERE key = ?", (text,)).fetchone()
    if row:
        return _rows(db, "id = ?", (row[0],))[0]
    if text.isdigit():
        rows = _rows(db, "id = ?", (int(text),))
        if rows:
            return rows[0]
    for finder in (_by_number, _by_type_and_number):
        found = finder(db, text)
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            raise Ambiguous(query, found)
    raise NotFound(f"no archived document answers to {query!r}")
