"""Full-text search (issue 19 item 3) over an archive built at test time by the real batch from real letters:
the same folding for the index and the query (đ included) through the CLI, the desk and its API, and
Datasette; phrases; snippets in the letter's own diacritics; totals and paging; the index kept in step with
every write; an archive made before the index opens with it built.

Each expected set comes from the letters' text as the archive stores it, folded here by hand (NFD without
marks, đ→d) and searched with a regex: no FTS involved in the oracle."""
import asyncio
import json
import re
import shutil
import sqlite3
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

from conftest import DEV, ROOT, SHARED, archive_before

VBPL = SHARED / "corpus" / "vbpl" / "docs"
# doc_000421 and doc_000471 say "đấu thầu"; doc_000294 says "đầu tư" and "thầu" but never "đấu thầu"
VBPL_LETTERS = ("doc_000421.txt", "doc_000471.txt", "doc_000294.txt", "doc_000234.txt", "doc_000229.txt")
MOTTO = "độc lập tự do hạnh phúc"  # every letter here has it: 25 letters
FORMS = ("đào tạo", "dao tao", "Đào tạo", "ĐÀO TẠO")
METADATA = ROOT / "docs" / "datasette-metadata.json"


def plain(text: str | None) -> str:
    """The oracle's folding: lower case, no marks, đ→d, words joined by single spaces."""
    text = unicodedata.normalize("NFD", (text or "").lower().replace("đ", "d"))
    return " ".join(re.findall(r"[a-z0-9]+", "".join(c for c in text if not unicodedata.combining(c))))


def holding(db: Path, phrase: str) -> set[int]:
    """Documents whose number, type, issuer, subject or text holds `phrase` (folded), read from the tables."""
    want = f" {plain(phrase)} "
    con = sqlite3.connect(db)
    rows = con.execute("SELECT d.id, coalesce(d.full_number, d.symbol), d.doc_type, d.issuer, d.subject, c.text "
                       "FROM documents d LEFT JOIN contents c ON c.document_id = d.id").fetchall()
    con.close()
    return {r[0] for r in rows if any(want in f" {plain(v)} " for v in r[1:])}


def vanban(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=300)


def cli_search(db: Path, query: str, *extra) -> list[dict]:
    done = vanban("search", query, "--db", str(db), "--json", *extra)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.fixture(scope="module")
def archive(tmp_path_factory) -> Path:
    inbox = tmp_path_factory.mktemp("inbox")
    for path in sorted((DEV / "docs").glob("*.txt")):  # 20 letters (the text of the PDFs and DOCX among them)
        shutil.copy(path, inbox)
    for name in VBPL_LETTERS:
        shutil.copy(VBPL / name, inbox)
    db = tmp_path_factory.mktemp("archive") / "archive.sqlite"
    done = vanban("ingest", str(inbox), "--db", str(db))
    assert done.returncode == 0, done.stderr
    con = sqlite3.connect(db)
    assert con.execute("SELECT count(*) FROM documents WHERE stub = 0").fetchone()[0] == 25
    con.close()
    return db


def ids(rows) -> set[int]:
    return {r["id"] for r in rows}


def test_cli_finds_the_same_letters_with_or_without_diacritics_and_d(archive):
    expected = holding(archive, "đào tạo")
    assert len(expected) >= 4  # 016, 017 and the Sở/Bộ Giáo dục và Đào tạo letters and stubs
    for query in FORMS:
        assert ids(cli_search(archive, query, "--limit", "100")) == expected, query
    # before: "dao tao" found every letter holding "đạo" (chỉ đạo, lãnh đạo) and "tạo" anywhere
    scattered = holding(archive, "dao") & holding(archive, "tao")
    assert len(scattered) > len(expected)


def test_words_typed_together_are_a_phrase(archive):
    bidding = cli_search(archive, "dau thau")
    assert ids(bidding) == holding(archive, "đấu thầu") and len(bidding) == 2
    assert ids(cli_search(archive, "đấu thầu")) == ids(bidding) == ids(cli_search(archive, "ĐẤU THẦU"))
    con = sqlite3.connect(archive)
    [(other, text)] = con.execute("SELECT document_id, text FROM contents WHERE text LIKE '%60/2025/TT-BXD%'")
    con.close()
    assert "đầu tư" in text and "thầu" in text  # both syllables, never together
    assert other not in ids(bidding)
    assert other in ids(cli_search(archive, "dau tu"))  # and it is found for what it does say
    # commas separate phrases that must all be there
    both = ids(cli_search(archive, "dau thau, viet nam"))
    assert both == ids(bidding)
    assert ids(cli_search(archive, "dau thau, khong co cum tu nay")) == set()


