"""`vanban eval` scoring on the real dev gold (../shared/corpus/dev) and on tiny hand-made gold files."""
import copy
import json
from pathlib import Path

import pytest

from pipeline.evaluate import HEADER_FIELDS, evaluate, field_matches, find_document, read_gold, reference_key

from conftest import DEV

GOLD_PATH = DEV / "gold.jsonl"
GOLD = {r["id"]: r for r in read_gold(GOLD_PATH)}
# The gold's Vietnamese relation keys back to contract relations: what a perfect extractor would print.
TO_ENGLISH = {"can_cu": "legal_basis", "thuc_hien": "implements", "theo": "proposed_by", "tra_loi": "replies_to",
              "thay_the": "replaces", "sua_doi": "amends", "bai_bo": "repeals", "lien_quan": "refers_to"}


def doc_id(path: Path) -> str:
    return path.name.split(".")[0].split("_")[0]


def as_extracted(gold: dict) -> dict:
    record = copy.deepcopy(gold)
    for ref in record["references"]:
        ref["relation"] = TO_ENGLISH[ref["relation"]]
    return record


def test_perfect_extractor_scores_one_everywhere(dev_docs):
    report = evaluate(GOLD_PATH, dev_docs, lambda path: as_extracted(GOLD[doc_id(path)])).to_json()
    assert report["schema"] == "vanban.eval/1"
    assert report["counts"] == {"documents": 20, "failed": 0, "misses": 0}
    assert all(f["accuracy"] == 1.0 for f in report["fields"].values())
    assert report["header_accuracy"] == 1.0
    for name in ("recipients", "distribution", "references"):
        assert (report[name]["precision"], report[name]["recall"], report[name]["f1"]) == (1.0, 1.0, 1.0)
    assert report["relations"]["accuracy"] == 1.0
    assert report["relations"]["matched"] == sum(len(g["references"]) for g in GOLD.values())


def test_all_null_extractor(dev_docs):
    def nothing(path):
        return {**dict.fromkeys(HEADER_FIELDS), "recipients": [], "distribution": [], "references": []}

    report = evaluate(GOLD_PATH, dev_docs, nothing).to_json()
    for name in HEADER_FIELDS:
        nulls = sum(GOLD[i][name] in (None, "") or (name == "full_number" and GOLD[i][name].startswith("/"))
                    for i in GOLD)
        assert report["fields"][name]["accuracy"] == nulls / 20, name
    assert report["references"]["recall"] == 0.0 and report["references"]["tp"] == 0
    assert report["distribution"]["recall"] == 0.0
    assert report["relations"]["accuracy"] is None  # nothing matched, nothing to judge
    assert report["counts"]["failed"] == 0


@pytest.mark.parametrize("name, expected, got, same", [
    ("full_number", "2170 /QĐ - UBND", "2170/QĐ-UBND", True),
    ("symbol", "GDĐT –KT&KĐCL", "GDĐT-KT&KĐCL", True),
    ("issuer", "UỶ BAN NHÂN DÂN", "ỦY BAN NHÂN DÂN", True),
    ("issuer", "SỞ GIÁO DỤC VÀ \u00d0ÀO TẠO", "SỞ GIÁO DỤC VÀ ĐÀO TẠO", True),
    ("issuer", "BỘ VĂN HÓA", "Bộ Văn Hoá", True),
    ("issuer", "UBND TỈNH LÀO CAI", "UBND TỈNH YÊN BÁI", False),
    ("number", "05", "5", True),
    ("number", "05", "50", False),
    ("full_number", "/SNNMT-KS", None, True),
    ("full_number", "/SNNMT-KS", "138/SNNMT-KS", False),
    ("year", 2026, "2026", True),
    ("date", "2026-07-21", "2026-07-12", False),
    ("subject", "V/v tiếp tục đẩy mạnh công tác cải cách hành chính năm 2023",
     "tiếp tục đẩy mạnh công tác cải cách hành chính năm 2023.", True),
    ("subject", "tiếp tục đẩy mạnh công tác cải cách hành chính", "báo cáo kết quả thực hiện", False),
    ("signer", None, "", True),
    ("signer", None, "Phạm Quốc Hiệu", False),
    # ô 7a's prefix however printed: the older T/M, K/T, the dot without its space, no dot
    ("signing_authority", "K/T CHÁNH VĂN PHÒNG", "KT. CHÁNH VĂN PHÒNG", True),
    ("signing_authority", "T/M ỦY BAN NHÂN DÂN", "TM. ỦY BAN NHÂN DÂN", True),
    ("signing_authority", "KT.TRƯỞNG KHOA", "KT. TRƯỞNG KHOA", True),
    ("signing_authority", "KT GIÁM ĐỐC", "KT. GIÁM ĐỐC", True),
    ("signing_authority", "T/M UBND / K/T CHỦ TỊCH", "TM. UBND / KT. CHỦ TỊCH", True),
    ("signing_authority", "KT. GIÁM ĐỐC", "TL. GIÁM ĐỐC", False),
    ("signing_authority", "TM. UBND / KT. CHỦ TỊCH", "TM. UBND", False),
])
def test_folding(name, expected, got, same):
    assert field_matches(name, expected, got) is same


