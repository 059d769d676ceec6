"""The clerk's corrections: stored apart from extraction (table `corrections`), applied when a record is read,
so they win over extraction and survive re-extraction and re-runs. Each change keeps who made it, when, and
the extracted value it replaced. Also the incoming register (sổ đăng ký văn bản đến) read from the
corrected records."""
from __future__ import annotations

import json
import re
import unicodedata

from pipeline.archive.db import folded, now
from pipeline.errors import NotFound, UsageError

# the letter record's fields a clerk may correct (contract: vanban.letter/1)
TEXT_FIELDS = ("number", "symbol", "full_number", "doc_type", "issuer", "parent_issuer", "place", "subject",
               "signer", "signing_authority", "signer_title")
LIST_FIELDS = ("recipients", "distribution")
CORRECTABLE = (*TEXT_FIELDS, "year", "date", *LIST_FIELDS)
CHECKED = "_checked"  # a review with nothing to correct
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def clean(field: str, value):
    """The value as the record holds it (NFC text, int year, ISO date, list of strings), or UsageError."""
    if field not in CORRECTABLE:
        raise UsageError("%(field)r cannot be corrected (fields: %(fields)s)", field=field, fields=", ".join(CORRECTABLE))
    if value is None or (isinstance(value, str) and not value.strip()):
        return [] if field in LIST_FIELDS else None
    if field in LIST_FIELDS:
        items = value.splitlines() if isinstance(value, str) else value
        if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
            raise UsageError("%(field)s: a list of strings, or one item per line", field=field)
        return [unicodedata.normalize("NFC", i.strip()) for i in items if i.strip()]
    if field == "year":
        try:
            year = int(value)
        except (TypeError, ValueError):
            raise UsageError("year: a number such as 2025, not %(value)r", value=value) from None
        if not 1945 <= year <= 2100:
            raise UsageError("year: %(year)d is not a plausible year", year=year)
        return year
    if not isinstance(value, str):
        raise UsageError("%(field)s: text expected", field=field)
    value = unicodedata.normalize("NFC", value.strip())
    if field == "date" and not DATE.match(value):
        raise UsageError("date: YYYY-MM-DD expected, not %(value)r", value=value)
    return value


def latest(archive, doc_ids) -> dict[int, dict[str, dict]]:
    """document id → field → {value, extracted, who, time} of its latest correction."""
    ids = list(doc_ids)
    out: dict[int, dict[str, dict]] = {}
    if not ids:
        return out
    rows = archive.db.execute(
        "SELECT document_id, field, value, extracted, who, time FROM corrections "
        "WHERE document_id IN (SELECT value FROM json_each(?)) ORDER BY id", (json.dumps(ids),))
    for r in rows:
        out.setdefault(r["document_id"], {})[r["field"]] = {
            "value": json.loads(r["value"]), "extracted": json.loads(r["extracted"]), "who": r["who"], "time": r["time"]}
    return out


def extracted_record(archive, doc_id: int) -> dict:
    doc = archive.document(doc_id)
    if doc is None:
        raise NotFound("no archived document has id %(id)s", id=doc_id)
    if doc["record"] is None:
        raise UsageError("document %(id)s is known only by citation (a stub): there is no letter to correct", id=doc_id)
    return doc["record"]


def apply(rec: dict, changes: dict, fields=None) -> dict:
    """`rec` with a document's latest corrections (from `latest`) written over it, in place; with `fields`,
    only those keys."""
    for field, change in changes.items():
        if field != CHECKED and (fields is None or field in fields):
            rec[field] = change["value"]
    return rec


def record(archive, doc_id: int, extracted: dict | None = None) -> dict:
    """The letter record with the clerk's corrections applied, plus `corrections` (field → who/when/what it
    replaced), `checked` (reviewed by a clerk) and `id`. `extracted`: the stored record, when already read."""
    changes = latest(archive, [doc_id]).get(doc_id, {})
    rec = apply(dict(extracted if extracted is not None else extracted_record(archive, doc_id)), changes)
    rec["id"] = doc_id
    rec["corrections"] = {f: c for f, c in changes.items() if f != CHECKED}
    rec["checked"] = bool(changes)
    return rec


