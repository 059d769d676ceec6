"""Researchers' filters of the graph queries (issue 17 item 3): --issuer, --type, --year, --relation on
`graph cites`, `cited-by`, `chain`, `impact` and `top`, on an archive built by filing real letters of the dev
corpus; the parsing of what is typed as a table; the same answers from the SQLite walk and the whole-graph
arrays."""
import json
import os
import subprocess
import sys

import pytest

from pipeline.archive import Archive
from pipeline.errors import UsageError
from pipeline.graph import chain, cited_by, cites, clear_cache, impact, top
from pipeline.graph.filters import NONE, issuer_words, make, parse_relations, parse_years
from pipeline.ingest import read_document
from pipeline.nlp import extract_letter

from conftest import DEV, ROOT

CORPUS = ["022.pdf", "023.pdf", "037.pdf", "035.pdf", "001.txt", "002.txt", "003.txt", "004.txt", "005.txt",
          "006.txt", "007.txt", "033.docx"]
OCR = {"035.pdf"}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """The real pipeline over dev letters: 022 (UBND tỉnh Lào Cai, implements 023), 023 (Bộ Xây dựng, rests on
    the laws), 035/037 (Lào Cai's decisions), the ministries' circulars."""
    path = tmp_path_factory.mktemp("filters") / "archive.sqlite"
    archive = Archive(path)
    ids = {}
    for name in CORPUS:
        source = DEV / "docs" / name
        ids[name] = archive.add(source, extract_letter(read_document(source, ocr=name in OCR))).document_id
    yield archive, ids, path
    archive.close()


def key_id(db, key):
    return db.execute("SELECT id FROM documents WHERE key = ?", (key,)).fetchone()[0]


def vanban(*args):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "pipeline", *args], capture_output=True, text=True, env=env,
                          cwd=ROOT, timeout=120)


# -- what is typed --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("typed, expected", [
    ("2020", (2020, 2020)), ("2020-2024", (2020, 2024)), (" 2020 – 2024 ", (2020, 2024)), ("2020..2024", (2020, 2024)),
    ("2020-", (2020, None)), ("-2024", (None, 2024)), ("2024-2024", (2024, 2024)), (None, None),
])
def test_year_ranges(typed, expected):
    assert parse_years(typed) == expected


@pytest.mark.parametrize("typed", ["20x", "", "-", "2024-2020", "2020 2024", "202", "2020-24", "since 2020"])
def test_bad_year_ranges_are_usage_errors(typed):
    with pytest.raises(UsageError):
        parse_years(typed)


@pytest.mark.parametrize("typed, expected", [
    (["căn_cứ"], {"legal_basis"}), (["Căn cứ"], {"legal_basis"}), (["can cu"], {"legal_basis"}),
    (["CĂN_CỨ"], {"legal_basis"}), (["legal_basis"], {"legal_basis"}), (["legal-basis"], {"legal_basis"}),
    (["thực_hiện"], {"implements"}), (["Triển khai"], {"implements"}), (["bãi_bỏ"], {"repeals"}),
    (["hết hiệu lực"], {"terminates"}), (["sửa đổi, bổ sung"], {"amends"}), (["đính chính"], {"corrects"}),
    (["dinh chinh"], {"corrects"}), (["implements,căn_cứ"], {"implements", "legal_basis"}),
    (["thay_thế", "repeals"], {"replaces", "repeals"}), ([], None), ([" , "], None),
])
def test_relation_names(typed, expected):
    assert parse_relations(typed) == (frozenset(expected) if expected else None)


@pytest.mark.parametrize("typed", [["cites"], ["căn"], ["implements,foo"], ["legal basis of"]])
def test_unknown_relations_are_usage_errors(typed):
    with pytest.raises(UsageError):
        parse_relations(typed)


@pytest.mark.parametrize("a, b", [
    ("UBND tỉnh Lào Cai", "ỦY BAN NHÂN DÂN TỈNH LÀO CAI"), ("ubnd tinh lao cai", "UỶ BAN NHÂN DÂN TỈNH LÀO CAI"),
    ("HĐND tỉnh Lào Cai", "Hội đồng nhân dân tỉnh Lào Cai"), ("hđnd tỉnh lào cai", "HỘI ĐỒNG NHÂN DÂN TỈNH LÀO CAI"),
    ("UBND TP. Hải Phòng", "Ủy ban nhân dân thành phố Hải Phòng"), ("Sở GD&ĐT", "SỞ GIÁO DỤC VÀ ĐÀO TẠO"),
    ("BỘ XÂY DỰNG", "Bộ Xây dựng"), ("Ðảng ủy", "ĐẢNG ỦY"),  # Ð (U+00D0) and Đ (U+0110) fold alike
    ("Bo Y te", "BỘ Y TẾ"), ("Uỷ ban nhân dân", "ỦY BAN NHÂN DÂN"),
    ("U\u0309Y BAN NHÂN DÂN TỈNH LÀO CAI", "ỦY BAN NHÂN DÂN TỈNH LÀO CAI"),  # decomposed (NFD) as typed on a Mac
])
def test_issuer_forms_fold_alike(a, b):
    assert issuer_words(a) == issuer_words(b) != ""


