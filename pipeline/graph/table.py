"""The plain-text table the CLI prints for graph queries (`--json` prints the records themselves)."""
from __future__ import annotations

import unicodedata

STUB_MARK = "stub"


def width(text: str) -> int:
    """Columns a string takes in a terminal: combining marks (a decomposed diacritic) take none."""
    return sum(0 if unicodedata.combining(ch) else 1 for ch in text)


def _pad(text: str, n: int) -> str:
    return text + " " * (n - width(text))


def _relation(row: dict) -> str:
    """A path step shows which way the citation goes: → the previous document cites this one, ← this one
    cites the previous."""
    rel = row.get("relation") or ""
    step = row.get("step")
    if rel and step:
        return ("→ " if step == "cites" else "← ") + rel
    return rel


def _score(row: dict) -> str:
    score = row.get("score")
    if isinstance(score, float):
        return f"{score:.6f}"
    return "" if score is None else str(score)


def _cells(row: dict, extra: list[str]) -> list[str]:
    number = row.get("full_number") or row.get("key") or f"#{row.get('id')} (no number)"
    cells = ["" if row.get("depth") is None else str(row["depth"]), _relation(row), number,
             row.get("doc_type") or "", row.get("date") or "", row.get("issuer") or "",
             STUB_MARK if row.get("stub") else ""]
    if "score" in extra:
        cells.insert(0, _score(row))
    if "cited_by" in extra:
        cells.insert(0, str(row.get("cited_by", "")))
    return cells


def format_table(rows: list[dict]) -> str:
    """An aligned table: depth, relation, number, type, date, issuer, and a stub marker; `top` and `missing`
    answers get their score / cited_by count first. Empty columns are dropped; no rows → a short notice."""
    if not rows:
        return "(no documents)"
    # top(by="cited") gives both, equal: the count says it better
    extra = next(([k] for k in ("cited_by", "score") if any(k in r for r in rows)), [])
    header = ["depth", "relation", "number", "type", "date", "issuer", ""]
    if "score" in extra:
        header.insert(0, "score")
    if "cited_by" in extra:
        header.insert(0, "cited_by")
    table = [header] + [_cells(r, extra) for r in rows]
    keep = [i for i in range(len(header)) if any(line[i] for line in table[1:])]
    table = [[line[i] for i in keep] for line in table]
    widths = [max(width(line[i]) for line in table) for i in range(len(keep))]
    return "\n".join("  ".join(_pad(c, w) for c, w in zip(line, widths)).rstrip() for line in table)