def test_snippet_shows_the_letters_own_diacritics(archive):
    rows = cli_search(archive, "dao tao", "--limit", "100")
    held = [r for r in rows if not r["stub"]]
    assert held
    for r in held:
        marked = re.findall(r"\[([^\]]+)\]", r["snippet"])
        assert marked and all(plain(m) == "dao tao" for m in marked), r["snippet"]
        assert all(re.search("[đĐ]", m) and re.search("[àÀ]", m) for m in marked), r["snippet"]
    # the snippet is the stored text itself around the match, not a folded copy
    con = sqlite3.connect(archive)
    text = " ".join(con.execute("SELECT text FROM contents WHERE document_id = ?", (held[0]["id"],)).fetchone()[0].split())
    con.close()
    assert held[0]["snippet"].strip("…").replace("[", "").replace("]", "") in text


def test_cli_pages_and_totals(archive):
    everything = cli_search(archive, MOTTO, "--limit", "100")
    assert len(everything) == 25 == len(holding(archive, MOTTO))
    pages = [cli_search(archive, "doc lap tu do hanh phuc", "--limit", "10", "--page", str(n)) for n in (1, 2, 3, 4)]
    assert [len(p) for p in pages] == [10, 10, 5, 0]
    assert {r["total"] for p in pages for r in p} == {25}
    assert [r["position"] for p in pages for r in p] == list(range(1, 26))
    assert [r["id"] for p in pages for r in p] == [r["id"] for r in everything]  # the same order, no overlap
    assert [r["id"] for r in cli_search(archive, MOTTO, "--limit", "10", "--offset", "20")] == \
        [r["id"] for r in pages[2]]
    done = vanban("search", "ĐỘC LẬP TỰ DO HẠNH PHÚC", "--db", str(archive), "--limit", "10", "--page", "3")
    assert done.returncode == 0 and done.stdout.splitlines()[-1] == "25 matches; 21-25 shown (page 3 of 3)"
    assert vanban("search", MOTTO, "--db", str(archive), "--page", "2", "--offset", "3").returncode == 2


def test_desk_pages_totals_snippets_and_api(archive):
    from pipeline.desk.app import create_app

    app = create_app(archive)
    app.config["VANBAN_PAGE_SIZE"] = 10
    client = app.test_client()
    expected = holding(archive, "đào tạo")
    for query in FORMS:
        r = client.get("/api/letters", query_string={"q": query, "stubs": "1", "limit": 100})
        assert ids(r.get_json()) == expected and r.headers["X-Total-Count"] == str(len(expected)), query
        assert all("[" in i["snippet"] for i in r.get_json() if not i["stub"])
    held = client.get("/api/letters", query_string={"q": "dau thau"}).get_json()
    assert ids(held) == holding(archive, "đấu thầu")
    page = client.get("/api/letters", query_string={"q": MOTTO, "limit": 10, "offset": 20})
    assert len(page.get_json()) == 5 and page.headers["X-Total-Count"] == "25"

    first = client.get("/letters", query_string={"q": "doc lap tu do hanh phuc"}).get_data(as_text=True)
    assert re.search(r'id="total">25 kết quả · 1–10<', first)
    links = re.findall(r'href="(/letters\?[^"]*page=(\d))"', first)
    assert sorted({n for _, n in links}) == ["2", "3"]
    last = client.get(next(h for h, n in links if n == "3").replace("&amp;", "&")).get_data(as_text=True)
    assert re.search(r'id="total">25 kết quả · 21–25<', last) and '<strong aria-current="page">3</strong>' in last
    assert last.count('<div class="snippet">') == 5 and "<mark>" in last
    shown = client.get("/letters", query_string={"q": "Đào tạo"}).get_data(as_text=True)
    assert re.search(r"<mark>(Đào tạo|ĐÀO TẠO|đào tạo)</mark>", shown)


