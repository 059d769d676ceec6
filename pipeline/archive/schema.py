"""The archive's schema as numbered migrations (sqlite-utils style: small, ordered, recorded in
`schema_migrations`). Plain tables with readable names and foreign keys, so Datasette and sqlite-utils open
the database as it is.

documents   one row per document identity: a letter we hold (stub = 0) or a document known only because
            something cites it (stub = 1). `key` is the contract's document key (null for a letter whose number
            is blank: it is identified by its sources). Only short fields: a scan of the table (the graph's
            arrays, a register) reads small rows.
contents    per held letter, the whole letter record (JSON) and the text read from the original: the large
            values, apart from documents so that a million rows stay small (migration 3 moved them here).
sources     one row per original file (by SHA-256): which document it is, where it came from, where the
            unchanged copy is stored (`originals/ab/abcdef….pdf` beside the database), and whether it was
            imported for reference (`reference` = 1: `vanban ingest --reference`, a portal corpus; migration 9).
refs        one row per (citing document, cited document): the strongest relation and the citation's details.
events      the log: intake, extraction, quarantine, merge of a stub, with the time and a JSON detail.
state       one row: the archive's identity (random, made once) and a change counter that triggers on documents
            and refs bump, so any write (through vanban or plain SQL) changes what the graph caches are keyed on.
quarantine  one row per file the batch could not file (or would not open: a symlink, a FIFO): its reason from
            the contract's list, the message, where the unchanged copy is kept (`quarantine/<sha256>.<ext>`
            beside the database, with a JSON of the same facts), and when it was released by a retry.
corrections the clerk's corrections of extracted fields, apart from extraction: one row per change (field, value as
            JSON, the extracted value it replaced, who, when); the latest per field wins when a record is read,
            whatever re-extraction does. A `_checked` row marks a letter the clerk reviewed with no change.
register    the incoming-letters register (sổ đăng ký văn bản đến, Nghị định 30/2020 Phụ lục IV): số đến
            assigned in order within the year a letter arrived (a run files its letters in arrival order: the
            inbox file's mtime, then its path), ngày đến, and what the clerk adds (the unit it went to, a
            note); the other columns come from the (corrected) record. A document imported for reference
            only has no row.
validity    (migration 8) documents.effective_date: when the document takes effect, as its text states; refs.scope
            ("whole" or the parts named) and refs.effective (a date the sentence gives the act itself) for the
            amends/replaces/repeals/terminates edges; graph/status.py turns them into a status at a date. Filled
            from the stored records; a record filed before the extractor read them is read lazily from its
            stored text by graph/status.py.
search      (migrations 1-6) FTS5 over ASCII-folded text; dropped by migration 7.
documents_search  a view: each document as the clerk sees it (the latest corrections of number, type, date,
            issuer, subject applied), its text, and the same fields with đ/Đ replaced (*_folded); rowid =
            documents.id. The content table of documents_fts.
documents_fts     FTS5, external content (content="documents_search", tokenizer unicode61 remove_diacritics 2):
            the index only; triggers on documents, contents and corrections keep it equal to the view (a
            BEFORE trigger takes the row out as the view shows it, an AFTER trigger puts it back; the index's
            documents_fts_docsize says whether a row is in it). Datasette finds it for documents_search by
            itself, for documents with docs/datasette-metadata.json (fts_table, fts_pk).
incoming_register a view: the register with the headings of Nghị định 30/2020 Phụ lục IV, for Datasette.
searchable  (migration 10) per scanned original (sources.sha256), its searchable copy: a PDF/A-2b with an invisible
            text layer of the text vanban read (archive/searchable.py), stored like an original
            (`originals/ab/<its own sha256>.pdf`), its size, the PDF/A part and level, the tool, when it was made.

A migration is SQL, or a function of the connection where rows must be recomputed in Python (6: every key
made again by today's rules, and the documents that then share a key merged into one).
"""
from __future__ import annotations

