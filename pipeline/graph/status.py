"""A document's validity at a date, inferred from what the documents say (contract: `vanban graph status KEY
[--at YYYY-MM-DD]`): its own effective date (documents.effective_date) and the amends, replaces, repeals and
terminates edges that point at it (refs.scope, refs.effective; both read by nlp/validity.py).

When an act takes effect: on the date its sentence gives the act itself ("Nghị định số 70/2010/NĐ-CP hết hiệu lực
kể từ ngày 01 tháng 7 năm 2026": refs.effective), else when the citing document takes effect (its effective_date;
"kể từ ngày ký" already gives the date of signing there, so "Nghị định số 70/2010/NĐ-CP … hết hiệu lực kể từ
ngày Nghị định này có hiệu lực thi hành" ends 70/2010 on the citing decree's effective date). A citing document
whose text states no effective date gives an act of unknown timing: its evidence has `effective: null`. It never
takes effect before the citing document was signed, or with no date of signing, before 1 January of the year its
number carries (`not_before`; retroactive effect is not inferred).

The status of document X at date D, first rule that holds:

| rule                                                                                 | status            | since |
|--------------------------------------------------------------------------------------|-------------------|-------|
| X's own effective_date > D (or, with no effective date, its date of signing > D)     | not_yet_in_force  | null  |
| a whole-scope repeals, replaces or terminates effective ≤ D                          | repealed / replaced (the earliest one's relation) | its effective date |
| a part-scope repeals or terminates effective ≤ D                                     | partly_repealed   | the earliest |
| an amends (or a part-scope replaces: "thay thế cụm từ …", "thay thế Phụ lục II") effective ≤ D | amended  | the earliest |
| X held with a known date, or a stub some act points at, and nothing above            | in_force          | X's effective date (else its date; a stub: null) |
| otherwise (a stub no act points at; a held document with no date at all)             | unknown           | null  |

Conservative where timing is unknown: an act of unknown timing whose `not_before` is on or before D (or unknown) that would end the
document or part of it (repeals, replaces, terminates), where the known acts leave it in force or amended, makes
the status `unknown` (with a `note` naming it); an amendment of unknown timing leaves the status as it is (in
force either way) and is only listed. `by` lists every act that points at X, whether in effect at D or not
(`applies`), earliest first.

Archives filed before the extractor read effective dates and scopes are read lazily: a record without the
`effective_date` field has it read from its stored text, an act edge without a scope from its stored sentence.
"""
from __future__ import annotations

import json
from datetime import date as _date

from pipeline.graph.base import cursor, require, snapshot
from pipeline.nlp.validity import act_date, effective_date, scope_of

STATUSES = ("in_force", "amended", "partly_repealed", "repealed", "replaced", "not_yet_in_force", "unknown")
IN_FORCE = frozenset({"in_force", "amended", "partly_repealed"})
_ENDS = ("repeals", "replaces", "terminates")
_RANK = {"in_force": 0, "amended": 1, "partly_repealed": 2, "repealed": 3, "replaced": 3}
_ACTS_SQL = "('amends', 'replaces', 'repeals', 'terminates')"


def today() -> str:
    return _date.today().isoformat()


def _own_rows(db, ids: list[int]) -> dict[int, dict]:
    """id → {id, key, stub, date, doc_type, effective_date}; the text is read only for a record filed before
    effective dates were read (json_type of a missing field is NULL; of a JSON null, 'null')."""
    sql = ("SELECT d.id, d.key, d.stub, d.date, d.doc_type, d.effective_date, "
           "CASE WHEN c.record IS NOT NULL AND json_type(c.record, '$.effective_date') IS NULL THEN c.text END "
           "FROM documents d LEFT JOIN contents c ON c.document_id = d.id "
           "WHERE d.id IN (SELECT value FROM json_each(?))")
    out = {}
    for id_, key, stub, signed, doc_type, effective, old_text in cursor(db).execute(sql, (json.dumps(ids),)):
        if effective is None and old_text:
            effective = effective_date(old_text, signed, doc_type)[0]
        out[id_] = {"id": id_, "key": key, "stub": bool(stub), "date": signed, "doc_type": doc_type,
                    "effective_date": effective}
    return out


