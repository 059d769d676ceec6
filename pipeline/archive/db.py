"""The archive: one SQLite database (WAL, synchronous=FULL, a busy timeout) with originals stored beside it.

`Archive.add(path, letter)` files one letter: its original is stored first, then, in one transaction, the
document row (a new document, a stub that now arrives, or another source of a document already held), its
references (each cited document found by key or created as a stub) and an event. Whatever the order in
which letters arrive, the same letters give the same documents and edges.
"""
from __future__ import annotations

import json
import os
import re
import sqlite3
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from pipeline.archive.schema import FOLDED_COLUMNS, FTS_COLUMNS, MIGRATIONS
from pipeline.archive.store import sha256_of, store_original
from pipeline.errors import StorageError, UsageError
from pipeline.nlp.keys import fold_number, issuer_slug, slugify
from pipeline.nlp.lexicon import load_lexicon
from pipeline.records import Letter, Reference
from pipeline.text.normalize import ascii_fold, fold_d, normalize_text

DEFAULT_DB = Path("outputs") / "archive.sqlite"
FIELDS = ("full_number", "number", "symbol", "year", "doc_type", "issuer", "parent_issuer", "place", "date",
          "subject", "signer", "signing_authority", "signer_title")


@dataclass
class Added:
    """What filing one letter did."""

    outcome: str  # new | stub_resolved | another_source | duplicate
    document_id: int
    key: str | None
    new_edges: int = 0
    stubs_resolved: int = 0


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def default_db() -> Path:
    return Path(os.environ.get("VANBAN_DB") or DEFAULT_DB)


def completeness(record: dict) -> tuple:
    """How much of a document one source's reading gives, to choose the record among the document's sources
    (the larger wins; a tie keeps the first): a text layer before OCR, the Vietnamese original before an English
    translation (nlp/translation.py), then more cited documents (vbpl.vn's page
    of a decree's properties names it with no body; the page with the body also gives every citation), then more
    of the header's fields."""
    return (not (record.get("source") or {}).get("ocr"), record.get("language", "vi") == "vi",
            len(record.get("references") or ()),
            sum(record.get(f) not in (None, "") for f in FIELDS) + bool(record.get("recipients")))


def reference_key(ref: Reference) -> str:
    """The node a reference points at: its document key, else a partial key that is never merged by
    guesswork ('649/UBND-KSTTHC@uy-ban-…#no-year'), else a law's name and year ('name:luat-dau-tu/2020')."""
    if ref.key:
        return ref.key
    if ref.number:
        who = issuer_slug(ref.issuer)
        return f"{fold_number(ref.full_number)}{'@' + who if who else ''}#no-year"
    slug = slugify(ref.name or ref.text)
    return f"name:{slug}/{ref.year}" if ref.year else f"name:{slug}"


def folded(text: str | None) -> str:
    """No diacritics at all (Đ→D too), lower case: for comparisons in Python (the register's filters)."""
    return ascii_fold(text or "").lower()