import json
import re
from datetime import datetime, timezone
from typing import Callable


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def rekeyed(key: str, full_number: str | None) -> str:
    """The key an older vanban stored, as vanban makes it now. The number part is made again from the number
    as printed: a normative or law-like number keeps the year printed inside it (older versions took the
    letter's date year: 07/2026/TT-BCT dated 2024 was 7/2024/TT-BCT, while every citation of it gave
    7/2026/TT-BCT), and zeros inside a code stay (before keys and matching shared one fold, 787/C06-P3 was
    keyed 787/C6-P3). An administrative key keeps the year it was given; the issuer slug, the '#no-year' mark
    and name keys stay."""
    from pipeline.nlp.keys import canonical_key, fold_number
    from pipeline.nlp.numbers import parse_number

    key = canonical_key(key)
    if key.startswith("name:") or not full_number:
        return key
    head, mark, tail = key.partition("#")
    number_part, at, slug = head.partition("@")
    n = parse_number(full_number)
    if n is None or n.number is None or n.symbol is None:
        return key
    if n.shape == "admin":
        year = re.match(r"[^/]+/((?:19|20)\d\d)/", number_part)
        again = fold_number(f"{n.number}/{year.group(1)}/{n.symbol}" if year else n.full_number)
    else:
        again = fold_number(n.full_number)
    if re.split(r"[/-]", again, maxsplit=1)[0] != re.split(r"[/-]", number_part, maxsplit=1)[0]:
        return key  # the print does not read as the number this key was made from: leave it as it is
    return again + at + slug + mark + tail


def _merge(db, keep: int, gone: int, strength: dict[str, int]) -> None:
    """Document `gone` becomes `keep`: its citations both ways (the stronger relation kept where both cite the
    same document; none to itself), its sources, corrections, register entry and events move; a stub's facts
    fill what `keep` lacks; then its row goes. What `keep` holds (its record, its fields) wins."""
    def rank(relation):
        return strength.get(relation, 99)

    for mine, other in (("src_id", "dst_id"), ("dst_id", "src_id")):
        for far, relation in db.execute(f"SELECT {other}, relation FROM refs WHERE {mine} = ?", (gone,)).fetchall():
            if far in (keep, gone):
                db.execute(f"DELETE FROM refs WHERE {mine} = ? AND {other} = ?", (gone, far))
                continue
            held = db.execute(f"SELECT relation FROM refs WHERE {mine} = ? AND {other} = ?", (keep, far)).fetchone()
            if held is not None and rank(held[0]) <= rank(relation):
                db.execute(f"DELETE FROM refs WHERE {mine} = ? AND {other} = ?", (gone, far))
                continue
            if held is not None:
                db.execute(f"DELETE FROM refs WHERE {mine} = ? AND {other} = ?", (keep, far))
            db.execute(f"UPDATE refs SET {mine} = ? WHERE {mine} = ? AND {other} = ?", (keep, gone, far))
    db.execute("UPDATE sources SET document_id = ? WHERE document_id = ?", (keep, gone))
    db.execute("UPDATE corrections SET document_id = ? WHERE document_id = ?", (keep, gone))
    db.execute("UPDATE events SET document_id = ? WHERE document_id = ?", (keep, gone))
    if db.execute("SELECT 1 FROM register WHERE document_id = ?", (keep,)).fetchone():
        db.execute("DELETE FROM register WHERE document_id = ?", (gone,))  # one letter, one số đến: the first
    else:
        db.execute("UPDATE register SET document_id = ? WHERE document_id = ?", (keep, gone))
    if db.execute("SELECT 1 FROM contents WHERE document_id = ?", (keep,)).fetchone():
        db.execute("DELETE FROM contents WHERE document_id = ?", (gone,))
    else:
        db.execute("UPDATE contents SET document_id = ? WHERE document_id = ?", (keep, gone))
    db.execute("UPDATE documents SET date = coalesce(date, (SELECT date FROM documents WHERE id = :gone)), "
               "issuer = coalesce(issuer, (SELECT issuer FROM documents WHERE id = :gone)), "
               "doc_type = coalesce(doc_type, (SELECT doc_type FROM documents WHERE id = :gone)), "
               "subject = coalesce(subject, (SELECT subject FROM documents WHERE id = :gone)) "
               "WHERE id = :keep AND stub = 1", {"keep": keep, "gone": gone})
    if db.execute("SELECT 1 FROM sqlite_master WHERE name = 'search'").fetchone():  # before migration 7's index
        db.execute("DELETE FROM search WHERE rowid = ?", (gone,))
    db.execute("DELETE FROM documents WHERE id = ?", (gone,))