@pytest.mark.parametrize("a, b", [("1626/QĐTTg", "1626/QĐ-TTg"), ("269- KL/TU", "269-KL/TU"),
                                  ("06/2019/TT-BVHTTDL", "6/2019/TT-BVHTTDL"), ("\u00d0KVN", "ĐKVN")])
def test_reference_keys(a, b):
    assert reference_key(a) == reference_key(b)


def write_gold(tmp_path: Path, records: list[dict]) -> Path:
    (tmp_path / "docs").mkdir()
    for record in records:
        (tmp_path / "docs" / f"{record['id']}.txt").write_text("text", encoding="utf-8")
    gold = tmp_path / "gold.jsonl"
    gold.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return gold


TINY = {"id": "t1", **dict.fromkeys(HEADER_FIELDS), "number": "12", "full_number": "12/UBND-KT",
        "recipients": ["Sở Xây dựng;"], "distribution": ["Như trên;", "Lưu: VT."],
        "references": [{"full_number": "30/2020/NĐ-CP", "number": "30", "relation": "can_cu"},
                       {"full_number": "1074/QĐ-BXD", "number": "1074", "relation": "thuc_hien"},
                       {"full_number": "206/UBND-KT", "number": "206", "relation": "theo"}]}


def test_wrong_relation_and_extra_reference(tmp_path):
    gold = write_gold(tmp_path, [TINY])
    pred = copy.deepcopy(TINY)
    pred["references"] = [
        {"full_number": "30/2020/ND-CP", "number": "30", "relation": "legal_basis"},
        {"full_number": "1074/QĐ-BXD", "number": "1074", "relation": "refers_to"},  # wrong: thuc_hien
        {"full_number": "206 /UBND - KT", "number": "206", "relation": "proposed_by"},
        {"full_number": "5529/UBND-KT", "number": "5529", "relation": "refers_to"},  # extra
        {"full_number": None, "number": None, "relation": "legal_basis"},  # a law by name: not scored
    ]
    report = evaluate(gold, tmp_path / "docs", lambda path: pred).to_json()
    refs = report["references"]
    assert (refs["tp"], refs["predicted"], refs["gold"]) == (3, 4, 3)
    assert refs["precision"] == 0.75 and refs["recall"] == 1.0
    assert refs["f1"] == pytest.approx(2 * 0.75 / 1.75)
    assert report["relations"] == {"right": 2, "matched": 3, "accuracy": pytest.approx(2 / 3)}
    assert report["header_accuracy"] == 1.0
    assert report["documents"][0]["misses"] == [
        {"field": "relation", "number": "1074/QĐ-BXD", "expected": "thuc_hien", "got": "refers_to"},
        {"field": "references", "expected": None, "got": "5529/UBND-KT"},
    ]


def test_list_items_match_one_to_one(tmp_path):
    gold = write_gold(tmp_path, [TINY])
    pred = {**copy.deepcopy(TINY), "distribution": ["- Như trên", "- Như trên;", "Lưu VT"]}
    report = evaluate(gold, tmp_path / "docs", lambda path: pred).to_json()
    dist = report["distribution"]
    assert (dist["tp"], dist["predicted"], dist["gold"]) == (2, 3, 2)  # "Lưu VT" ~ "Lưu: VT" (ratio ≥ 0.9)
    assert report["documents"][0]["misses"] == [{"field": "distribution", "expected": None, "got": "- Như trên;"}]


def test_extractor_that_raises_is_a_miss(tmp_path):
    second = {**TINY, "id": "t2"}
    gold = write_gold(tmp_path, [TINY, second])

    def flaky(path):
        if path.stem == "t2":
            raise RuntimeError("pdf is encrypted")
        return copy.deepcopy(TINY)

    seen = []
    report = evaluate(gold, tmp_path / "docs", flaky, progress=lambda i, n, d: seen.append((i, n, d)))
    data = report.to_json()
    assert seen == [(1, 2, "t1"), (2, 2, "t2")]
    assert data["counts"]["failed"] == 1
    assert data["header_accuracy"] == 0.5  # every header field of t2 counts wrong, even the null ones
    assert data["references"]["recall"] == 0.5
    misses = data["documents"][1]["misses"]
    assert misses[0] == {"field": "error", "expected": None, "got": "RuntimeError: pdf is encrypted"}
    assert {"field": "references", "expected": "30/2020/NĐ-CP", "got": None} in misses
    table = report.format_table()
    assert "error: RuntimeError: pdf is encrypted" in table and "header (mean)" in table


