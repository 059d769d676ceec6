"""One identity however a number is written (issue 17, item 1): every form people type resolves to the same
document in `show`, every `graph` command, the desk's pages and its API; citations written either way join one
node whatever the order of filing; numbers split by the portal's renderer are repaired even where the pattern
shows once; an archive keyed by an older vanban is re-keyed and merged by migration 6; an id too large for
SQLite's INTEGER is not found (issue 15). The archives are built at test time from real letters (the vbpl.vn
national set and the dev letters) by `vanban ingest` in a subprocess."""
import json
import shutil
import sqlite3
import subprocess
import sys

import pytest
from click.testing import CliRunner

import pipeline.graph as graph
from pipeline.archive import Archive, resolve
from pipeline.archive.schema import MIGRATIONS
from pipeline.cli import main
from pipeline.desk.app import create_app
from pipeline.errors import NotFound
from pipeline.graph.export import node_link
from pipeline.ingest import read_document
from pipeline.nlp import read_letter
from pipeline.text.splitglyph import repair_split_glyphs

from conftest import DEV, ROOT, SHARED

VBPL = SHARED / "corpus" / "vbpl" / "docs"
# real letters: 02/2026/TT-BTP (doc_000058) cites 09/2026/NĐ-CP (doc_000460); the dev letter 022 (7432/UBND-XD
# of UBND tỉnh Lào Cai) cites 023 (1074/QĐ-BXD); 03/2026/TT-BXD, 06/2019/TT-BVHTTDL, 2170/QĐ-UBND cite stubs.
LETTERS = {"vbpl-058.txt": VBPL / "doc_000058.txt", "vbpl-460.txt": VBPL / "doc_000460.txt",
           "vbpl-042.txt": VBPL / "doc_000042.txt", "dev-001.txt": DEV / "docs" / "001.txt",
           "dev-022.txt": DEV / "docs" / "022.txt", "dev-023.txt": DEV / "docs" / "023.txt",
           "dev-035.txt": DEV / "docs" / "035.txt"}
LAO_CAI = "uy-ban-nhan-dan-tinh-lao-cai"

# the document's key → what people type for it: zeros, Đ/D, case, spacing, dashes, the type word in front
TYPED = {
    "9/2026/ND-CP": ["9/2026/NĐ-CP", "09/2026/NĐ-CP", "9/2026/ND-CP", "09/2026/nđ-cp", "9/2026/nd-cp",
                     "9 / 2026 / NĐ - CP", "09/2026/NĐ\u2013CP", "Nghị định 9/2026/NĐ-CP", "Nghị định số 09/2026/NĐ-CP",
                     "nghị định 9/2026", "Nghị định 09/2026", "NĐ 9/2026", "ND 09/2026", "nghi dinh 9/2026",
                     "Nghị định số 09/2026/NĐ-CP ngày 10 tháng 01 năm 2026"],
    "2/2026/TT-BTP": ["2/2026/TT-BTP", "02/2026/TT-BTP", "Thông tư 2/2026/TT-BTP", "thông tư 02/2026", "TT 2/2026",
                      "02/2026/tt-btp"],
    "3/2026/TT-BXD": ["Thông tư 3/2026/TT-BXD", "3/2026/TT-BXD", "03 /2026/TT - BXD", "thong tu 3/2026"],
    "6/2019/TT-BVHTTDL": ["6/2019/TT-BVHTTDL", "Thông tư 6/2019/TT-BVHTTDL", "TT 06/2019", "06/2019/tt-bvhttdl"],
    f"7432/2026/UBND-XD@{LAO_CAI}": ["7432/UBND-XD", "7432 / UBND - XD", "7432/ubnd-xd", "7432/2026/UBND-XD",
                                     "Công văn 7432/UBND-XD", f"7432/2026/ubnd-xd@{LAO_CAI}",
                                     "7432/2026/UBND-XD@UBND tỉnh Lào Cai"],
    f"2170/2026/QD-UBND@{LAO_CAI}": ["2170/QĐ-UBND", "2170/QD-UBND", "2170 /QĐ - UBND", "Quyết định 2170/QĐ-UBND",
                                     "Quyết định 2170", "QĐ 2170/QĐ-UBND"],
}
CASES = [(key, typed) for key, forms in TYPED.items() for typed in forms]