def one_identity(db) -> None:
    """Migration 6: every key made again (`rekeyed`); documents that now share a key become one, the letter
    held (the first filed) kept over stubs, else the first stub; each change is an event. The number without
    its leading zeros is indexed: what lookup compares ("5/2026" = "05/2026")."""
    from pipeline.nlp.lexicon import load_lexicon

    db.execute("CREATE INDEX documents_number_digits ON documents(ltrim(number, '0'))")
    strength = {r: i for i, r in enumerate(load_lexicon().strength)}
    groups: dict[str, list[tuple[int, int, str]]] = {}
    for doc_id, key, stub, full_number in db.execute(
            "SELECT id, key, stub, full_number FROM documents WHERE key IS NOT NULL ORDER BY stub, id").fetchall():
        groups.setdefault(rekeyed(key, full_number), []).append((doc_id, stub, key))
    renamed = []
    for new, docs in groups.items():
        (keep, _, old), *others = docs
        for gone, _, gone_key in others:
            _merge(db, keep, gone, strength)
            detail = {"merged": gone, "key_was": gone_key, "key": new}
            db.execute("INSERT INTO events (time, kind, document_id, detail) VALUES (?, 'merge', ?, ?)",
                       (_now(), keep, json.dumps(detail, ensure_ascii=False)))
        if old != new:
            renamed.append((keep, old, new))
    for keep, _, _ in renamed:  # keys are unique: clear the old ones before any new one is written
        db.execute("UPDATE documents SET key = NULL WHERE id = ?", (keep,))
    for keep, old, new in renamed:
        db.execute("UPDATE documents SET key = ? WHERE id = ?", (new, keep))
        db.execute("INSERT INTO events (time, kind, document_id, detail) VALUES (?, 'rekey', ?, ?)",
                   (_now(), keep, json.dumps({"key_was": old, "key": new}, ensure_ascii=False)))


