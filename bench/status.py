"""`graph status` checked against what the documents say (issue 17, done-when), on an archive of the vbpl corpus.

    python -m pipeline ingest ../shared/corpus/vbpl/docs --db /tmp/vbpl.sqlite --workers 2
    python bench/status.py --db /tmp/vbpl.sqlite [--docs ../shared/corpus/vbpl/docs] [--show 30] [--json]

Independent of the extractor: plain regexes over each text find
  - the citing document's effective date: "<Type> này có hiệu lực (thi hành) (kể) từ ngày D tháng M năm Y", or
    "… kể từ ngày ký" with the header's "ngày D tháng M năm Y" (texts that state neither are skipped, counted);
  - its act sentences (split at . ; : and line ends; none inside “…”, none of the preamble "Căn cứ …", none
    transitional "… tiếp tục …"): a sentence that opens with the act ("Bãi bỏ …", "Thông tư này thay thế …",
    "Sửa đổi, bổ sung, bãi bỏ …") and its first number: whole when "bãi bỏ|thay thế <Type> (số)" stands right
    before it, part when "bãi bỏ" names Điều/khoản/điểm/Phụ lục/… before it, amended otherwise (sửa đổi, bổ sung;
    thay thế cụm từ / Phụ lục: a part replaced amends, graph/status.py); and every number before "… hết hiệu
    lực (thi hành) (kể từ …)" (whole, or part when Điều/khoản/… stands right before it). A date the sentence gives
    the act itself ("hết hiệu lực kể từ ngày …") is used instead of the citing document's.
For each (citing document, target, expected), the target (resolved as a person would type its number) is asked
`graph status` (pipeline.graph.status.status, what the command prints) on E+1 and E-1:
  after   whole end → repealed/replaced; part repeal → partly_repealed or stronger; amend → amended or stronger
  before  not repealed/replaced (unless since < E: an earlier act ended it)
Documents nothing touches (held, a stated effective date E, their number in no act sentence of the corpus):
in_force on E+1, not_yet_in_force on E-1. Prints the counts and the disagreements with their sentences.
"""
from __future__ import annotations

import argparse
import json
import re
import sqlite3
import sys
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.archive.lookup import resolve  # noqa: E402
from pipeline.errors import VanbanError  # noqa: E402
from pipeline.graph.status import status  # noqa: E402
from pipeline.text.normalize import normalize_text  # noqa: E402

NUM = re.compile(r"(?<![\w/])(\d{1,5})\s*/\s*((?:19|20)\d\d)\s*/\s*((?:TTg|[A-ZĐ][A-ZĐ0-9]*)(?:\s*-\s*(?:TTg|[A-ZĐ][A-ZĐ0-9]*))+"
                 r"|(?:QH|UBTVQH)\d\d)")
TYPES = r"(?:Bộ luật|Luật|Pháp lệnh|Nghị định|Nghị quyết(?: liên tịch)?|Thông tư(?: liên tịch)?|Quyết định|Chỉ thị)"
DATE = r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})"
OWN = re.compile(TYPES + r"\s+này\s+có\s+hiệu\s+lực(?:\s+thi\s+hành)?\s+(?:kể\s+)?từ\s+(?:" + DATE + r"|(ngày\s+ký))")
HEADER_DATE = re.compile(r",\s*" + DATE)
SENTENCE = re.compile(r"[^.;:\n]+")
PARTS = r"(?:Điều|điều|khoản|điểm|Phụ lục|phụ lục|Chương|Mục|một số|cụm từ)"
CAN_CU = re.compile(r"\s*(?:[a-zđ0-9]{1,2}[.)]\s*)?Căn cứ\b")
# the document's own act opens its sentence: "Bãi bỏ …", "2. Thay thế …", "Điều 3. Sửa đổi, bổ sung, bãi bỏ …",
# "Thông tư này bãi bỏ …", "Nghị định này có hiệu lực thi hành từ ngày … và thay thế …"
ACT = r"(?:bãi bỏ|thay thế|sửa đổi|bổ sung)"
OWN_ACT = re.compile(r"\s*(?:(?:Điều\s+\d+[a-z]?\s*\.?|[a-zđ0-9]{1,2}[.)])\s*)?(?:" + TYPES + r"\s+này\s+(?:[^/]{0,90}?\s)?)?"
                     r"(?P<chain>" + ACT + r"(?:\s*(?:,|và)\s*" + ACT + r")*)\b", re.I)