def test_issuer_matches_whole_words_of_the_name():
    f = make(issuers=["Lào Cai"])
    assert f.issuer_ok("ỦY BAN NHÂN DÂN TỈNH LÀO CAI", None) and f.issuer_ok("Sở Y tế tỉnh Lào Cai", None)
    assert not f.issuer_ok("ỦY BAN NHÂN DÂN TỈNH YÊN BÁI", None) and not f.issuer_ok(None, None)
    assert not make(issuers=["Lào"]).issuer_ok("UBND tỉnh Làoo Cai", None)
    f = make(issuers=["UBND tỉnh Lào Cai"])
    assert not f.issuer_ok("Sở Y tế tỉnh Lào Cai", None)
    assert f.issuer_ok(None, "17/2025/QD-UBND@uy-ban-nhan-dan-tinh-lao-cai")  # no issuer recorded: the key's
    with pytest.raises(UsageError):
        make(issuers=["  "])


# -- the queries, on the real letters ----------------------------------------------------------------------------
def test_impact_by_issuer_type_year_and_relation(corpus):
    archive, ids, _ = corpus
    db = archive.db
    law = key_id(db, "64/2025/QH15")
    every = impact(db, law)
    assert {r["id"] for r in every} == {ids["023.pdf"], ids["003.txt"], ids["004.txt"], ids["022.pdf"]}
    lao_cai = impact(db, law, filters=make(issuers=["UBND tỉnh Lào Cai"]))
    assert [(r["id"], r["depth"], r["relation"], r["via"]) for r in lao_cai] == [
        (ids["022.pdf"], 2, "implements", ids["023.pdf"])]  # depth and via as in the whole closure
    assert impact(db, law, filters=make(types=["Công văn"])) == lao_cai
    assert impact(db, law, filters=make(types=["Công văn"], issuers=["Bộ Xây dựng"])) == []
    # the walk follows only căn cứ edges: 022 implements 023, so it is not reached
    basis = impact(db, law, filters=make(relations=["căn_cứ"]))
    assert {r["id"] for r in basis} == {ids["023.pdf"], ids["003.txt"], ids["004.txt"]}
    assert all(r["relation"] == "legal_basis" and r["depth"] == 1 for r in basis)
    assert impact(db, law, filters=make(relations=["căn_cứ", "thực_hiện"])) == every
    assert [r["id"] for r in impact(db, law, filters=make(years="2026"))] == [
        r["id"] for r in every if r["date"].startswith("2026")] and len(every) > len(impact(db, law, filters=make(years="2026")))
    assert impact(db, law, filters=make(years="2027-")) == []


def test_chain_and_cites_by_type_and_year(corpus):
    archive, ids, _ = corpus
    db = archive.db
    decrees = chain(db, ids["022.pdf"], filters=make(types=["nghi dinh"]))
    assert {r["full_number"] for r in decrees} == {"33/2025/NĐ-CP", "105/2025/NĐ-CP"}
    assert all(r["doc_type"] == "Nghị định" and r["depth"] == 2 for r in decrees)
    only_implements = chain(db, ids["022.pdf"], filters=make(relations=["implements"]))
    assert [r["id"] for r in only_implements] == [ids["023.pdf"]]
    laws_2024 = chain(db, ids["022.pdf"], filters=make(types=["Luật"], years="-2024"))
    assert [r["full_number"] for r in laws_2024] == ["55/2024/QH15"]
    # an undated document belongs to its number's year (63/2025/QH15 is cited without a date)
    src, undated, year = db.execute("SELECT r.src_id, d.id, d.year FROM refs r JOIN documents d ON d.id = r.dst_id "
                                    "WHERE d.date IS NULL AND d.year IS NOT NULL ORDER BY d.id").fetchone()
    assert undated in {r["id"] for r in cites(db, src, filters=make(years=str(year)))}
    assert undated not in {r["id"] for r in cites(db, src, filters=make(years=f"-{year - 1}"))}
    out = cites(db, ids["023.pdf"], filters=make(issuers=["Chính phủ"], years="2025"))
    assert out and all("Chính phủ".lower() in r["issuer"].lower() and r["date"].startswith("2025") for r in out)
    assert cited_by(db, ids["023.pdf"], filters=make(relations=["căn_cứ"])) == []
    assert [r["id"] for r in cited_by(db, ids["023.pdf"], filters=make(relations=["thực hiện"]))] == [ids["022.pdf"]]