MIGRATIONS: list[tuple[int, str, str | Callable]] = [
    (1, "documents, sources, refs, events, search", """
CREATE TABLE documents (
    id INTEGER PRIMARY KEY,
    key TEXT UNIQUE,
    stub INTEGER NOT NULL DEFAULT 0,
    full_number TEXT, number TEXT, symbol TEXT, year INTEGER, doc_type TEXT,
    issuer TEXT, parent_issuer TEXT, place TEXT, date TEXT, subject TEXT,
    signer TEXT, signing_authority TEXT, signer_title TEXT,
    recipients TEXT, distribution TEXT, warnings TEXT,
    record TEXT,
    text TEXT,
    created TEXT NOT NULL, updated TEXT NOT NULL
);
CREATE INDEX documents_number ON documents(number, symbol);
CREATE INDEX documents_stub ON documents(stub);
CREATE TABLE sources (
    sha256 TEXT PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES documents(id),
    path TEXT NOT NULL,
    format TEXT,
    size INTEGER NOT NULL,
    stored TEXT NOT NULL,
    added TEXT NOT NULL
);
CREATE INDEX sources_document ON sources(document_id);
CREATE TABLE refs (
    src_id INTEGER NOT NULL REFERENCES documents(id),
    dst_id INTEGER NOT NULL REFERENCES documents(id),
    relation TEXT NOT NULL,
    full_number TEXT, date TEXT, doc_type TEXT, issuer TEXT, name TEXT,
    text TEXT, start INTEGER, "end" INTEGER,
    PRIMARY KEY (src_id, dst_id)
) WITHOUT ROWID;
CREATE INDEX refs_dst ON refs(dst_id, src_id);
CREATE TABLE events (
    id INTEGER PRIMARY KEY,
    time TEXT NOT NULL,
    kind TEXT NOT NULL,
    sha256 TEXT,
    document_id INTEGER,
    detail TEXT
);
CREATE VIRTUAL TABLE search USING fts5(
    number, issuer, subject, body, doc_type,
    tokenize = 'unicode61 remove_diacritics 2'
);
"""),
    (2, "indexes for walking the graph backwards and listing stubs", """
DROP INDEX refs_dst;
CREATE INDEX refs_dst ON refs(dst_id, src_id, relation);
DROP INDEX documents_stub;
CREATE INDEX documents_stubs ON documents(id) WHERE stub = 1;
"""),
    (3, "large values apart (contents); a change counter for the graph caches (state)", """
CREATE TABLE contents (
    document_id INTEGER PRIMARY KEY REFERENCES documents(id),
    record TEXT,
    text TEXT
);
INSERT INTO contents SELECT id, record, text FROM documents WHERE record IS NOT NULL OR text IS NOT NULL;
ALTER TABLE documents DROP COLUMN record;
ALTER TABLE documents DROP COLUMN text;
CREATE TABLE state (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    archive TEXT NOT NULL,
    changes INTEGER NOT NULL
);
INSERT INTO state VALUES (1, lower(hex(randomblob(16))), 0);
CREATE TRIGGER documents_changed_insert AFTER INSERT ON documents BEGIN UPDATE state SET changes = changes + 1; END;
CREATE TRIGGER documents_changed_update AFTER UPDATE ON documents BEGIN UPDATE state SET changes = changes + 1; END;
CREATE TRIGGER documents_changed_delete AFTER DELETE ON documents BEGIN UPDATE state SET changes = changes + 1; END;
CREATE TRIGGER refs_changed_insert AFTER INSERT ON refs BEGIN UPDATE state SET changes = changes + 1; END;
CREATE TRIGGER refs_changed_update AFTER UPDATE ON refs BEGIN UPDATE state SET changes = changes + 1; END;
CREATE TRIGGER refs_changed_delete AFTER DELETE ON refs BEGIN UPDATE state SET changes = changes + 1; END
"""),
    (4, "quarantine: files the batch could not file, with their reason", """
CREATE TABLE quarantine (
    id TEXT PRIMARY KEY,
    sha256 TEXT,
    path TEXT NOT NULL,
    reason TEXT NOT NULL,
    message TEXT,
    stored TEXT,
    time TEXT NOT NULL,
    run_id TEXT,
    versions TEXT,
    released TEXT
);
CREATE INDEX quarantine_sha ON quarantine(sha256);
CREATE INDEX events_sha ON events(sha256, kind)
"""),
    (5, "the clerk's desk: corrections apart from extraction, the incoming register", """
CREATE TABLE corrections (
    id INTEGER PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES documents(id),
    field TEXT NOT NULL,
    value TEXT,
    extracted TEXT,
    who TEXT NOT NULL,
    time TEXT NOT NULL
);
CREATE INDEX corrections_document ON corrections(document_id, field, id);
CREATE TABLE register (
    year INTEGER NOT NULL,
    number INTEGER NOT NULL,
    document_id INTEGER NOT NULL UNIQUE REFERENCES documents(id),
    received TEXT NOT NULL,
    unit TEXT,
    note TEXT,
    PRIMARY KEY (year, number)
);
INSERT INTO register (year, number, document_id, received)
    SELECT CAST(substr(created, 1, 4) AS INTEGER),
           row_number() OVER (PARTITION BY substr(created, 1, 4) ORDER BY created, id), id, created
    FROM documents WHERE stub = 0
"""),
    (6, "one identity: keys made again by today's rules, documents sharing a key merged", one_identity),
]

# -- migration 7: documents_fts, full-text search the way sqlite-utils sets it up ---------------------------------
# FTS5 with external content (content="documents_search": the index stores no copy of the text) and triggers
# that keep it in step with every write, through vanban or plain SQL. The tokenizer folds case and every
# diacritic but đ; each field is therefore indexed twice, as printed and with đ/Đ replaced (the *_folded
# columns), so Datasette's search box, which hands the user's words to MATCH as typed, finds "đào tạo" for
# "đào tạo", "Đào tạo", "ĐÀO TẠO" (the printed columns) and for "dao tao" (the folded ones). vanban's own
# searches fold the query the same way (pipeline.text.fold_d) and look at the folded columns only.
FTS_COLUMNS = ("number", "doc_type", "issuer", "subject", "text")
FOLDED_COLUMNS = tuple(c + "_folded" for c in FTS_COLUMNS)
CORRECTED = ("full_number", "doc_type", "issuer", "subject")  # indexed fields a clerk may correct