ENDS = re.compile(r"(?<!được )(?<!bị )\bhết\s+hiệu\s+lực(?:\s+thi\s+hành)?(?=\s+(?:kể\s+)?từ\b|\s*$|\s*,)")
PART_RIGHT_BEFORE = re.compile(PARTS + r"[\s\w,]{0,40}(?:của|tại|thuộc)?\s*" + TYPES + r"?\s*(?:số\s+)?$")
OWN_DATE = re.compile(r"hết\s+hiệu\s+lực(?:\s+thi\s+hành)?\s+(?:kể\s+)?từ\s+" + DATE)
RANK = {"amended": 1, "partly_repealed": 2, "repealed": 3, "replaced": 3}
NEED = {"amends": 1, "part": 2, "whole": 3}


def iso(d, m, y) -> str | None:
    try:
        return date(int(y), int(m), int(d)).isoformat()
    except ValueError:
        return None


def quoted(text: str, pos: int) -> bool:
    """Inside “…” opened within 2,000 characters before: an amending document's words for another."""
    opened = text.rfind("“", max(0, pos - 2000), pos)
    return opened >= 0 and text.rfind("”", opened, pos) < 0


def effective(text: str) -> str | None:
    """The citing document's effective date by the plain regex."""
    m = next((m for m in OWN.finditer(text) if not quoted(text, m.start())), None)
    if not m:
        return None
    if m.group(4):  # kể từ ngày ký: the header's date
        h = HEADER_DATE.search(text[:3000])
        return iso(*h.groups()) if h else None
    return iso(*m.group(1, 2, 3))


def acts(text: str):
    """(number, expected, own date, sentence) for every act sentence of the text: the document's own act, so
    not a sentence of the preamble (Căn cứ …), not a transitional one (… được tiếp tục …), not a trigger that is
    part of a title ("Luật sửa đổi, bổ sung …", "Nghị định số A … sửa đổi … Nghị định số B": A's act, not this
    document's), not a passive ("được sửa đổi", "bị bãi bỏ")."""
    for s in SENTENCE.finditer(text):
        sentence = s.group(0)
        if quoted(text, s.start()) or CAN_CU.match(sentence) \
                or "tiếp tục" in sentence:
            continue
        own = OWN_DATE.search(sentence)
        own_date = iso(*own.groups()) if own else None
        numbers = list(NUM.finditer(sentence))
        end = ENDS.search(sentence)
        for i, n in enumerate(numbers):
            before = sentence[:n.start()]
            if end and n.end() <= end.start():  # "… Nghị định số A … hết hiệu lực kể từ …"
                kind = "part" if PART_RIGHT_BEFORE.search(before[numbers[i - 1].end() if i else 0:]) else "whole"
            elif i == 0 and (m := OWN_ACT.match(before)):
                gap = before[m.end():]
                chain = m.group("chain").lower()
                if "bãi bỏ" in chain and re.search(PARTS, gap):
                    kind = "part"
                elif re.fullmatch(r"\s*(?:toàn bộ\s+)?" + TYPES + r"\s+(?:số\s+)?", gap) and ("bãi bỏ" in chain or "thay thế" in chain):
                    kind = "whole"
                else:  # sửa đổi, bổ sung …; thay thế cụm từ / Phụ lục … (graph/status.py: a part replaced amends)
                    kind = "amends"
            else:
                continue
            yield re.sub(r"\s+", "", n.group(0)), kind, own_date, " ".join(sentence.split())