def test_datasette_finds_the_full_text_table_and_dao_tao(archive, tmp_path):
    from datasette.app import Datasette

    expected = holding(archive, "đào tạo")
    db = tmp_path / "archive.sqlite"  # a copy, so Datasette's connections leave the module's archive alone
    src = sqlite3.connect(archive)
    dst = sqlite3.connect(db)
    src.backup(dst)
    src.close()
    dst.close()

    async def get(ds, path, **params):
        r = await ds.client.get(path, params=params)
        assert r.status_code == 200, (path, r.text[:300])
        return r

    async def found(ds, table, query):
        r = await get(ds, f"/archive/{table}.json", _search=query, _shape="array", _size="max")
        return {row["id" if table == "documents" else "rowid"] for row in r.json()}

    async def run():
        bare = Datasette([str(db)])  # no metadata: the index is found from content="documents_search"
        page = (await get(bare, "/archive/documents_search")).text
        assert 'name="_search"' in page
        for query in FORMS:  # Datasette hands the words to MATCH as typed, each word on its own…
            assert await found(bare, "documents_search", query) >= expected, query
            # …and a phrase in quotes: exactly the letters that say it
            assert await found(bare, "documents_search", f'"{query}"') == expected, query
        assert await found(bare, "documents_search", '"dau thau"') == holding(archive, "đấu thầu")

        ds = Datasette([str(db)], metadata=json.loads(METADATA.read_text(encoding="utf-8")))
        page = (await get(ds, "/archive/documents")).text
        assert 'name="_search"' in page and "Văn bản" in page
        for query in FORMS:
            assert await found(ds, "documents", f'"{query}"') == expected, query
            assert await found(ds, "documents", query) >= expected, query
        register = (await get(ds, "/archive/incoming_register.json", _shape="array")).json()
        assert [r["Số đến"] for r in register] == list(range(1, 26)) and "Tên loại và trích yếu nội dung" in register[0]

    asyncio.run(run())


def vocabulary(db: Path) -> list[tuple]:
    """Every (term, document, column, offset) the index holds."""
    con = sqlite3.connect(db)
    con.execute("CREATE VIRTUAL TABLE temp.v USING fts5vocab(main, 'documents_fts', 'instance')")
    rows = sorted(con.execute("SELECT term, doc, col, offset FROM temp.v"))
    con.close()
    return rows


def rebuilt(db: Path, tmp: Path) -> list[tuple]:
    """The vocabulary of the same archive with its index built from scratch."""
    copy = tmp / "rebuilt.sqlite"
    src, dst = sqlite3.connect(db), sqlite3.connect(copy)
    src.backup(dst)
    src.close()
    dst.execute("INSERT INTO documents_fts (documents_fts) VALUES ('rebuild')")
    dst.commit()
    dst.close()
    return vocabulary(copy)


def test_the_index_follows_every_write(archive, tmp_path):
    from pipeline.archive import Archive
    from pipeline.archive import corrections as cx

    db = tmp_path / "a.sqlite"
    src, dst = sqlite3.connect(archive), sqlite3.connect(db)
    src.backup(dst)
    src.close()
    dst.close()
    with Archive(db) as a:
        doc = next(r["id"] for r in a.search("dau thau") if not r["stub"])
        other = next(r["id"] for r in a.search("dau tu", 100) if not r["stub"])
        cx.correct(a, other, {"subject": "Về dấu tư của cơ quan", "issuer": "SỞ ĐÀO TẠO THỬ"}, "tests")
        # folding is lossy by design: "dau tu" finds "đầu tư" and "dấu tư" alike
        assert other in ids(a.search("dau tu")) and other in ids(a.search("dấu tư"))
        assert other in ids(a.search("so dao tao thu")) and other in ids(a.search("Sở Đào tạo thử"))
        cx.correct(a, other, {"issuer": None}, "tests")  # cleared: no issuer to find it by
        assert other not in ids(a.search("so dao tao thu"))
        with a.transaction():  # plain SQL, as a tool or a clerk in Datasette would write
            a.db.execute("UPDATE contents SET text = text || ' Đề án đặc biệt XYZQ' WHERE document_id = ?", (doc,))
            a.db.execute("UPDATE documents SET subject = 'Quản lý đê điều' WHERE id = ?", (doc,))
            a.db.execute("INSERT INTO contents (document_id, text) VALUES (?, 'Đê điều mới') "
                         "ON CONFLICT (document_id) DO UPDATE SET text = excluded.text || ' ' || contents.text",
                         (doc,))
        assert ids(a.search("de an dac biet xyzq")) == {doc} == ids(a.search("de dieu moi"))
        assert ids(a.search("quan ly de dieu")) == {doc}
        # sqlite-utils' way of replacing a row: INSERT OR REPLACE with recursive triggers on (its default)
        a.db.execute("PRAGMA recursive_triggers = ON")
        with a.transaction():
            a.db.execute("INSERT OR REPLACE INTO contents (document_id, record, text) SELECT document_id, record, "
                         "text || ' Phụ lục ĐQW' FROM contents WHERE document_id = ?", (other,))
        a.db.execute("PRAGMA recursive_triggers = OFF")
        assert ids(a.search("phu luc dqw")) == {other}
        # re-extraction from the stored original writes the document and its text again
        from pipeline.ingest import read_document
        from pipeline.nlp import extract_letter
        stored = a.db.execute("SELECT stored FROM sources WHERE document_id = ?", (doc,)).fetchone()[0]
        a.reextract(doc, extract_letter(read_document(archive.parent / "originals" / stored)))  # the copy has no store
        assert doc in ids(a.search("dau thau")) and not a.search("de an dac biet xyzq")
    assert vocabulary(db) == rebuilt(db, tmp_path)
    con = sqlite3.connect(db)
    assert con.execute("INSERT INTO documents_fts (documents_fts) VALUES ('integrity-check')").fetchall() == []
    con.close()