def _d_stroke(expr: str) -> str:
    """SQL for pipeline.text.fold_d: the same four letters, one character for one."""
    for letter, plain in (("đ", "d"), ("Đ", "D"), ("\u00f0", "d"), ("\u00d0", "D")):
        expr = f"replace({expr}, '{letter}', '{plain}')"
    return expr


def _corrected(field: str) -> str:
    """The field as the clerk sees it: the latest correction (its JSON value, null when cleared), else the
    extracted value (pipeline.archive.corrections.apply in SQL)."""
    return (f"json_extract(coalesce((SELECT c.value FROM corrections c WHERE c.document_id = d.id AND c.field = "
            f"'{field}' ORDER BY c.id DESC LIMIT 1), json_quote(d.{field})), '$')")


def _refresh(table: str, when: str, ids: str, event: str, columns: str = "", after_when: str = "") -> str:
    """A BEFORE trigger taking the document's row out of the index as the view shows it before the change,
    and an AFTER trigger putting it back as the view shows it after. The index's own `documents_fts_docsize`
    says whether a row is in it, so a write that fires both INSERT and UPDATE triggers (an upsert) never takes
    a row out twice or puts it in twice."""
    cols = ", ".join(FTS_COLUMNS + FOLDED_COLUMNS)
    indexed = f"EXISTS (SELECT 1 FROM documents_fts_docsize WHERE id IN ({ids}))"
    name = f"{table}_fts_{event.split()[0].lower()}"
    before = (f"CREATE TRIGGER {name}_before BEFORE {event}{columns} ON {table} WHEN "
              f"{'(' + when + ') AND ' if when else ''}{indexed} BEGIN "
              f"INSERT INTO documents_fts (documents_fts, rowid, {cols}) SELECT 'delete', rowid, {cols} "
              f"FROM documents_search WHERE rowid IN ({ids}) "
              f"AND rowid IN (SELECT id FROM documents_fts_docsize WHERE id IN ({ids})); END")
    # a row with nothing to index (a bulk insert of bare rows) stays out until it has something
    after = "" if event == "DELETE" and table != "corrections" else (
        f";\nCREATE TRIGGER {name}_after AFTER {event}{columns} ON {table}"
        f"{' WHEN ' + (when or after_when) if when or after_when else ''} BEGIN "
        f"INSERT INTO documents_fts (rowid, {cols}) SELECT rowid, {cols} FROM documents_search "
        f"WHERE rowid IN ({ids}) AND coalesce({', '.join(FTS_COLUMNS)}) IS NOT NULL "
        f"AND rowid NOT IN (SELECT id FROM documents_fts_docsize WHERE id IN ({ids})); END")
    return before + after


