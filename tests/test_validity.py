"""Issue 17, item 2: validity at a date. Effective dates and scopes read from the text (nlp/validity.py), the
status rules (graph/status.py), and `vanban graph status` on an archive of real vbpl documents built here:
Nghị định 280/2025/NĐ-CP repeals Điều 1 of Nghị định 07/2025/NĐ-CP (both held), Nghị định 28/2026/NĐ-CP ends
Nghị định 57/2022/NĐ-CP (not held), Thông tư 07/2025/TT-TTCP replaces Thông tư 05/2024/TT-TTCP (not held)."""
from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys

import pytest

from pipeline.archive import Archive
from pipeline.graph.status import decide
from pipeline.ingest import read_document
from pipeline.nlp import extract_letter
from pipeline.nlp.validity import act_date, effective_date, scope_of

from conftest import ROOT, SHARED, archive_before

VBPL = SHARED / "corpus" / "vbpl" / "docs"
PAIR = ("doc_000599.txt", "doc_000030.txt", "doc_000026.txt", "doc_000133.txt")


@pytest.mark.parametrize("text, signed, expected", [
    ("Thông tư này có hiệu lực thi hành từ ngày 01 tháng 7 năm 2026.", "2026-01-10", "2026-07-01"),
    ("Luật này có hiệu lực kể từ ngày 01 tháng 7 năm 2026.", "2025-12-10", "2026-07-01"),
    ("1. Nghị định này có hiệu lực thi hành kể từ ngày 15/02/2026.", "2026-01-02", "2026-02-15"),
    ("Thông tư này có hiệu lực thi hành kể từ 15 tháng 12 năm 2025.", None, "2025-12-15"),  # "ngày" left out
    ("Quyết định này có hiệu lực kể từ ngày ký.", "2026-01-10", "2026-01-10"),
    ("Nghị định này có hiệu lực thi hành kể từ ngày ký ban hành.", "2025-01-09", "2025-01-09"),
    ("Nghị định này có hiệu lực thi hành kể từ ký ban hành.", "2025-01-09", "2025-01-09"),  # "ngày" left out
    ("Quyết định này có hiệu lực kể từ ngày ký.", None, None),  # the date of signing is not known
    ("Nghị định này có hiệu lực sau 45 ngày kể từ ngày ký.", "2026-01-10", "2026-02-24"),
    ("Nghị quyết này có hiệu lực thi hành từ ngày thông qua.\nNghị quyết này được Quốc hội thông qua ngày 10 "
     "tháng 12 năm 2025.", "2025-12-11", "2025-12-10"),
    ("Nghị quyết này có hiệu lực thi hành từ ngày thông qua.", "2025-12-11", "2025-12-11"),
    ("Thông tư này có hiệu lực thi hành kể từ ngày đăng Công báo.", "2026-01-10", None),  # no date stated
    ("Thông tư này có hiệu lực thi hành.", "2026-01-10", None),
    ("Các quyết định này có hiệu lực kể từ ngày ký ban hành.", "2026-01-10", None),  # not the document itself
    ("Tổ chức đã được cấp phép trước ngày Nghị định này có hiệu lực thi hành tiếp tục hoạt động.", "2026-01-10", None),
    ("Điều 5 được sửa đổi như sau: “Thông tư này có hiệu lực từ ngày 01/01/2020”.\nĐiều 2. Hiệu lực thi hành\n"
     "Thông tư này có hiệu lực thi hành kể từ ngày 15/02/2026.", "2026-01-02", "2026-02-15"),  # quoted: another's
    ("Quyết định này có hiệu lực từ ngày 01/3/2026.\nQuy định này có hiệu lực từ ngày 01/5/2026.", "2026-02-01",
     "2026-03-01"),  # a Quyết định issuing a Quy định: its own type first
])
def test_effective_date_phrases(text, signed, expected):
    doc_type = "Quyết định" if text.startswith("Quyết định") else None
    assert effective_date(text, signed, doc_type)[0] == expected


