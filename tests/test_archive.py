"""The archive: state in SQLite after filing real letters (not only printed text), identity, stubs merged
whatever the order, originals unchanged, search without diacritics, lookup of what people type."""
import json
import sqlite3

import pytest
from click.testing import CliRunner

from pipeline.archive import Archive, resolve
from pipeline.cli import main
from pipeline.errors import Ambiguous, NotFound
from pipeline.ingest import read_document
from pipeline.nlp import extract_letter

from conftest import DEV, SAMPLES, SHARED, archive_before

DOCS = DEV / "docs"
VBPL = SHARED / "corpus" / "vbpl" / "docs"


def file_all(db, *names):
    with Archive(db) as a:
        return [a.add(DOCS / n, extract_letter(read_document(DOCS / n))) for n in names]


def edges(db):
    c = sqlite3.connect(db)
    rows = c.execute("SELECT s.key, d.key, r.relation FROM refs r JOIN documents s ON s.id = r.src_id "
                     "JOIN documents d ON d.id = r.dst_id").fetchall()
    nodes = c.execute("SELECT key, stub FROM documents").fetchall()
    return set(rows), set(nodes)


def test_schema_pragmas_and_migrations(tmp_path):
    from pipeline.archive.schema import MIGRATIONS
    versions = [m[0] for m in MIGRATIONS]
    assert versions == list(range(1, len(versions) + 1))  # numbered 1, 2, 3 … with no gap or repeat
    with Archive(tmp_path / "a.sqlite") as a:
        assert a.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert a.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert [r[0] for r in a.db.execute("SELECT version FROM schema_migrations")] == versions
        identity = a.db.execute("SELECT archive FROM state").fetchone()[0]
    with Archive(tmp_path / "a.sqlite") as a:  # reopening applies nothing twice
        assert a.db.execute("SELECT count(*) FROM schema_migrations").fetchone()[0] == len(versions)
        assert a.db.execute("SELECT archive FROM state").fetchone()[0] == identity and len(identity) == 32


def test_migration_3_moves_record_and_text_apart_and_keeps_them(tmp_path):
    """An archive made before migration 3 (record and text inside documents) opens with both moved to
    contents, unchanged, the documents rows otherwise as they were, and the change counter in place."""
    path = tmp_path / "old.sqlite"
    old = archive_before(path, 3)
    old.execute("INSERT INTO documents (id, key, stub, full_number, record, text, created, updated) "
                "VALUES (1, '5/2024/ND-CP', 0, '5/2024/NĐ-CP', '{\"subject\": \"Về việc\"}', 'Điều 1. …', 't', 't')")
    old.execute("INSERT INTO documents (id, key, stub, created, updated) VALUES (2, 'stub', 1, 't', 't')")
    old.execute("INSERT INTO refs (src_id, dst_id, relation) VALUES (1, 2, 'legal_basis')")
    old.commit()
    old.close()
    with Archive(path) as a:
        columns = {r[1] for r in a.db.execute("PRAGMA table_info(documents)")}
        assert "record" not in columns and "text" not in columns and "full_number" in columns
        assert [tuple(r) for r in a.db.execute("SELECT * FROM contents")] == [(1, '{"subject": "Về việc"}', "Điều 1. …")]
        assert a.document(1)["record"] == {"subject": "Về việc"} and a.document(2)["record"] is None
        assert a.db.execute("SELECT count(*) FROM refs").fetchone()[0] == 1
        assert a.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert a.db.execute("PRAGMA foreign_key_check").fetchall() == []


def test_every_write_to_documents_or_refs_moves_the_change_counter(tmp_path):
    """The graph caches are keyed on state.changes: a write through vanban or through plain SQL (another
    tool, a clerk in Datasette) must move it; writing the large values in contents must not."""
    file_all(tmp_path / "a.sqlite", "022.pdf")
    con = sqlite3.connect(tmp_path / "a.sqlite", isolation_level=None)
    changes = lambda: con.execute("SELECT changes FROM state").fetchone()[0]
    start = changes()
    assert start > 0  # filing the letter moved it
    statements = ["UPDATE documents SET subject = 'x' WHERE id = 1",
                  "INSERT INTO documents (key, created, updated) VALUES ('new', 't', 't')",
                  "INSERT INTO refs (src_id, dst_id, relation) VALUES (1, (SELECT id FROM documents WHERE key = 'new'), 'refers_to')",
                  "UPDATE refs SET relation = 'amends' WHERE relation = 'refers_to'",
                  "DELETE FROM refs WHERE relation = 'amends'",
                  "DELETE FROM documents WHERE key = 'new'"]
    for sql in statements:
        before = changes()
        con.execute(sql)
        assert changes() > before, sql
    before = changes()
    con.execute("UPDATE contents SET text = 'changed'")
    assert changes() == before