def test_top_keeps_the_best_that_pass(corpus):
    archive, ids, _ = corpus
    db = archive.db
    every = top(db, n=1000, by="cited")
    lao_cai = top(db, n=1000, by="cited", filters=make(issuers=["ubnd tinh lao cai"]))
    assert lao_cai and lao_cai == [r for r in every if make(issuers=["UBND tỉnh Lào Cai"]).issuer_ok(r["issuer"], r["key"])]
    assert ids["035.pdf"] in {r["id"] for r in lao_cai}  # 2170/QĐ-UBND, printed "UỶ BAN NHÂN DÂN TỈNH LÀO CAI"
    assert top(db, n=1, by="cited", filters=make(issuers=["ubnd tinh lao cai"])) == lao_cai[:1]
    basis = top(db, n=1000, by="cited", filters=make(relations=["căn_cứ"]))
    counted = dict(db.execute("SELECT dst_id, count(*) FROM refs WHERE relation = 'legal_basis' GROUP BY dst_id").fetchall())
    assert {r["id"]: r["cited_by"] for r in basis} == counted
    ranked = top(db, n=1000)
    laws = top(db, n=3, filters=make(types=["Luật"], years="2025"))
    assert laws == [r for r in ranked if r["doc_type"] == "Luật" and (r["date"] or "2025").startswith("2025")
                    and db.execute("SELECT year FROM documents WHERE id = ?", (r["id"],)).fetchone()[0] == 2025][:3]
    assert len(laws) == 3


def test_array_closures_filter_as_the_walk_does(corpus, monkeypatch):
    """The whole-graph path (every closure once the process holds the arrays) gives the same filtered answers."""
    from pipeline.graph import queries
    archive, ids, _ = corpus
    db = archive.db
    cases = [make(issuers=["UBND tỉnh Lào Cai"]), make(types=["Nghị định", "Luật"], years="2025"),
             make(relations=["căn_cứ"]), make(relations=["implements"], types=["Công văn"]), make(years="-2024"), NONE]
    every = [r[0] for r in db.execute("SELECT id FROM documents")]
    clear_cache()
    walked = [q(db, i, d, f) for q in (chain, impact) for i in every for d in (None, 1) for f in cases]
    monkeypatch.setattr(queries, "WALK_LIMIT", 0)
    clear_cache()
    assert [q(db, i, d, f) for q in (chain, impact) for i in every for d in (None, 1) for f in cases] == walked
    clear_cache()


# -- the command line --------------------------------------------------------------------------------------------
def test_cli_impact_with_filters_json_and_validity(corpus):
    archive, ids, path = corpus
    out = vanban("graph", "impact", "64/2025/QH15", "--db", str(path), "--issuer", "UBND tỉnh Lào Cai",
                 "--type", "Công văn", "--year", "2020-2026", "--json")
    assert out.returncode == 0, out.stderr
    rows = json.loads(out.stdout)
    assert [(r["full_number"], r["depth"], r["relation"]) for r in rows] == [("7432/UBND-XD", 2, "implements")]
    out = vanban("graph", "impact", "64/2025/QH15", "--db", str(path), "--relation", "căn_cứ", "--in-force",
                 "--at", "2026-07-01", "--json")
    assert out.returncode == 0, out.stderr
    rows = json.loads(out.stdout)
    assert rows and all(r["relation"] == "legal_basis" and r["status"] in ("in_force", "amended", "partly_repealed")
                        for r in rows) and ids["022.pdf"] not in {r["id"] for r in rows}
    text = vanban("graph", "cited-by", "1074/QĐ-BXD", "--db", str(path), "--relation", "thực_hiện")
    assert text.returncode == 0 and "7432/UBND-XD" in text.stdout and "implements" in text.stdout
    best = vanban("graph", "top", "--db", str(path), "--by", "cited", "--issuer", "ubnd tinh lao cai", "--json")
    assert best.returncode == 0 and {r["full_number"] for r in json.loads(best.stdout)} >= {"2170/QĐ-UBND"}


@pytest.mark.parametrize("args, message", [
    (["graph", "chain", "7432/UBND-XD", "--year", "2024-2020"], "first year is after"),
    (["graph", "impact", "64/2025/QH15", "--relation", "foo"], "unknown relation"),
    (["graph", "top", "--year", "20x"], "YYYY"),
])
def test_cli_bad_filters_exit_2_with_a_json_error(corpus, args, message):
    _, _, path = corpus
    out = vanban(*args, "--db", str(path), "--json")
    assert out.returncode == 2 and message in out.stderr
    assert json.loads(out.stdout)["code"] == 2 and message in json.loads(out.stdout)["error"]