def _acts(db, ids: list[int]) -> dict[int, list[dict]]:
    """dst id → the act edges into it, with the citing document's dates."""
    sql = (f"SELECT r.dst_id, r.src_id, r.relation, r.scope, r.effective, r.text, r.full_number, "
           f"s.key, s.full_number, s.date, s.effective_date, s.doc_type, s.year, "
           f"CASE WHEN c.record IS NOT NULL AND json_type(c.record, '$.effective_date') IS NULL THEN c.text END "
           f"FROM refs r JOIN documents s ON s.id = r.src_id LEFT JOIN contents c ON c.document_id = s.id "
           f"WHERE r.dst_id IN (SELECT value FROM json_each(?)) AND r.relation IN {_ACTS_SQL}")
    out: dict[int, list[dict]] = {}
    for (dst, src, relation, scope, own_date, sentence, cited_as, key, number, signed, effective, doc_type, year,
         old_text) in cursor(db).execute(sql, (json.dumps(ids),)):
        if scope is None:  # filed before scopes were read
            scope = scope_of(relation, sentence or "", cited_as)
            own_date = act_date(relation, sentence or "", cited_as)
        if effective is None and old_text:
            effective = effective_date(old_text, signed, doc_type)[0]
        out.setdefault(dst, []).append({
            "id": src, "key": key, "full_number": number, "relation": relation, "scope": scope,
            "effective": own_date or effective, "signed": signed, "sentence": " ".join((sentence or "").split()),
            "not_before": signed or (f"{year:04d}-01-01" if year else None)})
    return out


def _weight(act: dict) -> int:
    """What an act would make of the document: 3 ends it, 2 ends part of it, 1 amends it."""
    if act["relation"] in _ENDS and act["scope"] == "whole":
        return 3
    return 2 if act["relation"] in ("repeals", "terminates") else 1


def decide(own: dict, acts: list[dict], at: str) -> dict:
    """The status of one document at `at` (ISO) from its own row and the acts pointing at it (the table above)."""
    by = sorted((dict(a, applies=bool(a["effective"] and a["effective"] <= at)) for a in acts),
                key=lambda a: (a["effective"] is None, a["effective"] or "", a["key"] or "", a["id"]))
    result = {"id": own["id"], "key": own["key"], "status": "unknown", "since": None, "at": at,
              "effective_date": own["effective_date"], "stub": own["stub"], "by": by}
    begins = own["effective_date"] or own["date"]
    if begins and begins > at:
        result["status"] = "not_yet_in_force"
        return result
    applied = [a for a in by if a["applies"]]
    ends = [a for a in applied if a["relation"] in _ENDS and a["scope"] == "whole"]
    parts = [a for a in applied if a["relation"] in ("repeals", "terminates") and a["scope"] != "whole"]
    amends = [a for a in applied if a["relation"] == "amends" or a["relation"] == "replaces" and a["scope"] != "whole"]
    if ends:
        result["status"] = "replaced" if ends[0]["relation"] == "replaces" else "repealed"
        result["since"] = ends[0]["effective"]
        return result
    if parts:
        result["status"], result["since"] = "partly_repealed", parts[0]["effective"]
    elif amends:
        result["status"], result["since"] = "amended", amends[0]["effective"]
    elif (not own["stub"] and begins) or (own["stub"] and by):
        result["status"], result["since"] = "in_force", None if own["stub"] else begins
    else:
        return result
    doubt = [a for a in by if a["effective"] is None and (a["not_before"] is None or a["not_before"] <= at)
             and _weight(a) >= 2 and _weight(a) > _RANK[result["status"]]]
    if doubt:
        a = doubt[0]
        result["note"] = (f"{a['relation']} ({a['scope']}) by {a['full_number'] or a['key'] or 'document #' + str(a['id'])}, signed {a['signed'] or '(no date)'}: "
                          f"its text states no effective date, so whether it applies on {at} is not known")
        result["status"], result["since"] = "unknown", None
    return result