def correct(archive, doc_id: int, changes: dict, who: str) -> dict:
    """Store {field: value} (one row per field that differs from what the record shows now); the search
    index follows the corrected values (triggers on corrections, pipeline/archive/schema.py migration 7).
    Returns the corrected record."""
    extracted = extracted_record(archive, doc_id)
    current = record(archive, doc_id, extracted)
    values = {field: clean(field, value) for field, value in changes.items()}
    with archive.transaction():
        when = now()
        for field, value in values.items():
            if value != current.get(field):
                archive.db.execute("INSERT INTO corrections (document_id, field, value, extracted, who, time) "
                                   "VALUES (?, ?, ?, ?, ?, ?)", (doc_id, field, json.dumps(value, ensure_ascii=False),
                                                                 json.dumps(extracted.get(field), ensure_ascii=False), who, when))
        if not changes:
            archive.db.execute("INSERT INTO corrections (document_id, field, value, extracted, who, time) "
                               "VALUES (?, ?, 'true', 'null', ?, ?)", (doc_id, CHECKED, who, when))
        archive.event("correction", None, doc_id, {"who": who, "fields": sorted(values) or [CHECKED]})
    return record(archive, doc_id, extracted)


def reviewed(archive) -> list[int]:
    """Letters a clerk has corrected or marked checked: the growing gold set."""
    return [r[0] for r in archive.db.execute("SELECT DISTINCT document_id FROM corrections ORDER BY document_id")]


def evaluate_corrections(archive):
    """The extractor scored against the clerk's work: every letter a clerk corrected or marked checked is a
    gold record (the extraction with the corrections applied) and its stored extraction the prediction. A
    field the clerk left alone counts as right; references are not corrected at the desk, so they score as
    extracted. Returns pipeline.evaluate.EvalReport."""
    from pipeline.evaluate import DocumentResult, EvalReport

    report = EvalReport(f"corrections in {archive.path}", str(archive.originals))
    for doc_id in reviewed(archive):
        extracted = extracted_record(archive, doc_id)
        gold = {**record(archive, doc_id, extracted), "id": str(doc_id)}
        report.score(gold, extracted, DocumentResult(str(doc_id), (extracted.get("source") or {}).get("path")))
    return report


# -- the incoming register -----------------------------------------------------------------------------------------
REGISTER_COLUMNS = (  # key, the heading of Nghị định 30/2020 Phụ lục IV
    ("received", "Ngày đến"), ("number", "Số đến"), ("issuer", "Tác giả"), ("full_number", "Số, ký hiệu"),
    ("date", "Ngày tháng"), ("title", "Tên loại và trích yếu nội dung"), ("unit", "Đơn vị hoặc người nhận"),
    ("signed", "Ký nhận"), ("note", "Ghi chú"))


def register(archive, year: int | None = None, issuer: str | None = None, doc_type: str | None = None,
             q: str | None = None) -> list[dict]:
    """The register rows of `year` (all years when None) in số đến order, from the corrected records;
    filtered by issuer / type / any text (folded: no diacritics, đ = d)."""
    rows = archive.db.execute(
        "SELECT r.year, r.number, r.document_id, r.received, r.unit, r.note, c.record FROM register r "
        "JOIN contents c ON c.document_id = r.document_id WHERE (? IS NULL OR r.year = ?) ORDER BY r.year, r.number",
        (year, year)).fetchall()
    fixes = latest(archive, [r["document_id"] for r in rows])
    out = []
    for r in rows:
        rec = apply(json.loads(r["record"]) if r["record"] else {}, fixes.get(r["document_id"], {}))
        title = " ".join(x for x in (rec.get("doc_type"), rec.get("subject")) if x)
        row = {"year": r["year"], "number": r["number"], "id": r["document_id"], "key": rec.get("key"),
               "received": r["received"][:10], "issuer": rec.get("issuer"), "full_number": rec.get("full_number"),
               "date": rec.get("date"), "doc_type": rec.get("doc_type"), "subject": rec.get("subject"),
               "title": title, "unit": r["unit"], "signed": None, "note": r["note"]}
        if issuer and folded(issuer) not in folded(row["issuer"]):
            continue
        if doc_type and folded(doc_type) != folded(row["doc_type"]):
            continue
        if q and not all(w in folded(" ".join(str(v) for v in row.values() if v)) for w in folded(q).split()):
            continue
        out.append(row)
    return out


def set_register(archive, doc_id: int, unit: str | None = None, note: str | None = None) -> None:
    with archive.transaction():
        done = archive.db.execute("UPDATE register SET unit = coalesce(?, unit), note = coalesce(?, note) "
                                  "WHERE document_id = ?", (unit, note, doc_id)).rowcount
    if not done:
        raise NotFound("document %(id)s is not in the register", id=doc_id)
