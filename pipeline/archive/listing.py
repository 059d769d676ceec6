"""Lists of letters for the desk and its API: full-text and field filters over the folded search index
(issuer and type filters ignore diacritics and đ, as `vanban search` does), year and relation over the
tables, corrections applied to what is shown."""
from __future__ import annotations

import re

from pipeline.archive.corrections import apply, latest
from pipeline.archive.db import folded

ITEM_FIELDS = ("id", "key", "full_number", "doc_type", "issuer", "date", "subject", "stub")


def _terms(column: str | None, text: str | None) -> list[str]:
    words = re.findall(r"\w+", folded(text or ""))
    return [f'{column} : "{w}"' if column else f'"{w}"' for w in words]


def find(archive, q: str | None = None, issuer: str | None = None, doc_type: str | None = None,
         year: int | None = None, relation: str | None = None, stubs: bool = False, limit: int = 50,
         offset: int = 0) -> list[dict]:
    """Letters (newest first) matching every given filter; `relation`: letters with a citation of that kind
    in or out (e.g. implements)."""
    match = " ".join(_terms(None, q) + _terms("issuer", issuer) + _terms("doc_type", doc_type))
    sql = ("SELECT d.id, d.key, d.full_number, d.doc_type, d.issuer, d.date, d.subject, d.stub FROM documents d "
           + ("JOIN search s ON s.rowid = d.id AND s.search MATCH ? " if match else "")
           + "WHERE (? OR d.stub = 0) AND (? IS NULL OR d.year = ? OR substr(d.date, 1, 4) = ?) "
           "AND (? IS NULL OR EXISTS (SELECT 1 FROM refs r WHERE r.src_id = d.id AND r.relation = ?) "
           "OR EXISTS (SELECT 1 FROM refs r WHERE r.dst_id = d.id AND r.relation = ?)) "
           "ORDER BY d.date IS NULL, d.date DESC, d.id DESC LIMIT ? OFFSET ?")
    args = ([match] if match else []) + [int(stubs), year, year, str(year) if year else None,
                                         relation, relation, relation, limit, offset]
    items = [dict(zip(ITEM_FIELDS, tuple(r))) for r in archive.db.execute(sql, args)]
    fixes = latest(archive, [i["id"] for i in items])
    for item in items:
        item["stub"] = bool(item["stub"])
        apply(item, fixes.get(item["id"], {}), fields=ITEM_FIELDS)
        item["corrected"] = bool(fixes.get(item["id"]))
    return items