@pytest.mark.parametrize("relation, clause, number, trigger, expected", [
    ("replaces", "Thông tư này thay thế Thông tư số 05/2024/TT-TTCP ngày 26/4/2024 của Tổng Thanh tra Chính phủ",
     "05/2024/TT-TTCP", "thay thế", "whole"),
    ("terminates", "Nghị định số 70/2010/NĐ-CP ngày 1/1/2010 của Chính phủ hết hiệu lực kể từ ngày Nghị định này có "
     "hiệu lực thi hành", "70/2010/NĐ-CP", "hết hiệu lực", "whole"),
    ("repeals", "Bãi bỏ Điều 5 của Nghị định số 12/2020/NĐ-CP", "12/2020/NĐ-CP", "bãi bỏ", "Điều 5"),
    ("repeals", "Bãi bỏ điểm d khoản 7 Điều 2 Quyết định số 44/2022/QĐ-TTg", "44/2022/QĐ-TTg", "bãi bỏ",
     "điểm d khoản 7 Điều 2"),
    ("repeals", "Bãi bỏ Phụ lục II ban hành kèm theo Thông tư số 44/2022/TT-BTC", "44/2022/TT-BTC", "bãi bỏ", "Phụ lục II"),
    ("repeals", "Thông tư này bãi bỏ điểm b, điểm c khoản 3 và khoản 5 Điều 1 Thông tư 25/2016/TT-NHNN ngày 29 tháng "
     "7 năm 2016", "25/2016/TT-NHNN", "bãi bỏ", "điểm b, điểm c khoản 3 và khoản 5 Điều 1"),
    ("repeals", "Thông tư này bãi bỏ điểm b, c, d khoản 5 và khoản 7 Điều 1 Thông tư số 32/2014/TT-NHNN",
     "32/2014/TT-NHNN", "bãi bỏ", "điểm b, c, d khoản 5 và khoản 7 Điều 1"),
    ("repeals", "Thông tư này bãi bỏ quy định tại khoản 1 Điều 2 Thông tư số 08/2025/TT-NHNN", "08/2025/TT-NHNN",
     "bãi bỏ", "khoản 1 Điều 2"),
    ("repeals", "Bãi bỏ Điều 5, Điều 6 của Nghị định số 12/2020/NĐ-CP và Nghị định số 13/2021/NĐ-CP", "12/2020/NĐ-CP",
     "bãi bỏ", "Điều 5, Điều 6"),
    ("repeals", "Bãi bỏ Điều 5, Điều 6 của Nghị định số 12/2020/NĐ-CP và Nghị định số 13/2021/NĐ-CP", "13/2021/NĐ-CP",
     "bãi bỏ", "whole"),  # the second document of the list: nothing named before it
    ("terminates", "Khoản 2 Điều 3 Nghị định số 12/2020/NĐ-CP hết hiệu lực từ ngày 01 tháng 7 năm 2026",
     "12/2020/NĐ-CP", "hết hiệu lực", "Khoản 2 Điều 3"),
    ("terminates", "Luật Xây dựng số 50/2014/QH13 đã được sửa đổi, bổ sung một số điều theo Luật số 03/2016/QH14 hết "
     "hiệu lực", "03/2016/QH14", "hết hiệu lực", "whole"),  # "một số điều" describes 03/2016's own act
    ("amends", "Sửa đổi, bổ sung một số điều của Luật Đầu tư công số 58/2024/QH15", "58/2024/QH15", "sửa đổi, bổ sung",
     "một số điều"),
    ("amends", "SỬA ĐỔI, BỔ SUNG MỘT SỐ ĐIỀU CỦA NGHỊ ĐỊNH SỐ 65/2010/NĐ-CP", "65/2010/NĐ-CP", "sửa đổi, bổ sung",
     "một số điều"),
    ("replaces", "Thay thế cụm từ của Nghị định số 59/2017/NĐ-CP", "59/2017/NĐ-CP", "thay thế", "cụm từ"),
    ("repeals", "Bãi bỏ số thứ tự số 24, 25 tại Phụ lục Danh mục khu vực hàng hải được ban hành kèm theo Thông tư số "
     "32/2019/TT-BGTVT", "32/2019/TT-BGTVT", "bãi bỏ", "số thứ tự số 24, 25 tại Phụ lục Danh mục khu vực hàng hải"),
    ("repeals", "Bãi bỏ các quy định về đánh giá, xếp loại chất lượng đối với công chức tại Nghị định số 90/2020/NĐ-CP",
     "90/2020/NĐ-CP", "bãi bỏ", "các quy định về đánh giá, xếp loại chất lượng đối với công chức"),
    ("repeals", "Bãi bỏ toàn bộ Quyết định số 12/2020/QĐ-TTg", "12/2020/QĐ-TTg", "bãi bỏ", "whole"),
    ("replaces", "Thông tư này thay thế các Thông tư sau đây: Thông tư số 12/2020/TT-BTC", "12/2020/TT-BTC", "thay thế",
     "whole"),
    ("legal_basis", "Căn cứ Nghị định số 12/2020/NĐ-CP", "12/2020/NĐ-CP", None, None),  # not an act: no scope
])
def test_scopes(relation, clause, number, trigger, expected):
    assert scope_of(relation, clause, number, trigger) == expected