def day(iso_date: str, delta: int) -> str:
    return (date.fromisoformat(iso_date) + timedelta(days=delta)).isoformat()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--db", required=True)
    ap.add_argument("--docs", default=str(ROOT.parent / "shared" / "corpus" / "vbpl" / "docs"))
    ap.add_argument("--show", type=int, default=30, help="disagreements printed")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    db = sqlite3.connect(f"file:{args.db}?mode=ro", uri=True)
    db.row_factory = sqlite3.Row
    by_path = {Path(r[0]).name: r[1] for r in db.execute("SELECT path, document_id FROM sources")}
    counts, disagreements = Counter(), []
    targeted: set[str] = set()
    dated: dict[int, str] = {}
    cases: dict[tuple, tuple] = {}
    for path in sorted(Path(args.docs).glob("*.txt")):
        text = normalize_text(path.read_text(encoding="utf-8"))
        found = list(acts(text))
        targeted.update(n for n, *_ in found)
        citing = by_path.get(path.name)
        if citing is None:
            continue
        e = effective(text)
        if e:
            dated[citing] = e
        for number, kind, own_date, sentence in found:
            if e is None and own_date is None:
                counts["act sentences skipped: the citing text states no effective date"] += 1
                continue
            key = (citing, number)
            if key not in cases or NEED[kind] > NEED[cases[key][0]]:
                cases[key] = (kind, own_date or e, sentence, path.name)
    for (citing, number), (kind, when, sentence, name) in sorted(cases.items()):
        try:
            target = resolve(db, number)["id"]
        except VanbanError as exc:
            counts["checked"] += 1
            counts["disagree"] += 1
            disagreements.append({"file": name, "target": number, "expected": kind, "problem": str(exc), "sentence": sentence})
            continue
        if target == citing:
            continue
        after, before = status(db, target, day(when, 1)), status(db, target, day(when, -1))
        ok_after = RANK.get(after["status"], 0) >= NEED[kind]
        ok_before = before["status"] not in ("repealed", "replaced") or bool(before["since"] and before["since"] < when)
        counts["checked"] += 1
        counts["agree" if ok_after and ok_before else "disagree"] += 1
        counts[f"after {kind}: {'agree' if ok_after else 'disagree'}"] += 1
        counts[f"before: {'agree' if ok_before else 'disagree'}"] += 1
        if not (ok_after and ok_before):
            disagreements.append({"file": name, "target": number, "expected": kind, "effective": when,
                                  "after": after["status"], "before": before["status"],
                                  "evidence": [(a["full_number"], a["relation"], a["scope"], a["effective"]) for a in after["by"]
                                               if a["id"] == citing], "sentence": sentence[:300]})
    folded = {re.sub(r"[^0-9A-Z]", "", n.upper().replace("Đ", "D")) for n in targeted}
    for row in db.execute("SELECT id, full_number FROM documents WHERE stub = 0 AND full_number IS NOT NULL"):
        e = dated.get(row["id"])
        if e is None or re.sub(r"[^0-9A-Z]", "", row["full_number"].upper().replace("Đ", "D")) in folded:
            continue
        got_after, got_before = status(db, row["id"], day(e, 1))["status"], status(db, row["id"], day(e, -1))["status"]
        good = got_after == "in_force" and got_before == "not_yet_in_force"
        counts["untouched checked"] += 1
        counts["untouched agree" if good else "untouched disagree"] += 1
        if not good:
            disagreements.append({"untouched": row["full_number"], "effective": e, "after": got_after, "before": got_before})
    if args.json:
        print(json.dumps({"counts": dict(counts), "disagreements": disagreements}, ensure_ascii=False, indent=1))
        return 0
    for k in sorted(counts):
        print(f"{k:70} {counts[k]}")
    for d in disagreements[:args.show]:
        print(json.dumps(d, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