def test_a_cited_document_is_a_stub_until_it_arrives(tmp_path):
    db = tmp_path / "a.sqlite"
    first = file_all(db, "022.pdf")[0]
    assert first.outcome == "new" and first.new_edges == 1
    with Archive(db) as a:
        stub = a.db.execute("SELECT id, stub, full_number, date FROM documents WHERE key = '1074/2026/QD-BXD@bxd'").fetchone()
        assert tuple(stub)[1:] == (1, "1074/QĐ-BXD", "2026-06-29")
    second = file_all(db, "023.pdf")[0]
    assert second.outcome == "stub_resolved" and second.document_id == stub[0] and second.stubs_resolved == 1
    with Archive(db) as a:
        doc = a.document(stub[0])
        assert not doc["stub"] and doc["issuer"] == "BỘ XÂY DỰNG" and doc["record"]["signer"] == "Phạm Minh Hà"
        kinds = [r[0] for r in a.db.execute("SELECT kind FROM events ORDER BY id")]
        assert kinds == ["intake", "stub_resolved"]


def test_the_same_letters_in_any_order_give_the_same_graph(tmp_path):
    letters = ["022.pdf", "023.pdf", "035.pdf", "037.pdf", "001.txt"]
    file_all(tmp_path / "a.sqlite", *letters)
    file_all(tmp_path / "b.sqlite", *reversed(letters))
    assert edges(tmp_path / "a.sqlite") == edges(tmp_path / "b.sqlite")
    rows, nodes = edges(tmp_path / "a.sqlite")
    assert ("2170/2026/QD-UBND@uy-ban-nhan-dan-tinh-lao-cai", 0) in nodes  # 037 cites 035, which is held
    assert (None, "2170/2026/QD-UBND@uy-ban-nhan-dan-tinh-lao-cai", "legal_basis") in rows  # 037 has no number: no key


def test_same_bytes_are_one_source_and_another_copy_is_another_source(tmp_path):
    db = tmp_path / "a.sqlite"
    added = file_all(db, "022.pdf", "022.pdf", "022.txt")
    assert [a.outcome for a in added] == ["new", "duplicate", "another_source"]
    with Archive(db) as a:
        doc = a.document(added[0].document_id)
        assert sorted(s["format"] for s in doc["sources"]) == ["pdf", "txt"]
        assert a.db.execute("SELECT count(*) FROM documents WHERE stub = 0").fetchone()[0] == 1


@pytest.mark.parametrize("order", [("doc_000211.txt", "doc_000216.txt"), ("doc_000216.txt", "doc_000211.txt")])
def test_the_record_is_read_from_the_fullest_source_whatever_came_first(tmp_path, order):
    """vbpl.vn's page of a decree's properties (no body) and the page with its text are two sources of one
    document (243/2025/NĐ-CP); its record and citations are the body's, in either order of arrival."""
    with Archive(tmp_path / "a.sqlite") as a:
        added = [a.add(VBPL / n, extract_letter(read_document(VBPL / n))) for n in order]
        assert [x.outcome for x in added] == ["new", "another_source"]
        doc = a.document(added[0].document_id)
        cited = {r[0] for r in a.db.execute("SELECT d.full_number FROM refs r JOIN documents d ON d.id = r.dst_id "
                                            "WHERE r.src_id = ?", (added[0].document_id,))}
        kinds = [json.loads(r[0]).get("record") for r in a.db.execute("SELECT detail FROM events ORDER BY id")]
    assert doc["key"] == "243/2025/ND-CP" and len(doc["sources"]) == 2
    assert doc["record"]["source"]["path"].endswith("doc_000216.txt")
    assert {"64/2020/QH14", "63/2025/QH15"} <= cited and len(cited) == len(doc["record"]["references"]) == 9
    assert kinds == [None, True if order[1] == "doc_000216.txt" else None]


def test_originals_are_stored_unchanged_and_read_only(tmp_path):
    db = tmp_path / "a.sqlite"
    file_all(db, "031.docx")
    with Archive(db) as a:
        stored = a.db.execute("SELECT sha256, stored FROM sources").fetchone()
        copy = a.originals / stored["stored"]
    assert copy.read_bytes() == (DOCS / "031.docx").read_bytes()
    assert copy.name == stored["sha256"] + ".docx" and not (copy.stat().st_mode & 0o222)