@pytest.mark.parametrize("clause, expected", [
    ("Nghị định số 12/2020/NĐ-CP hết hiệu lực kể từ ngày 01 tháng 7 năm 2026.", "2026-07-01"),
    ("Nghị định số 12/2020/NĐ-CP hết hiệu lực thi hành từ ngày 1/7/2026.", "2026-07-01"),
    ("Nghị định số 12/2020/NĐ-CP hết hiệu lực kể từ ngày Nghị định này có hiệu lực thi hành.", None),
])
def test_a_date_the_sentence_gives_the_act(clause, expected):
    assert act_date("terminates", clause, "12/2020/NĐ-CP") == expected


def _own(effective=None, signed="2025-01-09", stub=False):
    return {"id": 1, "key": "K", "stub": stub, "date": signed, "doc_type": None, "effective_date": effective}


def _act(relation, scope="whole", effective="2025-11-01", signed="2025-10-01", src=2):
    return {"id": src, "key": f"S{src}", "full_number": f"S{src}", "relation": relation, "scope": scope,
            "effective": effective, "signed": signed, "sentence": "…", "not_before": signed}


@pytest.mark.parametrize("own, acts, at, status, since", [
    (_own("2025-02-01"), [], "2025-01-31", "not_yet_in_force", None),
    (_own(None, "2025-01-09"), [], "2025-01-08", "not_yet_in_force", None),  # not even signed
    (_own("2025-02-01"), [], "2025-02-01", "in_force", "2025-02-01"),
    (_own(None, "2025-01-09"), [], "2025-06-01", "in_force", "2025-01-09"),  # no effective date: from signing
    (_own(None, None), [], "2025-06-01", "unknown", None),  # its own timing unknown
    (_own(stub=True, signed=None), [], "2025-06-01", "unknown", None),  # a stub no act points at
    (_own(stub=True, signed=None), [_act("repeals")], "2025-10-31", "in_force", None),  # known, not yet repealed
    (_own(stub=True, signed=None), [_act("repeals")], "2025-11-01", "repealed", "2025-11-01"),
    (_own(), [_act("terminates")], "2025-11-01", "repealed", "2025-11-01"),
    (_own(), [_act("replaces")], "2025-11-02", "replaced", "2025-11-01"),
    (_own(), [_act("replaces", effective="2025-12-01"), _act("repeals", src=3)], "2026-01-01", "repealed", "2025-11-01"),
    (_own(), [_act("repeals", "Điều 1")], "2025-11-01", "partly_repealed", "2025-11-01"),
    (_own(), [_act("repeals", "Điều 1"), _act("repeals", effective="2026-01-01", src=3)], "2025-12-01",
     "partly_repealed", "2025-11-01"),
    (_own(), [_act("repeals", "Điều 1"), _act("repeals", effective="2026-01-01", src=3)], "2026-01-01",
     "repealed", "2026-01-01"),
    (_own(), [_act("amends", "một số điều")], "2025-11-01", "amended", "2025-11-01"),
    (_own(), [_act("replaces", "Phụ lục II")], "2025-11-01", "amended", "2025-11-01"),  # a part replaced amends
    (_own(), [_act("amends")], "2025-10-31", "in_force", "2025-01-09"),
    # unknown timing: conservative for an end, listed only for an amendment, never before signing
    (_own(), [_act("repeals", effective=None)], "2025-10-01", "unknown", None),
    (_own(), [_act("repeals", effective=None)], "2025-09-30", "in_force", "2025-01-09"),
    (_own(), [_act("amends", effective=None)], "2025-12-01", "in_force", "2025-01-09"),
    (_own(), [_act("repeals", "Điều 1"), _act("repeals", effective=None, src=3)], "2025-12-01", "unknown", None),
])
def test_status_rules(own, acts, at, status, since):
    got = decide(own, acts, at)
    assert (got["status"], got["since"]) == (status, since)
    assert [a["applies"] for a in got["by"]] == [bool(a["effective"] and a["effective"] <= at) for a in got["by"]]
    assert ("note" in got) == (status == "unknown" and bool(acts))