def statuses(db, ids, at: str | None = None) -> dict[int, dict]:
    """id → the status record at `at` (default today) for many documents: two queries, whatever their number."""
    at = at or today()
    ids = sorted(set(ids))
    with snapshot(db):
        own, acts = _own_rows(db, ids), _acts(db, ids)
    return {i: decide(own[i], acts.get(i, []), at) for i in ids if i in own}


def status(db, doc_id: int, at: str | None = None) -> dict:
    """The contract's record: {"key", "status", "since", "by": [{"key", "relation", "scope", "effective",
    "sentence"}, …]} (plus id, at, effective_date, stub, and a note when timing is unknown)."""
    require(db, doc_id)
    return statuses(db, [doc_id], at)[doc_id]


def check_date(value: str | None) -> str | None:
    """An ISO date as given (YYYY-MM-DD), or ValueError."""
    return None if value is None else _date.fromisoformat(value).isoformat()


LABELS_VI = {"in_force": "còn hiệu lực", "amended": "còn hiệu lực, đã được sửa đổi, bổ sung",
             "partly_repealed": "hết hiệu lực một phần", "repealed": "đã bị bãi bỏ, hết hiệu lực toàn bộ",
             "replaced": "đã bị thay thế, hết hiệu lực toàn bộ", "not_yet_in_force": "chưa có hiệu lực",
             "unknown": "chưa xác định"}
RELATIONS_VI = {"amends": "sửa đổi, bổ sung", "replaces": "thay thế", "repeals": "bãi bỏ", "terminates": "quy định hết hiệu lực"}


def vi_date(iso: str | None) -> str:
    """dd/mm/yyyy, as Vietnamese pages print a date."""
    return f"{iso[8:10]}/{iso[5:7]}/{iso[:4]}" if iso else ""


def summary_vi(record: dict) -> str:
    """The desk's line: "đã bị bãi bỏ, hết hiệu lực toàn bộ từ 01/07/2026 bởi 45/2026/NĐ-CP"."""
    text = LABELS_VI[record["status"]]
    if record["status"] == "not_yet_in_force" and record["effective_date"]:
        return f"{text} (có hiệu lực từ {vi_date(record['effective_date'])})"
    if record["status"] == "in_force" and record["since"]:
        return f"{text} (từ {vi_date(record['since'])})"
    if record["since"] and record["status"] != "in_force":
        first = next((a for a in record["by"] if a["applies"] and a["effective"] == record["since"]), None)
        by = f" bởi {first['full_number'] or first['key']}" if first and (first["full_number"] or first["key"]) else ""
        return f"{text} từ {vi_date(record['since'])}{by}"
    return text


def format_status(record: dict) -> str:
    """The table form: one line for the status, one per act."""
    name = record["key"] or f"id {record['id']}"
    since = f" since {record['since']}" if record["since"] else ""
    lines = [f"{name}  {record['status']}{since}  (at {record['at']}; effective {record['effective_date'] or 'not stated'})"]
    if record.get("note"):
        lines.append(f"  note: {record['note']}")
    for a in record["by"]:
        sentence = a["sentence"] if len(a["sentence"]) <= 160 else a["sentence"][:157] + "…"
        lines.append(f"  {'*' if a['applies'] else ' '} {a['relation']:<10} {a['scope']:<20} from {a['effective'] or 'unknown':<10}  "
                     f"{a['full_number'] or a['key'] or 'document #' + str(a['id'])}: {sentence}")
    if not record["by"]:
        lines.append("  nothing in the archive amends, replaces or repeals it")
    return "\n".join(lines)
