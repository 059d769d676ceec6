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
            unchanged copy is stored (`originals/ab/abcdef….pdf` beside the database).
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
            assigned in order within the year a letter arrived, ngày đến, and what the clerk adds (the unit
            it went to, a note); the other columns come from the (corrected) record.
validity    (migration 6) documents.effective_date: when the document takes effect, as its text states; refs.scope
            ("whole" or the parts named) and refs.effective (a date the sentence gives the act itself) for the
            amends/replaces/repeals/terminates edges; graph/status.py turns them into a status at a date. Filled
            from the stored records; a record filed before the extractor read them is read lazily from its
            stored text by graph/status.py.
search      FTS5 over folded text (Đ→D and every diacritic removed by pipeline.text.ascii_fold before indexing,
            because FTS5's remove_diacritics leaves đ alone): rowid = documents.id.
"""
from __future__ import annotations

MIGRATIONS: list[tuple[int, str, str]] = [
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
    (6, "validity: effective dates of documents, scope and own date of repeal/replace/amend edges", """
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
"""),
]