def test_the_record_carries_the_effective_date_and_each_acts_scope():
    rec = extract_letter(read_document(VBPL / "doc_000599.txt")).to_json()
    assert rec["key"] == "280/2025/ND-CP" and rec["date"] == "2025-10-27" and rec["effective_date"] == "2025-11-01"
    refs = {r["full_number"]: r for r in rec["references"]}
    assert (refs["07/2025/NĐ-CP"]["relation"], refs["07/2025/NĐ-CP"]["scope"]) == ("repeals", "Điều 1")
    assert refs["120/2025/NĐ-CP"]["scope"] == "Điều 13, 14, 15, 16, 17 và khoản 2 Điều 24"
    assert (refs["23/2015/NĐ-CP"]["relation"], refs["23/2015/NĐ-CP"]["scope"]) == ("replaces", "một số cụm từ và phụ lục")
    assert all(r["scope"] is None for r in rec["references"] if r["relation"] == "legal_basis")


def vanban(*args, db):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "pipeline", *args, "--db", str(db)], capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=120)


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    inbox = tmp_path_factory.mktemp("inbox")
    for name in PAIR:
        shutil.copy(VBPL / name, inbox / name)
    db = tmp_path_factory.mktemp("db") / "archive.sqlite"
    done = vanban("ingest", str(inbox), "--no-ocr", db=db)
    assert done.returncode == 0, done.stderr
    return db


def status_at(db, key, at):
    done = vanban("graph", "status", key, "--at", at, "--json", db=db)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_status_follows_a_partial_repeal_between_two_held_decrees(archive):
    assert status_at(archive, "07/2025/NĐ-CP", "2025-01-08")["status"] == "not_yet_in_force"
    before = status_at(archive, "07/2025/NĐ-CP", "2025-10-31")
    assert (before["status"], before["since"], before["effective_date"]) == ("in_force", "2025-01-09", "2025-01-09")
    after = status_at(archive, "07/2025/NĐ-CP", "2025-11-01")
    assert (after["key"], after["status"], after["since"]) == ("7/2025/ND-CP", "partly_repealed", "2025-11-01")
    [by] = after["by"]
    assert {k: by[k] for k in ("key", "relation", "scope", "effective")} == {
        "key": "280/2025/ND-CP", "relation": "repeals", "scope": "Điều 1", "effective": "2025-11-01"}
    assert "Điều 1 của Nghị định số 07/2025/NĐ-CP" in by["sentence"]


def test_status_of_documents_not_held(archive):
    """Stubs: a decree the archive does not hold is still known to be repealed, and since when."""
    ended = status_at(archive, "57/2022/NĐ-CP", "2026-01-19")
    assert (ended["stub"], ended["status"], ended["since"]) == (True, "repealed", "2026-01-19")
    assert [(b["key"], b["relation"], b["scope"]) for b in ended["by"]] == [("28/2026/ND-CP", "terminates", "whole")]
    assert "hết hiệu lực kể từ ngày Nghị định này có hiệu lực thi hành" in ended["by"][0]["sentence"]
    assert status_at(archive, "57/2022/NĐ-CP", "2026-01-18")["status"] == "in_force"
    replaced = status_at(archive, "05/2024/TT-TTCP", "2025-12-29")
    assert (replaced["status"], replaced["since"], replaced["by"][0]["key"]) == ("replaced", "2025-12-29", "7/2025/TT-TTCP")
    assert status_at(archive, "05/2024/TT-TTCP", "2025-12-28")["status"] == "in_force"
    assert status_at(archive, "63/2025/QH15", "2026-01-01")["status"] == "unknown"  # cited as a basis only


def test_status_table_and_usage_errors(archive):
    table = vanban("graph", "status", "07/2025/NĐ-CP", "--at", "2026-01-01", db=archive)
    assert table.returncode == 0 and "partly_repealed since 2025-11-01" in table.stdout
    assert "repeals" in table.stdout and "280/2025/NĐ-CP" in table.stdout
    assert vanban("graph", "status", "07/2025/NĐ-CP", "--at", "1/11/2025", db=archive).returncode == 2