class Archive:
    """An open archive. Use as a context manager, or call close()."""

    def __init__(self, path: str | os.PathLike | None = None, create: bool = True):
        """`create=False` (the read commands): an archive that does not exist is a UsageError, and nothing is
        made; otherwise its folder and database are created as needed."""
        self.path = Path(path) if path else default_db()
        self.originals = self.path.parent / "originals"
        if not create and not self.path.is_file():
            raise UsageError(f"no archive at {self.path}" + (" (a folder)" if self.path.is_dir() else ""))
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            self.db.row_factory = sqlite3.Row
            for pragma in ("journal_mode = WAL", "synchronous = FULL", "foreign_keys = ON", "busy_timeout = 30000"):
                self.db.execute(f"PRAGMA {pragma}")
            self._migrate()
        except sqlite3.DatabaseError as exc:
            raise StorageError(f"{self.path}: the archive cannot be opened ({exc})") from None
        except OSError as exc:  # its folder cannot be made: read-only, not permitted, a file in the way
            raise StorageError(f"{self.path}: the archive cannot be created here "
                               f"({exc.filename or self.path.parent}: {exc.strerror or exc})") from None

    def __enter__(self) -> "Archive":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self.db.close()

    def _migrate(self) -> None:
        self.db.execute("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT, applied TEXT)")
        done = {r[0] for r in self.db.execute("SELECT version FROM schema_migrations")}
        for version, name, sql in MIGRATIONS:
            if version in done:
                continue
            self.db.execute("BEGIN IMMEDIATE")
            try:
                if callable(sql):  # rows recomputed in Python (schema.py)
                    sql(self.db)
                else:
                    for statement in sql.split(";\n"):
                        if statement.strip():
                            self.db.execute(statement)
                self.db.execute("INSERT INTO schema_migrations VALUES (?, ?, ?)", (version, name, now()))
                self.db.execute("COMMIT")
            except BaseException:
                self.db.execute("ROLLBACK")
                raise

    # -- intake -------------------------------------------------------------------------------------------
    def has_source(self, sha256: str) -> int | None:
        row = self.db.execute("SELECT document_id FROM sources WHERE sha256 = ?", (sha256,)).fetchone()
        return row[0] if row else None

    def add(self, path: str | os.PathLike, letter: Letter, stored: str | None = None, reference: bool = False) -> Added:
        """File one letter read from `path` (its Source's sha256 names the original). `stored`: the batch
        has already put the original in the store under that name (relative to `originals`). `reference`: a
        document imported for reference (a portal corpus), not a letter received: it gets no số đến, and its
        source says so (sources.reference, the event's detail)."""
        sha = letter.source.sha256 or sha256_of(path)
        known = self.has_source(sha)
        if known is not None:
            return Added("duplicate", known, self.key_of(known))
        if stored is None:
            stored = store_original(self.originals, path, sha)
        with self.transaction():
            return self._file(letter, sha, str(path), stored, reference)

    @contextmanager
    def transaction(self):
        """BEGIN IMMEDIATE … COMMIT (ROLLBACK on any error); a full disk or an I/O error becomes StorageError
        (exit 4: the run stops cleanly, nothing is quarantined because of it)."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
            self.db.execute("COMMIT")
        except BaseException as exc:
            if self.db.in_transaction:
                self.db.execute("ROLLBACK")
            if isinstance(exc, sqlite3.OperationalError) and any(w in str(exc) for w in ("full", "disk I/O")):
                raise StorageError(f"{self.path}: the archive cannot be written ({exc})") from None
            raise

    def sqlite_version(self) -> str:
        return sqlite3.sqlite_version

    def _file(self, letter: Letter, sha: str, path: str, stored: str, reference: bool = False) -> Added:
        record = letter.to_json()
        row = self.db.execute("SELECT id, stub FROM documents WHERE key = ?", (letter.key,)).fetchone() \
            if letter.key else None
        fuller = False
        if row and not row["stub"]:
            outcome, doc_id = "another_source", row["id"]  # the DOCX and the PDF of one letter
            held = self.db.execute("SELECT record FROM contents WHERE document_id = ?", (doc_id,)).fetchone()
            fuller = not (held and held[0]) or completeness(record) > completeness(json.loads(held[0]))
            if fuller:  # the record is read from this source now: the portal's page of properties, then its body
                self._write_document(doc_id, letter, record)
        elif row:
            outcome, doc_id = "stub_resolved", row["id"]
            self._write_document(doc_id, letter, record)
        else:
            outcome = "new"
            doc_id = self.db.execute("INSERT INTO documents (key, created, updated) VALUES (?, ?, ?)",
                                     (letter.key, now(), now())).lastrowid
            self._write_document(doc_id, letter, record)
        if not reference:  # a letter received: the next số đến of this year (one per document: the first source's)
            received = now()
            self.db.execute("INSERT OR IGNORE INTO register (year, number, document_id, received) SELECT ?, "
                            "coalesce(max(number), 0) + 1, ?, ? FROM register WHERE year = ?",
                            (int(received[:4]), doc_id, received, int(received[:4])))
        self.db.execute("INSERT INTO sources (sha256, document_id, path, format, size, stored, added, reference, "
                        "language) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        (sha, doc_id, path, letter.source.format, os.path.getsize(self.originals / stored), stored,
                         now(), int(reference), letter.language))
        if outcome != "another_source":
            edges = self._write_refs(doc_id, letter.references)
        elif fuller:  # its references replace the record's
            before = {r[0] for r in self.db.execute("SELECT dst_id FROM refs WHERE src_id = ?", (doc_id,))}
            self.db.execute("DELETE FROM refs WHERE src_id = ?", (doc_id,))
            self._write_refs(doc_id, letter.references)
            edges = len({r[0] for r in self.db.execute("SELECT dst_id FROM refs WHERE src_id = ?", (doc_id,))} - before)
        else:
            edges = 0
        self.event(outcome if outcome != "new" else "intake", sha, doc_id,
                   {"path": path, "key": letter.key, "edges": edges, "warnings": list(letter.warnings)}
                   | ({"reference": True} if reference else {}) | ({"record": True} if fuller else {}))
        return Added(outcome, doc_id, letter.key, edges, int(outcome == "stub_resolved"))

    def _write_document(self, doc_id: int, letter: Letter, record: dict) -> None:
        values = [record[f] for f in FIELDS]
        self.db.execute(
            f"UPDATE documents SET stub = 0, {', '.join(f + ' = ?' for f in FIELDS)}, recipients = ?, distribution = ?, "
            "warnings = ?, effective_date = ?, updated = ? WHERE id = ?",
            (*values, json.dumps(record["recipients"], ensure_ascii=False),
             json.dumps(record["distribution"], ensure_ascii=False), json.dumps(record["warnings"], ensure_ascii=False),
             record.get("effective_date"), now(), doc_id))
        self.db.execute("INSERT OR REPLACE INTO contents (document_id, record, text) VALUES (?, ?, ?)",
                        (doc_id, json.dumps(record, ensure_ascii=False), letter.source.text))

    def reextract(self, doc_id: int, letter: Letter) -> None:
        """Replace a held document's extraction (after an upgrade of the extractor, or from its best source):
        the record and the fields (the search index follows by triggers); its references are written again (stubs as needed). The
        clerk's corrections live apart and still win when the record is read."""
        with self.transaction():
            self._write_document(doc_id, letter, letter.to_json())
            self.db.execute("DELETE FROM refs WHERE src_id = ?", (doc_id,))
            edges = self._write_refs(doc_id, letter.references)
            self.event("reextract", letter.source.sha256, doc_id, {"edges": edges})

    def _write_refs(self, src: int, references) -> int:
        """The letter's edges, each keeping the stronger of an old and a new relation (the lexicon's order);
        returns how many are new."""
        rank = {r: i for i, r in enumerate(load_lexicon().strength)}
        new_edges = 0
        for ref in references:
            dst = self._node_for(ref)
            if dst == src:
                continue
            old = self.db.execute("SELECT relation FROM refs WHERE src_id = ? AND dst_id = ?", (src, dst)).fetchone()
            if old and rank.get(old[0], 99) <= rank.get(ref.relation, 99):
                continue
            self.db.execute(
                'INSERT OR REPLACE INTO refs (src_id, dst_id, relation, full_number, date, doc_type, issuer, name, text, '
                'start, "end", scope, effective) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
                (src, dst, ref.relation, ref.full_number, ref.date, ref.doc_type, ref.issuer, ref.name, ref.text,
                 ref.start, ref.end, ref.scope, ref.effective))
            new_edges += old is None
        return new_edges

    def _node_for(self, ref: Reference) -> int:
        """The document a reference points at; a stub is created for a document not held yet."""
        key = reference_key(ref)
        row = self.db.execute("SELECT id, stub FROM documents WHERE key = ?", (key,)).fetchone()
        if row:
            if row["stub"]:  # a later citation may know more (date, issuer) than the first
                self.db.execute("UPDATE documents SET date = coalesce(date, ?), issuer = coalesce(issuer, ?), "
                                "doc_type = coalesce(doc_type, ?) WHERE id = ?", (ref.date, ref.issuer, ref.doc_type, row["id"]))
            return row["id"]
        doc_id = self.db.execute(
            "INSERT INTO documents (key, stub, full_number, number, symbol, year, doc_type, issuer, date, subject, "
            "created, updated) VALUES (?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (key, ref.full_number, ref.number, ref.symbol, ref.year, ref.doc_type, ref.issuer, ref.date, ref.name,
             now(), now())).lastrowid
        return doc_id

    def event(self, kind: str, sha256: str | None, document_id: int | None, detail: dict) -> None:
        self.db.execute("INSERT INTO events (time, kind, sha256, document_id, detail) VALUES (?, ?, ?, ?, ?)",
                        (now(), kind, sha256, document_id, json.dumps(detail, ensure_ascii=False)))

    # -- reading ------------------------------------------------------------------------------------------
    def key_of(self, doc_id: int) -> str | None:
        row = self.db.execute("SELECT key FROM documents WHERE id = ?", (doc_id,)).fetchone()
        return row[0] if row else None

    def document(self, doc_id: int) -> dict | None:
        row = self.db.execute("SELECT * FROM documents WHERE id = ?", (doc_id,)).fetchone()
        if row is None:
            return None
        doc = {k: row[k] for k in row.keys() if k not in ("recipients", "distribution", "warnings")}
        doc["stub"] = bool(row["stub"])
        content = self.db.execute("SELECT record FROM contents WHERE document_id = ?", (doc_id,)).fetchone()
        doc["record"] = json.loads(content[0]) if content and content[0] else None
        doc["sources"] = [dict(r) for r in self.db.execute(
            "SELECT s.sha256, s.path, s.format, s.size, s.stored, s.added, s.language, c.sha256 AS searchable "
            "FROM sources s "
            "LEFT JOIN searchable c ON c.source_sha256 = s.sha256 WHERE s.document_id = ? ORDER BY s.added", (doc_id,))]
        return doc

    # -- searchable copies of scans (archive/searchable.py, migration 10) -------------------------------------
    def keep_searchable(self, source_sha: str, made: str | os.PathLike, tool: str | None = None) -> dict:
        """Store the searchable copy `made` of the original `source_sha` in the store under its own SHA-256
        (as an original is stored) and record it; returns its row."""
        sha = sha256_of(made)
        stored = store_original(self.originals, made, sha)
        row = {"source_sha256": source_sha, "sha256": sha, "stored": stored,
               "size": os.path.getsize(self.originals / stored), "pdfa": "2B", "tool": tool, "made": now()}
        with self.transaction():
            self.db.execute("INSERT OR REPLACE INTO searchable (source_sha256, sha256, stored, size, pdfa, tool, made) "
                            "VALUES (:source_sha256, :sha256, :stored, :size, :pdfa, :tool, :made)", row)
            self.event("searchable", source_sha, self.has_source(source_sha), {"sha256": sha, "stored": stored})
        return row

    def searchable(self, doc_id: int) -> dict | None:
        """The searchable copy of a document's first scanned source that has one (and that source's path)."""
        row = self.db.execute(
            "SELECT c.*, s.path FROM searchable c JOIN sources s ON s.sha256 = c.source_sha256 "
            "WHERE s.document_id = ? ORDER BY s.added LIMIT 1", (doc_id,)).fetchone()
        return dict(row) if row else None

    def search(self, query: str, limit: int = 20, offset: int = 0) -> list[dict]:
        """Documents (best first) that hold every phrase of `query` with or without diacritics and đ ("dao tao",
        "ĐÀO TẠO" and "đào tạo" find "đào tạo"; words typed together are a phrase, commas separate phrases:
        "dau thau" does not find a letter that only says "đầu tư" and "nhà thầu"). Each has `snippet`, the
        letter's own words around the first match, in brackets."""
        match = match_query(query)
        if not match:
            return []
        rows = self.db.execute(
            "SELECT d.id, d.key, d.full_number, d.doc_type, d.issuer, d.date, d.subject, d.stub, "
            f"{HIGHLIGHT} FROM documents_fts f JOIN documents d ON d.id = f.rowid "
            "WHERE documents_fts MATCH ? ORDER BY rank LIMIT ? OFFSET ?", (match, limit, offset)).fetchall()
        return [{k: r[k] for k in r.keys() if not k.startswith("_")} | {"stub": bool(r["stub"]), "snippet": snippet_of(r)}
                for r in rows]

    def search_total(self, query: str) -> int:
        """How many documents `search` finds for `query`, over all pages."""
        match = match_query(query)
        return self.db.execute("SELECT count(*) FROM documents_fts WHERE documents_fts MATCH ?",
                               (match,)).fetchone()[0] if match else 0