def test_search_ignores_diacritics_and_d_stroke(tmp_path):
    db = tmp_path / "a.sqlite"
    with Archive(db) as a:
        a.add(SAMPLES / "seed-letter.txt", extract_letter(read_document(SAMPLES / "seed-letter.txt")))
        a.add(DOCS / "022.pdf", extract_letter(read_document(DOCS / "022.pdf", ocr=False)))
        assert [r["subject"][:20] for r in a.search("dao tao")] == ["tiếp tục đẩy mạnh cô"]
        assert a.search("ĐÀO TẠO") == a.search("dao tao")
        assert [r["issuer"] for r in a.search("phong chay chua chay")] == ["ỦY BAN NHÂN DÂN TỈNH LÀO CAI"]
        assert a.search("khong co tu nay") == []


def test_lookup_accepts_what_people_type(tmp_path):
    db = tmp_path / "a.sqlite"
    file_all(db, "022.pdf", "023.pdf", "001.txt")
    with Archive(db) as a:
        want = a.db.execute("SELECT id FROM documents WHERE key = '79/2017/ND-CP'").fetchone()[0]
        for typed in ("79/2017/ND-CP", "79/2017/NĐ-CP", "79/2017/nđ-cp", "Nghị định 79/2017", "NĐ 79/2017"):
            assert resolve(a.db, typed)["id"] == want, typed
        assert resolve(a.db, "1074/QĐ-BXD")["key"] == "1074/2026/QD-BXD@bxd"
        a.db.execute("INSERT INTO documents (key, stub, full_number, number, symbol, year, doc_type, created, updated) "
                     "VALUES ('1074/2025/QD-BXD@bxd', 1, '1074/QĐ-BXD', '1074', 'QĐ-BXD', 2025, 'Quyết định', '', '')")
        with pytest.raises(Ambiguous) as err:
            resolve(a.db, "1074/QĐ-BXD")
        assert {c["key"] for c in err.value.candidates} == {"1074/2026/QD-BXD@bxd", "1074/2025/QD-BXD@bxd"}
        with pytest.raises(NotFound):
            resolve(a.db, "999/QĐ-XYZ")


def test_cli_ingest_report_and_show(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for name in ("022.pdf", "023.pdf"):
        (inbox / name).write_bytes((DOCS / name).read_bytes())
    (inbox / "copy.pdf").write_bytes((DOCS / "022.pdf").read_bytes())
    (inbox / "empty.txt").write_bytes(b"")
    (inbox / "link.pdf").symlink_to(inbox / "022.pdf")
    db = str(tmp_path / "a.sqlite")
    run = CliRunner().invoke(main, ["ingest", str(inbox), "--db", db, "--json", "--no-ocr"])
    report = json.loads(run.stdout)
    assert report["schema"] == "vanban.run/1" and len(report["files"]) == 5
    outcomes = {f["path"].rsplit("/", 1)[1]: (f["outcome"], f["reason"]) for f in report["files"]}
    assert outcomes["empty.txt"] == ("quarantined", "empty") and outcomes["link.pdf"] == ("quarantined", "symlink")
    assert sorted(o for o, _ in outcomes.values()).count("duplicate") == 1
    assert (tmp_path / "quarantine").is_dir() and list((tmp_path / "quarantine").glob("*.json"))
    again = json.loads(CliRunner().invoke(main, ["ingest", str(inbox), "--db", db, "--json", "--no-ocr"]).stdout)
    assert again["new_documents"] == 0 and again["counts"]["skipped"] >= 2
    shown = CliRunner().invoke(main, ["show", "Quyết định 1074", "--db", db, "--json"])
    data = json.loads(shown.stdout)
    # 022 prints its number in an e-office widget, read as text even with --no-ocr (issue 16)
    assert data["full_number"] == "1074/QĐ-BXD" and [d["full_number"] for d in data["cited_by"]] == ["7432/UBND-XD"]


def test_a_batch_that_changed_a_large_archive_prepares_the_graph_arrays(tmp_path, monkeypatch):
    import pipeline.graph as graph

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "022.pdf").write_bytes((DOCS / "022.pdf").read_bytes())
    db = tmp_path / "a.sqlite"
    CliRunner().invoke(main, ["ingest", str(inbox), "--db", str(db), "--no-ocr"])
    assert not (tmp_path / "a.sqlite.graph-cache.npz").exists()  # small: the SQLite walk answers
    monkeypatch.setattr(graph, "WARM_ABOVE", 0)
    (inbox / "023.pdf").write_bytes((DOCS / "023.pdf").read_bytes())
    CliRunner().invoke(main, ["ingest", str(inbox), "--db", str(db), "--no-ocr"])
    assert (tmp_path / "a.sqlite.graph-cache.npz").exists()