def ingest(folder, db):
    """`vanban ingest` as a user runs it: a subprocess on the worktree's code."""
    run = subprocess.run([sys.executable, "-m", "pipeline", "ingest", str(folder), "--db", str(db), "--json"],
                         cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    base = tmp_path_factory.mktemp("identity")
    inbox = base / "inbox"
    inbox.mkdir()
    for name, path in LETTERS.items():
        shutil.copyfile(path, inbox / name)
    db = base / "a.sqlite"
    report = ingest(inbox, db)
    assert report["counts"]["done"] == len(LETTERS), report
    with Archive(db) as a:
        ids = {key: a.db.execute("SELECT id FROM documents WHERE key = ? AND stub = 0", (key,)).fetchone()
               for key in TYPED}
    assert all(ids.values()), ids
    return db, {key: row[0] for key, row in ids.items()}


def cli(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def cli_json(*args):
    run = cli(*args, "--json")
    assert run.exit_code == 0, (args, run.output)
    return json.loads(run.stdout)


@pytest.mark.parametrize("key, typed", CASES)
def test_every_typed_form_is_one_document_for_show_and_every_graph_command(archive, key, typed):
    db, ids = archive
    doc = ids[key]
    with Archive(db) as a:
        assert resolve(a.db, typed)["id"] == doc
        want = {name: getattr(graph, name.replace("-", "_"))(a.db, doc)
                for name in ("cites", "cited-by", "chain", "impact")}
        partner = (want["cited-by"] or want["cites"])[0]["key"]
    shown = cli_json("show", typed, "--db", db)
    assert (shown["id"], shown["key"], shown["stub"]) == (doc, key, False)
    for name, rows in want.items():
        assert cli_json("graph", name, typed, "--db", db) == rows, name
    assert want["cites"], "every letter of the set cites something"
    hops = cli_json("graph", "path", typed, partner, "--db", db)
    assert hops[0]["key"] == key and hops[-1]["key"] == partner and len(hops) == 2


@pytest.fixture(scope="module")
def desk(archive):
    db, ids = archive
    app = create_app(db)
    return app.test_client(), db, ids


@pytest.mark.parametrize("key, typed", CASES)
def test_every_typed_form_is_one_document_at_the_desk_and_in_its_api(desk, key, typed):
    client, db, ids = desk
    doc = ids[key]
    page = client.get(f"/letters/{typed}")
    assert page.status_code == 200
    with Archive(db) as a:
        number = a.document(doc)["full_number"]
        around = node_link(graph.build_graph(a.db, around=doc, depth=1))
    assert number in page.get_data(as_text=True)
    letter = client.get(f"/api/letters/{typed}")
    assert letter.status_code == 200 and letter.get_json()["id"] == doc and letter.get_json()["key"] == key
    neighbourhood = client.get(f"/api/graph/{typed}")
    assert neighbourhood.status_code == 200 and neighbourhood.get_json() == around
    assert doc in {n["id"] for n in around["nodes"]} and len(around["nodes"]) > 1


def test_an_id_too_large_for_sqlite_is_not_found_in_the_cli_and_the_desk(desk):
    client, db, ids = desk
    huge = "99999999999999999999999"
    for args in (("show", huge), ("graph", "cites", huge), ("graph", "path", huge, "7432/UBND-XD")):
        run = cli(*args, "--db", db)
        assert run.exit_code == NotFound.exit_code, run.output  # the convention of pipeline.errors, not a crash
        assert "no archived document answers to '99999999999999999999999'" in run.output, run.output
        assert not isinstance(run.exception, OverflowError)
    for url in (f"/letters/{huge}", f"/api/letters/{huge}", f"/api/graph/{huge}", f"/letters/{huge}/graph"):
        assert client.get(url).status_code == 404, url
    assert client.get(f"/api/letters/{huge}").get_json()["error"] == "NotFound"
    smallest_too_big = str(2 ** 63)
    assert cli("show", smallest_too_big, "--db", db).exit_code == NotFound.exit_code
    assert cli_json("show", str(ids["9/2026/ND-CP"]), "--db", db)["key"] == "9/2026/ND-CP"  # ids still work


def test_a_typed_form_with_other_words_is_not_guessed(archive):
    db, _ = archive
    with Archive(db) as a:
        for typed in ("xem 9/2026/NĐ-CP", "9/2026/NĐ-CP hay không", "Nghị định 9/2025", "9/2026/NĐ-CPX",
                      "9/2026/NĐ-CP, 2/2026/TT-BTP"):
            with pytest.raises(NotFound):
                resolve(a.db, typed)


# -- citations written either way join one node, whatever the order of filing -------------------------------
CITED, CITING = VBPL / "doc_000460.txt", VBPL / "doc_000058.txt"  # 09/2026/NĐ-CP; 02/2026/TT-BTP cites it
HEAD = "Số: 09/2026/NĐ-CP\nHà Nội, ngày 10 tháng 01 năm 2026"
# how the cited letter's own header and the citing letter's citation are written
WRITINGS = [
    pytest.param("Số: 09/2026/NĐ-CP\nHà Nội, ngày 10 tháng 01 năm 2026", "Nghị định số 9/2026/ND-CP", id="zeros-and-D"),
    pytest.param("Số: 9/2026/NĐ-CP\nHà Nội, ngày 10 tháng 01 năm 2026", "Nghị định số 09 / 2026 / NĐ – CP",
                 id="zeros-spaces-dash"),
    pytest.param("Số: 0 9 /202 6 /NĐ-CP\nHà Nội, ngày 1 0 tháng 0 1 năm 202 6", "Nghị định số 09/2026/NĐ-CP",
                 id="split-glyphs-once"),
    pytest.param("Số: 09/2026/NĐ-CP\nHà Nội, ngày 10 tháng 01 năm 2025", "Nghị định số 09/2026/NĐ-CP",
                 id="date-misprinted"),  # as on the portal's page of 07/2026/TT-BCT (doc_000076): dated 2024
]


def _written(path, old, new, folder):
    """A copy of a real letter, alone in `folder`, with its number written another way."""
    text = path.read_text(encoding="utf-8")
    assert old in text
    folder.mkdir()
    out = folder / path.name
    out.write_text(text.replace(old, new), encoding="utf-8")
    return out


@pytest.mark.parametrize("cited_first", [False, True], ids=["citing-first", "cited-first"])
@pytest.mark.parametrize("own, cited_as", WRITINGS)
def test_citations_written_either_way_join_the_letter_in_either_order(tmp_path, own, cited_as, cited_first):
    cited = _written(CITED, HEAD, own, tmp_path / "cited")
    citing = _written(CITING, "Nghị định số 09/2026/NĐ-CP", cited_as, tmp_path / "citing")
    db = tmp_path / "a.sqlite"
    first, second = (cited, citing) if cited_first else (citing, cited)
    ingest(first.parent, db)
    ingest(second.parent, db)
    c = sqlite3.connect(db)
    nodes = c.execute("SELECT id, key, stub, full_number FROM documents WHERE ltrim(number, '0') = '9' "
                      "AND symbol IN ('NĐ-CP', 'ND-CP')").fetchall()
    assert [(key, stub) for _, key, stub, _ in nodes] == [("9/2026/ND-CP", 0)], nodes
    citing_id = c.execute("SELECT id FROM documents WHERE key = '2/2026/TT-BTP'").fetchone()[0]
    assert c.execute("SELECT relation FROM refs WHERE src_id = ? AND dst_id = ?", (citing_id, nodes[0][0])).fetchone()
    outcomes = [r[0] for r in c.execute("SELECT kind FROM events WHERE document_id = ? ORDER BY id", (nodes[0][0],))]
    assert outcomes == (["intake"] if cited_first else ["stub_resolved"])
    c.close()
    for typed in ("9/2026/NĐ-CP", "09/2026/ND-CP"):
        assert [d["key"] for d in cli_json("graph", "cited-by", typed, "--db", db)] == ["2/2026/TT-BTP"]


def test_two_decrees_with_one_number_in_different_years_stay_two_documents(tmp_path):
    """The portal dates 60/2025/NĐ-CP (doc_000220) in 2026: keyed by its date it took the key of 60/2026/NĐ-CP
    (doc_000039) and was filed as another source of that decree. Keyed by the year in its number, it is itself."""
    inbox = tmp_path / "in"
    inbox.mkdir()
    for name in ("doc_000039.txt", "doc_000220.txt"):
        shutil.copyfile(VBPL / name, inbox / name)
    report = ingest(inbox, tmp_path / "a.sqlite")
    assert sorted(f["outcome"] for f in report["files"]) == ["done", "done"], report["files"]
    c = sqlite3.connect(tmp_path / "a.sqlite")
    held = c.execute("SELECT d.key, d.full_number, s.path FROM documents d JOIN sources s ON s.document_id = d.id "
                     "WHERE d.stub = 0 ORDER BY d.key").fetchall()
    c.close()
    assert [(k, n, p.rsplit("/", 1)[1]) for k, n, p in held] == [
        ("60/2025/ND-CP", "60/2025/NĐ-CP", "doc_000220.txt"), ("60/2026/ND-CP", "60/2026/NĐ-CP", "doc_000039.txt")]


# -- numbers split by the portal's renderer ------------------------------------------------------------------
@pytest.mark.parametrize("split, joined", [
    ("Số: 78 /202 5 /TT-BCA", "Số: 78/2025/TT-BCA"),                        # the pattern once, in the number
    ("Số: 2 95 /2025/NĐ-CP", "Số: 295/2025/NĐ-CP"),                          # digits of the number
    ("Luật số: 120 /202 5 /QH1 5", "Luật số: 120/2025/QH15"),                # a legislature term
    ("Căn cứ Nghị định số 9 4 /20 22 /NĐ-CP ngày 0 7 tháng 11 năm 20 22 của",
     "Căn cứ Nghị định số 94/2022/NĐ-CP ngày 07 tháng 11 năm 2022 của"),
    ("Thông tư số 22 /202 3 /TT- B TNMT ngày 15", "Thông tư số 22/2023/TT-BTNMT ngày 15"),
    ("NGHỊ ĐỊNH SỐ 123/20 1 8/NĐ-CP NGÀY 17 THÁNG 9 NĂM 201 8", "NGHỊ ĐỊNH SỐ 123/2018/NĐ-CP NGÀY 17 THÁNG 9 NĂM 2018"),
    ("Nghị quyết số 178/ 202 5 /QH15 ngày", "Nghị quyết số 178/2025/QH15 ngày"),
    ("Hà Nội, ngày 1 5 tháng 1 1 năm 2025", "Hà Nội, ngày 15 tháng 11 năm 2025"),
    ("trong năm 202 6 .", "trong năm 2026 ."),
])
def test_split_numbers_and_dates_are_joined_by_the_rules_of_the_genre(split, joined):
    from pipeline.text.splitglyph import repair_split_numbers

    assert repair_split_numbers(split) == joined
    assert repair_split_glyphs(split) == joined  # what the text and HTML readers run on every page


@pytest.mark.parametrize("text", [
    "STT 1 94/2022/NĐ-CP",              # a list number before a number, no "số": not part of it
    "Số: 82 /2025/TT-BNNMT",            # nothing split: as printed (the grammar reads the space)
    "số 1 2/21 5/NĐ-CP",                # 215 is no year
    "năm 2025 2026",                    # two years side by side
    "ngày 3 2 tháng 1 năm 2025",        # no 32nd day
    "trong 1 5 ngày",                   # no date phrase
])
def test_digits_that_make_no_number_or_date_are_left_as_printed(text):
    """The guard of the rule above (it held before the rule existed, and must hold with it)."""
    assert repair_split_glyphs(text) == text


@pytest.mark.parametrize("name, number, date", [
    ("doc_000561.txt", "18/2025/TT-BVHTTDL", "2025-12-11"),   # was 5/TT-BVHTTDL
    ("doc_000116.txt", "120/2025/QH15", "2025-12-10"),         # was 5/QH1
    ("doc_000616.txt", "295/2025/NĐ-CP", "2025-11-15"),        # was 95/2025/NĐ-CP, no date
])
def test_real_portal_pages_with_a_split_number_read_whole(name, number, date):
    letter = read_letter(read_document(VBPL / name))
    assert (letter.full_number, letter.date) == (number, date)


def test_a_split_number_once_in_a_portal_html_page_is_repaired(tmp_path):
    page = tmp_path / "p.html"
    page.write_text("<html><body><div class='toanvancontent'><table><tr><td><p>BỘ CÔNG AN</p><p>Số: 78 /202 5 /TT-BCA"
                    "</p></td><td><p>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</p><p>Độc lập - Tự do - Hạnh phúc</p>"
                    "<p>Hà Nội, ngày 1 5 tháng 1 1 năm 202 5</p></td></tr></table><p>THÔNG TƯ</p><p>Quy định về "
                    "công tác văn thư</p><p>Căn cứ Nghị định số 30/2020/NĐ-CP của Chính phủ;</p><p>Điều 1. Phạm vi</p>"
                    "<p>BỘ TRƯỞNG</p><p>Lương Tam Quang</p></div></body></html>", encoding="utf-8")
    letter = read_letter(read_document(page))
    assert (letter.full_number, letter.key, letter.date) == ("78/2025/TT-BCA", "78/2025/TT-BCA", "2025-11-15")


# -- migration 6: an archive keyed by an older vanban --------------------------------------------------------
def test_canonical_key_folds_what_people_type_and_older_keys():
    from pipeline.archive.schema import rekeyed
    from pipeline.nlp.keys import canonical_key
    assert canonical_key("05/2026/qđ-ttg") == "5/2026/QD-TTG"
    assert canonical_key("0649 / 2023 / UBND – KSTTHC@UBND tỉnh Hậu Giang") == \
        "649/2023/UBND-KSTTHC@uy-ban-nhan-dan-tinh-hau-giang"
    assert canonical_key("649/UBND-KSTTHC@uy-ban-nhan-dan-tinh-hau-giang#no-year") == \
        "649/UBND-KSTTHC@uy-ban-nhan-dan-tinh-hau-giang#no-year"
    assert canonical_key("name:luat-dau-tu/2020") == "name:luat-dau-tu/2020"
    assert rekeyed("7/2024/TT-BCT", "07/2026/TT-BCT") == "7/2026/TT-BCT"
    assert rekeyed("787/2025/C6-P3@cong-an-tinh-lao-cai", "787/C06-P3") == "787/2025/C06-P3@cong-an-tinh-lao-cai"
    assert rekeyed("15/2025/QD-UBND@uy-ban-nhan-dan-tinh-lao-cai", "15/2025/QĐ-UBND") == \
        "15/2025/QD-UBND@uy-ban-nhan-dan-tinh-lao-cai"


def test_migration_6_rekeys_an_old_archive_and_merges_its_duplicates(tmp_path):
    """An archive as vanban made it before migration 6: doc_000076 (07/2026/TT-BCT, its date misprinted 2024)
    keyed 7/2024/TT-BCT by its date; a letter citing 07/2026/TT-BCT pointing at a stub 7/2026/TT-BCT; and a
    stub 787/C06-P3 keyed by the older fold (787/2025/C6-P3@…) beside the same stub keyed today, each cited by
    another letter. Built by filing the real letters, then writing the rows the older code wrote."""
    from pipeline.archive.schema import rekeyed
    inbox = tmp_path / "in"
    inbox.mkdir()
    shutil.copyfile(VBPL / "doc_000076.txt", inbox / "tt7.txt")
    citing = (VBPL / "doc_000058.txt").read_text(encoding="utf-8").replace(
        "Nghị định số 09/2026/NĐ-CP", "Nghị định số 09/2026/NĐ-CP và Thông tư số 07/2026/TT-BCT", 1)
    (inbox / "citing.txt").write_text(citing, encoding="utf-8")
    for name in ("022.txt", "035.txt"):
        shutil.copyfile(DEV / "docs" / name, inbox / name)
    db = tmp_path / "old.sqlite"
    ingest(inbox, db)
    c = sqlite3.connect(db)
    c.execute("PRAGMA foreign_keys = ON")
    (tt7,) = c.execute("SELECT id FROM documents WHERE key = '7/2026/TT-BCT' AND stub = 0").fetchone()
    (cit,) = c.execute("SELECT id FROM documents WHERE key = '2/2026/TT-BTP'").fetchone()
    (cv,) = c.execute(f"SELECT id FROM documents WHERE key = '7432/2026/UBND-XD@{LAO_CAI}'").fetchone()
    (qd,) = c.execute(f"SELECT id FROM documents WHERE key = '2170/2026/QD-UBND@{LAO_CAI}'").fetchone()
    edge = "SELECT relation FROM refs WHERE src_id = ? AND dst_id = ?"
    assert c.execute(edge, (cit, tt7)).fetchone() == ("legal_basis",)
    # the keys today's code wrote are what migration 6 makes of them: it changes only older keys
    assert all(rekeyed(key, printed) == key for key, printed in c.execute(
        "SELECT key, full_number FROM documents WHERE key IS NOT NULL"))
    # the rows of the older code
    c.execute("UPDATE documents SET key = '7/2024/TT-BCT' WHERE id = ?", (tt7,))
    stub = c.execute("INSERT INTO documents (key, stub, full_number, number, symbol, year, doc_type, created, updated) "
                     "VALUES ('7/2026/TT-BCT', 1, '07/2026/TT-BCT', '07', 'TT-BCT', 2026, 'Thông tư', 't', 't')"
                     ).lastrowid
    c.execute("UPDATE refs SET dst_id = ? WHERE src_id = ? AND dst_id = ?", (stub, cit, tt7))
    old_fold = c.execute("INSERT INTO documents (key, stub, full_number, number, symbol, year, date, created, updated) "
                         f"VALUES ('787/2026/C6-P3@{LAO_CAI}', 1, '787/C06-P3', '787', 'C06-P3', 2026, '2026-03-02', "
                         "'t', 't')").lastrowid
    today = c.execute("INSERT INTO documents (key, stub, full_number, number, symbol, year, issuer, created, updated) "
                      f"VALUES ('787/2026/C06-P3@{LAO_CAI}', 1, '787/C06-P3', '787', 'C06-P3', 2026, "
                      "'Công an tỉnh Lào Cai', 't', 't')").lastrowid
    c.execute("INSERT INTO refs (src_id, dst_id, relation) VALUES (?, ?, 'refers_to')", (cv, old_fold))
    c.execute("INSERT INTO refs (src_id, dst_id, relation) VALUES (?, ?, 'refers_to')", (qd, old_fold))
    c.execute("INSERT INTO refs (src_id, dst_id, relation) VALUES (?, ?, 'legal_basis')", (qd, today))
    c.execute("DROP INDEX documents_number_digits")
    c.execute("DELETE FROM schema_migrations WHERE version = 6")
    c.commit()
    before = c.execute("SELECT count(*) FROM documents").fetchone()[0]
    c.close()

    with Archive(db) as a:  # opening the archive applies migration 6
        assert [r[0] for r in a.db.execute("SELECT version FROM schema_migrations")] == [m[0] for m in MIGRATIONS]
        assert a.db.execute("SELECT count(*) FROM documents").fetchone()[0] == before - 2
        assert tuple(a.db.execute("SELECT id, stub FROM documents WHERE key = '7/2026/TT-BCT'").fetchone()) == (tt7, 0)
        gone = a.db.execute("SELECT count(*) FROM documents WHERE key = '7/2024/TT-BCT' OR id = ?", (stub,))
        assert gone.fetchone()[0] == 0
        assert a.db.execute(edge, (cit, tt7)).fetchone()[0] == "legal_basis"
        merged = a.db.execute("SELECT id, key, stub, issuer, date FROM documents WHERE full_number = '787/C06-P3'")
        assert [tuple(r) for r in merged] == [
            (old_fold, f"787/2026/C06-P3@{LAO_CAI}", 1, "Công an tỉnh Lào Cai", "2026-03-02")]
        into = dict(a.db.execute("SELECT src_id, relation FROM refs WHERE dst_id = ?", (old_fold,)).fetchall())
        assert into == {cv: "refers_to", qd: "legal_basis"}  # the stronger relation of the two kept
        kinds = [r[0] for r in a.db.execute("SELECT kind FROM events WHERE kind IN ('merge', 'rekey') ORDER BY id")]
        assert sorted(kinds) == ["merge", "merge", "rekey", "rekey"]  # 7/2024 → 7/2026; C6 → C06
        assert a.db.execute("PRAGMA foreign_key_check").fetchall() == []
        assert a.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert resolve(a.db, "7/2026/TT-BCT")["id"] == tt7 == resolve(a.db, "Thông tư 07/2026/TT-BCT")["id"]
        assert [d["key"] for d in graph.cited_by(a.db, tt7)] == ["2/2026/TT-BTP"]
    with Archive(db) as a:  # applied once
        assert a.db.execute("SELECT count(*) FROM events WHERE kind IN ('merge', 'rekey')").fetchone()[0] == 4