# -- full-text search (the index: pipeline/archive/schema.py, migration 7) ---------------------------------------
_MARK, _END = "\x02", "\x03"  # around each match in highlight(): characters no letter text holds
SNIPPET_MARKS = (_MARK, _END)
_FOLDED = "{" + " ".join(FOLDED_COLUMNS) + "}"
HIGHLIGHT = ", ".join(  # the folded text and subject with their matches marked, the printed ones beside them
    f"highlight(documents_fts, {FTS_COLUMNS.index(c) + len(FTS_COLUMNS)}, '{_MARK}', '{_END}') AS _marked_{c}, "
    f"f.{c} AS _{c}" for c in ("text", "subject", "issuer"))
_PHRASES = re.compile(r'[,;"]')


def query_terms(query: str | None) -> list[list[str]]:
    """The phrases of what someone typed, folded as the index is (NFC, look-alikes, then pipeline.text.fold_d;
    the tokenizer folds case and the other diacritics): words typed together are one phrase; commas,
    semicolons and quotes separate phrases."""
    text = fold_d(normalize_text(query or ""))
    return [words for part in _PHRASES.split(text) if (words := re.findall(r"[^\W_]+", part))]


def match_query(query: str | None, column: str | None = None) -> str:
    """An FTS5 MATCH expression: every phrase of `query` in the folded columns (or in `column`'s folded one)."""
    phrases = query_terms(query)
    if not phrases:
        return ""
    where = "{" + column + "_folded}" if column else _FOLDED
    return f"{where} : (" + " AND ".join('"' + " ".join(words) + '"' for words in phrases) + ")"