def test_cited_by_and_impact_keep_what_is_in_force(archive):
    def keys(*args):
        done = vanban("graph", *args, "--json", db=archive)
        assert done.returncode == 0, done.stderr
        return [(r["key"], r.get("status")) for r in json.loads(done.stdout)]
    # 23/2015/NĐ-CP is amended by 07/2025/NĐ-CP (in force from 2025-01-09, Điều 1 repealed from 2025-11-01) and by
    # 280/2025/NĐ-CP (in force from 2025-11-01)
    assert dict(keys("cited-by", "23/2015/NĐ-CP")) == {"280/2025/ND-CP": None, "7/2025/ND-CP": None}
    assert dict(keys("cited-by", "23/2015/NĐ-CP", "--at", "2025-06-01")) == {
        "280/2025/ND-CP": "not_yet_in_force", "7/2025/ND-CP": "in_force"}
    assert keys("cited-by", "23/2015/NĐ-CP", "--at", "2025-06-01", "--in-force") == [("7/2025/ND-CP", "in_force")]
    assert keys("cited-by", "23/2015/NĐ-CP", "--at", "2025-01-01", "--in-force") == []
    assert dict(keys("cited-by", "23/2015/NĐ-CP", "--at", "2025-12-01", "--in-force")) == {
        "280/2025/ND-CP": "in_force", "7/2025/ND-CP": "partly_repealed"}
    assert dict(keys("impact", "23/2015/NĐ-CP", "--at", "2025-06-01", "--in-force")) == {"7/2025/ND-CP": "in_force"}
    assert dict(keys("impact", "23/2015/NĐ-CP", "--in-force")) == {  # today
        "280/2025/ND-CP": "in_force", "7/2025/ND-CP": "partly_repealed"}


def test_migration_8_fills_the_columns_from_stored_records(tmp_path):
    """An archive made before migration 8 whose records already hold effective_date and scopes."""
    path = tmp_path / "old.sqlite"
    old = archive_before(path, 6)
    record = {"effective_date": "2025-11-01", "references": [
        {"start": 10, "scope": "Điều 1", "effective": None}, {"start": 50, "scope": "whole", "effective": "2026-07-01"}]}
    old.execute("INSERT INTO documents (id, key, stub, date, created, updated) VALUES (1, 'A', 0, '2025-10-22', 't', 't')")
    old.execute("INSERT INTO documents (id, key, stub, created, updated) VALUES (2, 'B', 1, 't', 't'), (3, 'C', 1, 't', 't')")
    old.execute("INSERT INTO contents VALUES (1, ?, '')", (json.dumps(record),))
    old.execute("INSERT INTO refs (src_id, dst_id, relation, start) VALUES (1, 2, 'repeals', 10), (1, 3, 'terminates', 50)")
    old.commit()
    old.close()
    with Archive(path) as a:
        assert a.db.execute("SELECT effective_date FROM documents WHERE id = 1").fetchone()[0] == "2025-11-01"
        assert [tuple(r) for r in a.db.execute("SELECT dst_id, scope, effective FROM refs ORDER BY dst_id")] == [
            (2, "Điều 1", None), (3, "whole", "2026-07-01")]
        assert decide_status(a.db, 3, "2026-07-01") == ("repealed", "2026-07-01")  # the sentence's own date
        assert decide_status(a.db, 2, "2025-11-01") == ("partly_repealed", "2025-11-01")


def decide_status(db, doc_id, at):
    from pipeline.graph.status import status
    got = status(db, doc_id, at)
    return got["status"], got["since"]


def test_records_filed_before_validity_are_read_from_their_stored_text(archive, tmp_path):
    """A record without effective_date and an act edge without scope (filed by an older vanban): the status
    reads them from the stored text and sentence, the same answer as a fresh filing."""
    db = tmp_path / "old.sqlite"
    with sqlite3.connect(archive) as src, sqlite3.connect(db) as dst:
        src.backup(dst)
    con = sqlite3.connect(db)
    con.execute("UPDATE documents SET effective_date = NULL")
    con.execute("UPDATE refs SET scope = NULL, effective = NULL")
    con.execute("UPDATE contents SET record = json_remove(record, '$.effective_date')")
    con.commit()
    con.close()
    for key, at in (("07/2025/NĐ-CP", "2025-11-01"), ("07/2025/NĐ-CP", "2025-10-31"), ("57/2022/NĐ-CP", "2026-01-19")):
        fresh, old = status_at(archive, key, at), status_at(db, key, at)
        assert (old["status"], old["since"], [(b["key"], b["scope"], b["effective"]) for b in old["by"]]) == \
            (fresh["status"], fresh["since"], [(b["key"], b["scope"], b["effective"]) for b in fresh["by"]])