def test_an_archive_made_before_the_index_opens_with_it(tmp_path):
    """Migrations 1-5 only (the old `search` table, folded text inside it): opening the archive builds
    documents_fts from the tables and drops `search`."""
    from pipeline.archive import Archive

    path = tmp_path / "old.sqlite"
    old = archive_before(path, 6)
    old.execute("INSERT INTO documents (id, key, stub, full_number, doc_type, issuer, subject, created, updated) VALUES "
                "(1, '12/2026/SGDDT', 0, '12/SGDĐT', 'Công văn', 'SỞ GIÁO DỤC VÀ ĐÀO TẠO', 'Về đào tạo giáo viên', 't', 't')")
    old.execute("INSERT INTO contents VALUES (1, '{}', 'Kính gửi các trường. Về công tác đấu thầu thiết bị.')")
    old.execute("INSERT INTO search (rowid, number, issuer, subject, body, doc_type) VALUES "
                "(1, '12/sgddt', 'so giao duc va dao tao', 've dao tao giao vien', 'kinh gui', 'cong van')")
    old.commit()
    old.close()
    with Archive(path) as a:
        names = {r[0] for r in a.db.execute("SELECT name FROM sqlite_master")}
        assert "search" not in names and {"documents_fts", "documents_search", "incoming_register"} <= names
        assert [r["id"] for r in a.search("Đấu thầu")] == [1] == [r["id"] for r in a.search("dao tao giao vien")]
        assert a.search("dau thau")[0]["snippet"] == "Kính gửi các trường. Về công tác [đấu thầu] thiết bị."
        assert a.search_total("ĐÀO TẠO") == 1


def test_the_sql_fold_is_pipeline_fold_d_and_the_tokenizer_folds_the_rest():
    """The index's two halves: the view's replace() and pipeline.text.fold_d change the same letters, one
    character for one; FTS5 unicode61 remove_diacritics 2 folds every other Vietnamese letter to its base
    letter, in either case, precomposed or not."""
    from pipeline.archive.schema import _d_stroke
    from pipeline.text import fold_d

    con = sqlite3.connect(":memory:")
    sample = "Đảng đoàn ĐOÀN ðức Ðức dd"
    assert con.execute(f"SELECT {_d_stroke('?')}", (sample,)).fetchone()[0] == fold_d(sample) == "Dảng doàn DOÀN dức Dức dd"
    vowels = "aàảãáạăằẳẵắặâầẩẫấậeèẻẽéẹêềểễếệiìỉĩíịoòỏõóọôồổỗốộơờởỡớợuùủũúụưừửữứựyỳỷỹýỵ"
    words = [c for c in vowels] + [c.upper() for c in vowels]
    text = " ".join(words) + " " + unicodedata.normalize("NFD", " ".join(words))
    con.execute("CREATE VIRTUAL TABLE t USING fts5(x, tokenize='unicode61 remove_diacritics 2')")
    con.execute("CREATE VIRTUAL TABLE v USING fts5vocab(t, 'instance')")
    con.execute("INSERT INTO t VALUES (?)", (fold_d(text),))
    terms = [r[0] for r in con.execute("SELECT term FROM v ORDER BY offset")]
    assert terms == [plain(w) for w in words] * 2


def test_the_desk_marks_matches_whatever_brackets_the_letter_holds(archive, tmp_path):
    from pipeline.desk.app import create_app

    db = tmp_path / "a.sqlite"
    src, dst = sqlite3.connect(archive), sqlite3.connect(db)
    src.backup(dst)
    src.close()
    doc = dst.execute("SELECT document_id FROM contents WHERE text LIKE '%60/2025/TT-BXD%'").fetchone()[0]
    dst.execute("UPDATE contents SET text = 'Mục [1] về Đào tạo nghề [ghi chú] cuối.' WHERE document_id = ?", (doc,))
    dst.commit()
    dst.close()
    client = create_app(db).test_client()
    item = next(i for i in client.get("/api/letters", query_string={"q": "dao tao nghe"}).get_json() if i["id"] == doc)
    assert item["snippet"] == "Mục [1] về [Đào tạo nghề] [ghi chú] cuối."
    page = client.get("/letters", query_string={"q": "dao tao nghe"}).get_data(as_text=True)
    assert '<div class="snippet">Mục [1] về <mark>Đào tạo nghề</mark> [ghi chú] cuối.</div>' in page
