"""What people type, resolved to archived documents (contract: `vanban show KEY`): the one resolver behind
`show`, every `graph` command, the desk's pages and its API. It accepts

    an id                    42 (a number too large for SQLite's INTEGER is no id: not found)
    a key                    as vanban prints it, or in any case, with Đ or D, spaces, dashes, leading zeros
    a number as printed      649/UBND-KSTTHC, 30/2020/ND-CP, 30/2020/NĐ-CP, 05 / 2026 / QĐ – TTg, 5/2026/qđ-ttg
    a type word and number   Thông tư 3/2026/TT-BKHCN, Nghị định số 30/2020/NĐ-CP ngày 05/3/2020
    a type and short number  Nghị định 30/2020, NĐ 30/2020, Thông tư 04/2016, TT 4/2016, Nghị định 30

Leading zeros never matter (`5/2026` = `05/2026`: domain.md §3, §10.6), nor does Đ/D or the case of a code.
Several answers → `Ambiguous` with the candidates; none → `NotFound`."""
from __future__ import annotations

import re

from pipeline.errors import Ambiguous, NotFound, UsageError
from pipeline.nlp.keys import canonical_key, fold_number
from pipeline.nlp.lexicon import load_lexicon
from pipeline.nlp.numbers import DocNumber, parse_number
from pipeline.text.normalize import ascii_fold, fold, normalize_text

_SHORT = re.compile(r"^\s*(?P<type>[^\d/]+?)\s*(?:số\s*:?\s*)?(?P<num>\d+)(?:\s*/\s*(?P<year>(?:19|20)\d\d))?\s*$",
                    re.IGNORECASE)
_ABBR_TYPES = {"ND": "Nghị định", "TT": "Thông tư", "QD": "Quyết định", "NQ": "Nghị quyết", "CT": "Chỉ thị",
               "KH": "Kế hoạch", "CV": "Công văn", "TTLT": "Thông tư liên tịch"}
_SO = re.compile(r"\s*(?:số|so)\s*:?\s*$", re.IGNORECASE)  # "Nghị định số 30/2020/NĐ-CP"
_AFTER = re.compile(r"\s*,?\s*(?:ngày|ngay|của|cua)\b", re.IGNORECASE)  # a pasted citation's tail: date, issuer
_MAX_ID = 2 ** 63 - 1  # SQLite's INTEGER
# The number as stored compared without its leading zeros; migration 6 indexes this very expression.
_NUMBER = "ltrim(number, '0')"


def _rows(db, where: str, args: tuple) -> list[dict]:
    return [dict(r) for r in db.execute(
        f"SELECT id, key, full_number, number, symbol, year, doc_type, issuer, date, stub FROM documents "
        f"WHERE {where} ORDER BY stub, id", args)]


def _public(row: dict) -> dict:
    return {k: row[k] for k in ("id", "key", "full_number", "doc_type", "issuer", "date", "stub")}


def _typed_number(text: str) -> DocNumber | None:
    """The document number in what was typed, when the rest is at most a type word (and "số") before it and a
    citation's tail ("ngày …", "của …") after it: 'Thông tư 3/2026/TT-BKHCN' → 3/2026/TT-BKHCN."""
    for candidate in (text, text.upper()):  # people type "30/2020/nđ-cp": the grammar wants capitals
        n = parse_number(candidate)
        if n is None or n.number is None:
            continue
        before = _SO.sub("", candidate[:n.start]).strip()
        after = candidate[n.end:]
        if (not before or _known_type(before)) and (not after.strip() or _AFTER.match(after)):
            return n
    return None


def _code(symbol: str | None) -> str:
    return fold(symbol or "").replace(" ", "")


def _same_number(row: dict, n: DocNumber, wanted: str) -> bool:
    """The row's printed number is the typed one, folded; or the typed one is the row's key form of an
    administrative number (649/2023/UBND-KSTTHC: the year its date gives, which the print lacks). Symbols are
    compared first: rows that share only the digits cost one cached fold each."""
    if not row["full_number"] or _code(row["symbol"]) != _code(n.symbol):
        return False
    if fold_number(row["full_number"]) == wanted:
        return True
    undated = fold_number(row["full_number"]) == fold_number(f"{row['number']}/{row['symbol']}")
    return bool(n.year and undated and row["year"] == n.year
                and fold_number(f"{row['number']}/{n.year}/{row['symbol']}") == wanted)


def _by_number(db, text: str) -> list[dict]:
    n = _typed_number(text)
    if n is None:
        return []
    wanted = fold_number(n.full_number)
    rows = _rows(db, f"{_NUMBER} = ?", (n.number.lstrip("0"),))
    return [r for r in rows if _same_number(r, n, wanted)]


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
    year = int(m.group("year")) if m.group("year") else None
    rows = _rows(db, f"{_NUMBER} = ?" + (" AND year = ?" if year else ""),
                 (m.group("num").lstrip("0"),) + ((year,) if year else ()))
    code = next((c for c, name in lex.type_by_code.items() if name == doc_type), None)
    return [r for r in rows if r["doc_type"] == doc_type
            or (code and r["full_number"] and code in fold(r["full_number"]).replace(" ", ""))]


def resolve(db, query: str) -> dict:
    """The one document row `query` names: {id, key, full_number, doc_type, issuer, date, stub}."""
    text = normalize_text(query).strip()
    if not text:
        raise UsageError("give a document: an id, a key or a number (e.g. 30/2020/NĐ-CP, \"Nghị định 30/2020\")")
    if re.fullmatch(r"[0-9]+", text):  # an id; digits that no INTEGER can hold are none
        rows = _rows(db, "id = ?", (int(text),)) if int(text) <= _MAX_ID else []
        if rows:
            return _public(rows[0])
    for key in dict.fromkeys((text, canonical_key(text))):
        rows = _rows(db, "key = ?", (key,))
        if rows:
            return _public(rows[0])
    for finder in (_by_number, _by_type_and_number):
        found = [_public(r) for r in finder(db, text)]
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            raise Ambiguous(query, found)
    raise NotFound("no archived document answers to %(query)r", query=query)