def test_the_desk_shows_the_status_and_its_evidence(archive):
    from pipeline.desk.app import create_app
    client = create_app(archive).test_client()
    with Archive(archive) as a:
        held = a.db.execute("SELECT id FROM documents WHERE key = '7/2025/ND-CP'").fetchone()[0]
        stub = a.db.execute("SELECT id FROM documents WHERE key = '57/2022/ND-CP'").fetchone()[0]
    page = client.get(f"/letters/{held}").get_data(as_text=True)
    assert "Hiệu lực: <strong>hết hiệu lực một phần từ 01/11/2025 bởi 280/2025/NĐ-CP</strong>" in page
    assert "Điều 1" in page and "bãi bỏ" in page
    page = client.get(f"/letters/{stub}").get_data(as_text=True)
    assert "đã bị bãi bỏ, hết hiệu lực toàn bộ từ 19/01/2026 bởi 28/2026/NĐ-CP" in page
    assert "quy định hết hiệu lực" in page and "toàn bộ" in page


def test_exports_carry_the_status(archive, tmp_path):
    out = tmp_path / "g.json"
    assert vanban("graph", "export", "--format", "json", "--output", str(out), db=archive).returncode == 0
    nodes = {n.get("key"): n["status"] for n in json.loads(out.read_text(encoding="utf-8"))["nodes"]}
    assert nodes["57/2022/ND-CP"] == "repealed" and nodes["7/2025/ND-CP"] == "partly_repealed"
    assert nodes["280/2025/ND-CP"] == "in_force"


@pytest.mark.parametrize("sentence, number, relation", [
    ("Thông tư này bãi bỏ điểm b, điểm c khoản 3 và khoản 5 Điều 1 Thông tư 25/2016/TT-NHNN ngày 29 tháng 7 năm 2016.",
     "25/2016/TT-NHNN", "repeals"),  # the parts named are no gap between the act and its document
    ("Thông tư này bãi bỏ quy định tại khoản 1 Điều 2 Thông tư số 08/2025/TT-NHNN ngày 06 tháng 6 năm 2025.",
     "08/2025/TT-NHNN", "repeals"),  # "quy định tại" after the act is the act's
    ("Bãi bỏ các quy định về đánh giá, xếp loại chất lượng đối với công chức tại Nghị định số 90/2020/NĐ-CP.",
     "90/2020/NĐ-CP", "repeals"),  # a clause opening with the act names its document last
    ("Bãi bỏ số thứ tự số 24, 25 tại Phụ lục Danh mục khu vực hàng hải thuộc phạm vi quản lý của Cảng vụ hàng hải được "
     "ban hành kèm theo Thông tư số 32/2019/TT-BGTVT.", "32/2019/TT-BGTVT", "repeals"),
    ("Thay thế, bãi bỏ, bổ sung một số điểm, khoản, Điều, Phụ lục ban hành kèm theo Thông tư số 34/2015/TT-NHNN.",
     "34/2015/TT-NHNN", "repeals"),  # acts named in one breath: the strongest
    ("Căn cứ Nghị định số 12/2020/NĐ-CP.\nĐiều 5. Bãi bỏ khoản 1 Điều 3 Nghị định số 12/2020/NĐ-CP.\nĐiều 6. Nghị định "
     "số 12/2020/NĐ-CP hết hiệu lực kể từ ngày Nghị định này có hiệu lực thi hành.", "12/2020/NĐ-CP", "terminates"),
])
def test_act_relations_the_validity_rules_need(sentence, number, relation):
    from pipeline.nlp.lexicon import load_lexicon
    from pipeline.nlp.references import find_references
    refs = {r["full_number"]: r for r in find_references(sentence, load_lexicon(), doc_type="Thông tư")}
    assert refs[number]["relation"] == relation
