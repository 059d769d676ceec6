"""Lists of letters for the desk and its API: full-text and field filters over documents_fts (phrases, with
or without diacritics and đ, as `vanban search` finds them; issuer and type filters the same, in their own
columns), year and relation over the tables, corrections applied to what is shown (the index holds the
corrected fields too), the total over all pages and a snippet of the letter's own text."""
from __future__ import annotations

from pipeline.archive.corrections import apply, latest
from pipeline.archive.db import HIGHLIGHT, match_query, snippet_of

ITEM_FIELDS = ("id", "key", "full_number", "doc_type", "issuer", "date", "subject", "stub")


def _where(q, issuer, doc_type, year, relation, stubs) -> tuple[str, str, list]:
    """FROM … WHERE … for the filters, its arguments, and the MATCH expression ('' for none)."""
    match = " AND ".join(m for m in (match_query(q), match_query(issuer, "issuer"), match_query(doc_type, "doc_type")) if m)
    sql = ("FROM documents d " + ("JOIN documents_fts f ON f.rowid = d.id AND documents_fts MATCH ? " if match else "")
           + "WHERE (? OR d.stub = 0) AND (? IS NULL OR d.year = ? OR substr(d.date, 1, 4) = ?) "
           "AND (? IS NULL OR EXISTS (SELECT 1 FROM refs r WHERE r.src_id = d.id AND r.relation = ?) "
           "OR EXISTS (SELECT 1 FROM refs r WHERE r.dst_id = d.id AND r.relation = ?)) ")
    args = ([match] if match else []) + [int(stubs), year, year, str(year) if year else None, relation, relation, relation]
    return sql, match, args


def count(archive, q: str | None = None, issuer: str | None = None, doc_type: str | None = None,
          year: int | None = None, relation: str | None = None, stubs: bool = False) -> int:
    """How many letters `find` lists with these filters, over all pages."""
    sql, _, args = _where(q, issuer, doc_type, year, relation, stubs)
    return archive.db.execute("SELECT count(*) " + sql, args).fetchone()[0]


def find(archive, q: str | None = None, issuer: str | None = None, doc_type: str | None = None,
         year: int | None = None, relation: str | None = None, stubs: bool = False, limit: int = 50,
         offset: int = 0, marks: tuple[str, str] = ("[", "]")) -> list[dict]:
    """Letters (newest first) matching every given filter (phrases in `q`, `issuer`, `doc_type`, as
    `vanban search` reads them); `relation`: letters with a citation of that kind in or out (e.g. implements).
    With `q`, each has `snippet`: the letter's own words around the first match, between `marks`."""
    sql, match, args = _where(q, issuer, doc_type, year, relation, stubs)
    marked = q and match_query(q)
    rows = archive.db.execute(
        "SELECT d.id, d.key, d.full_number, d.doc_type, d.issuer, d.date, d.subject, d.stub"
        + (f", {HIGHLIGHT} " if marked else " ") + sql + "ORDER BY d.date IS NULL, d.date DESC, d.id DESC LIMIT ? OFFSET ?",
        args + [limit, offset]).fetchall()
    items = [dict(zip(ITEM_FIELDS, tuple(r))) | ({"snippet": snippet_of(r, marks)} if marked else {}) for r in rows]
    fixes = latest(archive, [i["id"] for i in items])
    for item in items:
        item["stub"] = bool(item["stub"])
        apply(item, fixes.get(item["id"], {}), fields=ITEM_FIELDS)
        item["corrected"] = bool(fixes.get(item["id"]))
    return items