def test_missing_document_is_a_miss(tmp_path):
    gold = write_gold(tmp_path, [TINY])
    (tmp_path / "docs" / "t1.txt").unlink()
    data = evaluate(gold, tmp_path / "docs", lambda path: TINY).to_json()
    assert data["documents"][0]["path"] is None and data["counts"]["failed"] == 1


@pytest.mark.parametrize("doc, name", [("022", "022.pdf"), ("031", "031.docx"), ("017", "017.txt"),
                                       ("040", "040.pdf"), ("001", "001.txt"), ("999", None)])
def test_find_document_prefers_the_original(dev_docs, doc, name):
    found = find_document(dev_docs, doc)
    assert (found.name if found else None) == name


def test_find_document_page_images_and_stems(tmp_path):
    for name in ("050_p2.jpg", "050_p10.png", "050_p1.tif", "060.reference.txt", "0600.txt"):
        (tmp_path / name).write_bytes(b"x")
    assert find_document(tmp_path, "050").name == "050_p1.tif"
    assert find_document(tmp_path, "060") is None  # "060.reference.txt" and "0600.txt" are other stems


def test_table_truncates_long_values(tmp_path):
    gold = write_gold(tmp_path, [{**TINY, "subject": "x" * 200}])
    table = evaluate(gold, tmp_path / "docs", lambda path: {**TINY, "subject": "y" * 200}).format_table()
    miss = next(line for line in table.splitlines() if line.strip().startswith("subject:"))
    assert len(miss) < 170 and "…" in miss


def _corpus(folder: Path, ids_by_source: dict) -> Path:
    """A corpus folder made of real dev letters (their text copies) and their gold, with a sources.tsv."""
    import shutil

    from conftest import DEV

    gold = {json.loads(line)["id"]: line for line in (DEV / "gold.jsonl").read_text(encoding="utf-8").splitlines()
            if line.strip()}
    (folder / "docs").mkdir(parents=True)
    rows, lines = ["id\trepository\tpath\tcommit\tformat\tset"], []
    for (repo, set_), ids in ids_by_source.items():
        for i in ids:
            shutil.copy(DEV / "docs" / f"{i}.txt", folder / "docs" / f"{i}.txt")
            lines.append(gold[i])
            rows.append(f"{i}\t{repo}\tp/{i}.txt\t{'0' * 40}\ttxt\t{set_}")
    (folder / "gold.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / "sources.tsv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return folder


def test_eval_by_source_scores_each_source_and_set_and_filters_a_set(tmp_path):
    """`vanban eval --corpus DIR --by-source` prints a figure per source, set and corpus; `--set heldout` scores
    the set-aside letters alone. The group figures are the same letters scored on their own."""
    import subprocess
    import sys

    from conftest import ROOT

    a = _corpus(tmp_path / "a", {("owner/one", "dev"): ["001", "002"], ("owner/two", "heldout"): ["003"]})
    b = _corpus(tmp_path / "b", {("owner/three", ""): ["004"]})   # no set given: development letters
    run = lambda *args: json.loads(subprocess.run([sys.executable, "-m", "pipeline", "eval", *args, "--json"],
                                                  cwd=ROOT, capture_output=True, text=True, check=True).stdout)
    both = run("--corpus", str(a), "--corpus", str(b), "--by-source")
    groups = both["by_source"]
    assert both["counts"]["documents"] == 4
    assert {k: v["documents"] for k, v in groups.items()} == {
        f"corpus: {a}": 3, f"corpus: {b}": 1, "set: dev": 3, "set: heldout": 1,
        "source: owner/one": 2, "source: owner/two": 1, "source: owner/three": 1}
    heldout = run("--corpus", str(a), "--set", "heldout")
    assert heldout["counts"]["documents"] == 1 and [d["id"] for d in heldout["documents"]] == ["003"]
    alone = run(str(a / "gold.jsonl"), str(a / "docs"), "--set", "heldout")
    assert groups["set: heldout"]["header_accuracy"] == heldout["header_accuracy"] == alone["header_accuracy"]
    assert groups["set: heldout"]["references"] == {k: heldout["references"][k] for k in ("precision", "recall", "f1")}