def _migration_7() -> str:
    shown = {"date": _corrected("date"),
             "number": f"coalesce({_corrected('full_number')}, d.symbol)", "doc_type": _corrected("doc_type"),
             "issuer": _corrected("issuer"), "subject": _corrected("subject"), "text": "t.text"}
    corrected = " OR ".join(f"new.field = '{f}' OR old.field = '{f}'" for f in CORRECTED)
    fields = ", ".join(f"'{f}'" for f in CORRECTED)
    statements = [
        "DROP TABLE search",
        "CREATE VIEW documents_search AS SELECT rowid, key, stub, date, "
        + ", ".join(FTS_COLUMNS) + ", " + ", ".join(f"{_d_stroke(c)} AS {c}_folded" for c in FTS_COLUMNS)
        + " FROM (SELECT d.id AS rowid, d.key, d.stub, "
        + ", ".join(f"{expr} AS {c}" for c, expr in shown.items())
        + " FROM documents d LEFT JOIN contents t ON t.document_id = d.id)",
        f'CREATE VIRTUAL TABLE documents_fts USING fts5({", ".join(FTS_COLUMNS + FOLDED_COLUMNS)}, '
        "content=\"documents_search\", tokenize='unicode61 remove_diacritics 2')",
        _refresh("documents", "", "new.id", "INSERT", after_when="coalesce(new.full_number, new.symbol, new.doc_type, "
                 "new.issuer, new.subject) IS NOT NULL OR EXISTS (SELECT 1 FROM contents WHERE document_id = new.id)"),
        _refresh("documents", "", "old.id, new.id", "UPDATE", " OF full_number, symbol, doc_type, issuer, subject"),
        _refresh("documents", "", "old.id", "DELETE"),
        _refresh("contents", "", "new.document_id", "INSERT"),
        _refresh("contents", "", "old.document_id, new.document_id", "UPDATE", " OF document_id, text"),
        _refresh("contents", "", "old.document_id", "DELETE"),
        _refresh("corrections", f"new.field IN ({fields})", "new.document_id", "INSERT"),
        _refresh("corrections", corrected, "old.document_id, new.document_id", "UPDATE"),
        _refresh("corrections", f"old.field IN ({fields})", "old.document_id", "DELETE"),
        "INSERT INTO documents_fts (documents_fts) VALUES ('rebuild')",
        # the register as a văn thư reads it (Nghị định 30/2020 Phụ lục IV headings), for Datasette and SQL
        'CREATE VIEW incoming_register AS SELECT r.year AS "Năm", r.number AS "Số đến", '
        'substr(r.received, 1, 10) AS "Ngày đến", s.issuer AS "Tác giả", s.number AS "Số, ký hiệu", '
        's.date AS "Ngày tháng", trim(coalesce(s.doc_type, \'\') || \' \' || coalesce(s.subject, \'\')) '
        'AS "Tên loại và trích yếu nội dung", r.unit AS "Đơn vị hoặc người nhận", r.note AS "Ghi chú", '
        'r.document_id FROM register r JOIN documents_search s ON s.rowid = r.document_id ORDER BY r.year, r.number',
    ]
    return ";\n".join(statements)


MIGRATIONS.append((7, "documents_fts: full-text search over the printed and the đ-folded text, tied to "
                      "documents_search (content=), for vanban and Datasette alike; the register as a view",
                   _migration_7()))

# -- migration 8: validity at a date (graph/status.py) ------------------------------------------------------------
MIGRATIONS.append((8, "validity: effective dates of documents, scope and own date of repeal/replace/amend edges", """
ALTER TABLE documents ADD COLUMN effective_date TEXT;
ALTER TABLE refs ADD COLUMN scope TEXT;
ALTER TABLE refs ADD COLUMN effective TEXT;
UPDATE documents SET effective_date = (SELECT json_extract(c.record, '$.effective_date') FROM contents c
    WHERE c.document_id = documents.id) WHERE stub = 0 AND id IN (SELECT document_id FROM contents
    WHERE json_extract(record, '$.effective_date') IS NOT NULL);
UPDATE refs SET scope = (SELECT json_extract(j.value, '$.scope') FROM contents c, json_each(c.record, '$.references') j
        WHERE c.document_id = refs.src_id AND json_extract(j.value, '$.start') = refs.start),
    effective = (SELECT json_extract(j.value, '$.effective') FROM contents c, json_each(c.record, '$.references') j
        WHERE c.document_id = refs.src_id AND json_extract(j.value, '$.start') = refs.start)
    WHERE relation IN ('amends', 'replaces', 'repeals', 'terminates')
"""))

# -- migration 9: documents imported for reference (a portal corpus) are not letters received --------------------
MIGRATIONS.append((9, "sources.reference: a file imported for reference, which gets no số đến", """
ALTER TABLE sources ADD COLUMN reference INTEGER NOT NULL DEFAULT 0
"""))

# -- migration 10: a searchable copy of every scan (archive/searchable.py) ----------------------------------------
MIGRATIONS.append((10, "searchable: the PDF/A with a text layer kept beside each scanned original", """
CREATE TABLE searchable (
    source_sha256 TEXT PRIMARY KEY REFERENCES sources(sha256),
    sha256 TEXT NOT NULL,
    stored TEXT NOT NULL,
    size INTEGER NOT NULL,
    pdfa TEXT NOT NULL,
    tool TEXT,
    made TEXT NOT NULL
)
"""))

# -- migration 11: the language of each source (an English translation is a source of its original) ------------
MIGRATIONS.append((11, "sources.language: 'vi', or 'en' for an English translation filed with its original "
                       "(earlier vanban read no translation: its sources are all 'vi')", """
ALTER TABLE sources ADD COLUMN language TEXT NOT NULL DEFAULT 'vi'
"""))