def _marked_spans(marked: str) -> list[tuple[int, int]]:
    """(start, end) of each match in highlight()'s text, as offsets in the text without the marks."""
    spans, shift, start = [], 0, None
    for m in re.finditer(f"[{_MARK}{_END}]", marked):
        if m.group() == _MARK:
            start = m.start() - shift
        elif start is not None:
            spans.append((start, m.start() - shift))
            start = None
        shift += 1
    return spans


def snippet(marked: str | None, printed: str | None, words: int = 12, marks: tuple[str, str] = ("[", "]")) -> str:
    """About `words` words of `printed` around its first match, each match between `marks` ([brackets]): the
    letter's own diacritics. `marked` is highlight() over the folded column, which has `printed`'s length (fold_d replaces one
    character by one), so its offsets are offsets in `printed`."""
    if not printed:
        return ""
    spans = _marked_spans(marked or "")
    if marked and len(marked) - 2 * len(spans) != len(printed):  # written some other way: show the folded text
        printed = marked.replace(_MARK, "").replace(_END, "")
    tokens = [m.span() for m in re.finditer(r"\w+", printed)]
    if not tokens:
        return ""
    first = next((k for k, (s, e) in enumerate(tokens) if spans and e > spans[0][0]), 0)
    lo = max(0, min(first - words // 4, len(tokens) - words))
    hi = min(len(tokens), lo + words)
    begin = tokens[lo][0] if lo else 0
    end = tokens[hi - 1][1] if hi < len(tokens) else len(printed)
    out, at = [], begin
    for s, e in spans:
        if s >= begin and e <= end:
            out += [printed[at:s], marks[0], printed[s:e], marks[1]]
            at = e
    out.append(printed[at:end])
    text = " ".join("".join(out).split())
    return ("…" if begin > 0 else "") + text + ("…" if end < len(printed) else "")


def snippet_of(row, marks: tuple[str, str] = ("[", "]")) -> str:
    """The snippet of a search row (HIGHLIGHT's columns): from the text where a phrase matched it, else the
    subject or the issuer, else the start of the text."""
    for c in ("text", "subject", "issuer"):
        if row[f"_marked_{c}"] and _MARK in row[f"_marked_{c}"]:
            return snippet(row[f"_marked_{c}"], row[f"_{c}"], marks=marks)
    return snippet(row["_marked_text"], row["_text"], marks=marks) or (row["_subject"] or "")


def snippet_parts(text: str) -> list[tuple[str, bool]]:
    """A snippet made with marks=(_MARK, _END) as (piece, is a match) pairs: for pages that mark matches up
    whatever brackets the letter itself holds."""
    return [(piece, k % 2 == 1) for k, piece in enumerate(re.split(f"[{_MARK}{_END}]", text)) if piece]
