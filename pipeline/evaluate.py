"""`vanban eval`: score extracted letter records against a hand-made gold file (stdlib only).

The rules are the corpus's gold conventions (shared/corpus/README.md), so that a miss here is a real miss
and not a difference of spelling:

Folding (every comparison): NFC, look-alikes (Ð U+00D0 → Đ), traditional tone placement (UỶ = ỦY,
HOÀ = HÒA), case, Đ → D, dash variants (– — ‐ ‑ −) → "-", no spaces around "/" and "-", single spaces
(all from `pipeline.text.normalize.fold`); then trailing . ; , : and surrounding quotes/brackets stripped.

Header fields, each right or wrong per letter; "header-field accuracy" is the mean over these:
number, symbol, full_number, year, doc_type, issuer, parent_issuer, place, date, subject, signer,
signing_authority, signer_title. Right when both sides are null/empty, or both are set and match:
- number: folded, leading zeros dropped ("05" == "5").
- full_number: folded, leading zeros dropped; no digit before the first "/" means a blank number, i.e.
  null (the gold prints "/SNNMT-KS", the contract prints null).
- year: integer equality. date: ISO string equality.
- subject: a leading "V/v", "Về việc", "Về:" removed; right when the SequenceMatcher ratio ≥ 0.9.
- every other field: folded equality.

recipients, distribution: items folded, a leading "- "/"+ " removed; an item matches a not-yet-matched gold
item that is equal (first pass) or has a ratio ≥ 0.9 (second pass), one to one. Micro P/R/F1.

references: predicted references with a null `number` (laws cited by name) are not scored. Predicted and
gold are matched one to one by a key of the full number: folded, no spaces, leading zeros of the first digit
group dropped, "-" and "/" removed ("1626/QĐTTg" == "1626/QĐ-TTg"); a repeated key counts once. Micro P/R/F1.
relations: over matched references, the predicted English relation is mapped to the gold's Vietnamese key
(RELATION_TO_GOLD; a Vietnamese key is taken as is) and compared. Accuracy = right / matched.

A letter whose document is missing or whose extractor raised counts as all-missed: every header field wrong,
no list item or reference found; its misses hold the error and the missed items (not 13 header lines).
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any, Callable

from pipeline.text.normalize import fold
from pipeline.text.patterns import AUTHORITY_PREFIXES as PREFIXES

SCHEMA = "vanban.eval/1"
HEADER_FIELDS = ("number", "symbol", "full_number", "year", "doc_type", "issuer", "parent_issuer", "place",
                 "date", "subject", "signer", "signing_authority", "signer_title")
LIST_FIELDS = ("recipients", "distribution")
FUZZY = 0.9  # long free text (subjects, distribution lines) differs by a typo or a dropped word

# Contract relations (English) → the gold's Vietnamese keys. The gold has fewer classes than the contract,
# so several contract relations collapse into "related" (lien_quan).
RELATION_TO_GOLD = {
    "legal_basis": "can_cu", "implements": "thuc_hien", "proposed_by": "theo", "follows_up": "theo",
    "replies_to": "tra_loi", "replaces": "thay_the", "amends": "sua_doi", "repeals": "bai_bo",
    "terminates": "bai_bo", "refers_to": "lien_quan", "guides": "lien_quan", "details": "lien_quan",
    "attached_to": "lien_quan", "suspends": "lien_quan", "corrects": "lien_quan", "consolidates": "lien_quan",
}
GOLD_RELATIONS = frozenset(RELATION_TO_GOLD.values())

# Originals first: the .txt beside a PDF/DOCX is only its text layer. Page images come last (see below).
_EXT_RANK = (".pdf", ".docx", ".doc", ".html", ".htm", ".txt")
_IMAGE_EXTS = (".jpg", ".jpeg", ".png", ".tif", ".tiff")


# ---------------------------------------------------------------------------------------------- files

def find_document(docs_dir: Path, doc_id: str) -> Path | None:
    """The original file for a gold id: `<id>.<ext>` by _EXT_RANK, else the first page image `<id>_pN`."""
    docs_dir = Path(docs_dir)
    if not docs_dir.is_dir():
        return None
    own = {p.suffix.lower(): p for p in docs_dir.iterdir() if p.is_file() and p.stem == doc_id}
    for ext in _EXT_RANK:
        if ext in own:
            return own[ext]
    # A scan delivered as page images only: page 1 stands for the letter here (`--scans` reads them all).
    images = _page_images(docs_dir, doc_id)
    return images[0] if images else None


def _page_images(docs_dir: Path, doc_id: str) -> list[Path]:
    """`<id>_p1.jpg`, `<id>_p2.jpg` … in page order."""
    page = re.compile(re.escape(doc_id) + r"_p(\d+)$")
    images = [(int(m.group(1)), p) for p in docs_dir.iterdir()
              if p.suffix.lower() in _IMAGE_EXTS and (m := page.match(p.stem))]
    return [p for _, p in sorted(images)]


def read_gold(gold_path: Path) -> list[dict]:
    lines = Path(gold_path).read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


# -------------------------------------------------------------------------------------------- folding

_TRAILING = ".;,: "
_QUOTES = "\"'“”‘’«»„` "
_BRACKETS = {"(": ")", "[": "]", "{": "}"}
_LEADING_ZEROS = re.compile(r"^0+(?=\d)")
_SUBJECT_PREFIX = re.compile(r"^(?:V/V|VỀ VIỆC|VỀ\s*:)[\s:.-]*")  # after fold: upper case
_BULLET = re.compile(r"^[-+]\s*")


def fold_value(value: Any) -> str:
    """The comparison form of any printed value; "" for null."""
    if value is None:
        return ""
    text, previous = fold(str(value)), None
    while text != previous:  # '"(Về việc ...)."' needs several rounds
        previous = text
        text = text.rstrip(_TRAILING).strip(_QUOTES)
        if len(text) >= 2 and _BRACKETS.get(text[0]) == text[-1]:
            text = text[1:-1]
    return text


def _norm_number(value: Any) -> str:
    return _LEADING_ZEROS.sub("", fold_value(value))


def _norm_full_number(value: Any) -> str:
    text = fold_value(value)
    if "/" in text and not re.search(r"\d", text.split("/", 1)[0]):
        return ""  # "/SNNMT-KS": the number was never filled in
    return _LEADING_ZEROS.sub("", text)


def _norm_year(value: Any) -> str:
    if value is None or value == "":
        return ""
    try:
        return str(int(value))
    except (TypeError, ValueError):
        return fold_value(value)


def _norm_date(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _norm_subject(value: Any) -> str:
    return _SUBJECT_PREFIX.sub("", fold_value(value)).strip()


def _norm_item(value: Any) -> str:
    return fold_value(_BULLET.sub("", fold_value(value)))


_AUTHORITY_PREFIX = re.compile(rf"^({PREFIXES})(?:\s*\.\s*|\s+)(?=\S)", re.IGNORECASE)


_AUTHORITY_SPLIT = re.compile(rf"\s*/\s*(?=(?:{PREFIXES})\b)", re.IGNORECASE)  # "TM. X / KT. Y"


def _norm_authority(value: Any) -> str:
    """ô 7a's prefix as ND30 writes it, whichever way the letter printed it: 'K/T CHÁNH VĂN PHÒNG', 'KT.CHÁNH
    VĂN PHÒNG' and 'KT. CHÁNH VĂN PHÒNG' are one authority (the older T/M, K/T forms, the dot without its space;
    domain.md §1), folded the same way on both sides."""
    parts = []
    for part in _AUTHORITY_SPLIT.split(fold_value(value)):
        m = _AUTHORITY_PREFIX.match(part)
        parts.append(f"{m.group(1).replace('/', '').upper()}. {part[m.end():].strip()}" if m else part)
    return " / ".join(parts)


_NORMALIZERS = {"number": _norm_number, "full_number": _norm_full_number, "year": _norm_year,
                "date": _norm_date, "subject": _norm_subject, "signing_authority": _norm_authority}


def _similar(a: str, b: str) -> bool:
    # autojunk off: it would treat frequent characters of long lines (spaces, vowels) as junk
    return a == b or SequenceMatcher(None, a, b, autojunk=False).ratio() >= FUZZY


def field_matches(name: str, expected: Any, got: Any) -> bool:
    """One header field, by the rules in the module docstring."""
    norm = _NORMALIZERS.get(name, fold_value)
    want, have = norm(expected), norm(got)
    if not want or not have:
        return want == have  # right only when both are null/empty
    return _similar(want, have) if name == "subject" else want == have


def reference_key(full_number: Any) -> str:
    """Matching key of a cited number: "1626/QĐTTg", "1626 / QĐ-TTg" and "01626/QD-TTg" are one key."""
    text = _LEADING_ZEROS.sub("", re.sub(r"\s+", "", fold_value(full_number)))
    return re.sub(r"[-/]", "", text)


def gold_relation(relation: Any) -> str | None:
    """A predicted relation in the gold's vocabulary; unknown ones stay as they are (and score wrong)."""
    if relation is None:
        return None
    relation = str(relation).strip()
    return relation if relation in GOLD_RELATIONS else RELATION_TO_GOLD.get(relation, relation)


# ------------------------------------------------------------------------------------------- matching

def match_items(expected: list, got: list) -> tuple[int, list, list]:
    """Greedy one-to-one matching of list items: (matched count, missed gold items, extra predicted items)."""
    gold = [(item, _norm_item(item)) for item in expected or [] if _norm_item(item)]
    pred = [(item, _norm_item(item)) for item in got or [] if _norm_item(item)]
    open_gold = list(range(len(gold)))
    pending, extra = [], []
    # Exact pass first, so that a fuzzy match cannot take the gold item another prediction equals.
    for item, key in pred:
        hit = next((i for i in open_gold if gold[i][1] == key), None)
        if hit is None:
            pending.append((item, key))
        else:
            open_gold.remove(hit)
    for item, key in pending:
        ratio = {i: SequenceMatcher(None, gold[i][1], key, autojunk=False).ratio() for i in open_gold}
        best = max(ratio, key=ratio.get, default=None)
        if best is not None and ratio[best] >= FUZZY:
            open_gold.remove(best)
        else:
            extra.append(item)
    return len(pred) - len(extra), [gold[i][0] for i in open_gold], extra


def _ref_label(ref: dict) -> str:
    if ref.get("full_number"):
        return str(ref["full_number"])
    return "/".join(str(ref[k]) for k in ("number", "symbol") if ref.get(k))


def _index_references(refs: list) -> dict[str, dict]:
    """Key → first reference with that key; unnumbered references are not scored."""
    index: dict[str, dict] = {}
    for ref in refs or []:
        if isinstance(ref, dict) and fold_value(ref.get("number")):
            index.setdefault(reference_key(_ref_label(ref)), ref)
    return index


# -------------------------------------------------------------------------------------------- report

@dataclass
class Counts:
    """Micro counts for one list-like field."""

    tp: int = 0
    predicted: int = 0
    gold: int = 0

    def add(self, tp: int, predicted: int, gold: int) -> None:
        self.tp, self.predicted, self.gold = self.tp + tp, self.predicted + predicted, self.gold + gold

    def scores(self) -> dict:
        # Nothing predicted and nothing to find is perfect; otherwise an empty denominator scores 0.
        empty = 1.0 if self.predicted == self.gold == 0 else 0.0
        p = self.tp / self.predicted if self.predicted else empty
        r = self.tp / self.gold if self.gold else empty
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        return {"tp": self.tp, "predicted": self.predicted, "gold": self.gold,
                "precision": p, "recall": r, "f1": f1}


@dataclass
class DocumentResult:
    id: str
    path: str | None
    misses: list[dict] = field(default_factory=list)
    error: str | None = None


def _miss(name: str, expected: Any, got: Any, **extra: Any) -> dict:
    return {"field": name, **extra, "expected": expected, "got": got}


@dataclass
class EvalReport:
    gold_path: str
    docs_dir: str
    field_right: dict[str, int] = field(default_factory=lambda: dict.fromkeys(HEADER_FIELDS, 0))
    lists: dict[str, Counts] = field(default_factory=lambda: {n: Counts() for n in (*LIST_FIELDS, "references")})
    relations_right: int = 0
    relations_matched: int = 0
    documents: list[DocumentResult] = field(default_factory=list)
    groups: dict[str, "EvalReport"] = field(default_factory=dict)   # --by-source: a report per source and set

    def score(self, gold: dict, pred: dict, doc: DocumentResult) -> None:
        """Add one letter's figures and misses."""
        if doc.error is not None:
            doc.misses.append(_miss("error", None, doc.error))
        for name in HEADER_FIELDS:
            if doc.error is None and field_matches(name, gold.get(name), pred.get(name)):
                self.field_right[name] += 1
            elif doc.error is None:
                doc.misses.append(_miss(name, gold.get(name), pred.get(name)))
        for name in LIST_FIELDS:
            tp, missed, extra = match_items(gold.get(name) or [], pred.get(name) or [])
            self.lists[name].add(tp, tp + len(extra), tp + len(missed))
            doc.misses += [_miss(name, item, None) for item in missed] + [_miss(name, None, i) for i in extra]
        self._score_references(gold.get("references") or [], pred.get("references") or [], doc)
        self.documents.append(doc)

    def _score_references(self, gold_refs: list, pred_refs: list, doc: DocumentResult) -> None:
        gold, pred = _index_references(gold_refs), _index_references(pred_refs)
        self.lists["references"].add(len(gold.keys() & pred.keys()), len(pred), len(gold))
        for key, ref in gold.items():
            if key not in pred:
                doc.misses.append(_miss("references", _ref_label(ref), None))
                continue
            self.relations_matched += 1
            got = gold_relation(pred[key].get("relation"))
            if got == ref.get("relation"):
                self.relations_right += 1
            else:
                doc.misses.append(_miss("relation", ref.get("relation"), pred[key].get("relation"),
                                        number=_ref_label(ref)))
        doc.misses += [_miss("references", None, _ref_label(ref)) for key, ref in pred.items() if key not in gold]

    def to_json(self) -> dict:
        total = len(self.documents)
        fields = {name: {"right": right, "total": total, "accuracy": right / total if total else None}
                  for name, right in self.field_right.items()}
        accuracies = [f["accuracy"] for f in fields.values() if f["accuracy"] is not None]
        matched = self.relations_matched
        return {
            "schema": SCHEMA, "gold": self.gold_path, "docs_dir": self.docs_dir,
            "counts": {"documents": total, "failed": sum(d.error is not None for d in self.documents),
                       "misses": sum(len(d.misses) for d in self.documents)},
            "fields": fields,
            "header_accuracy": sum(accuracies) / len(accuracies) if accuracies else None,
            **{name: counts.scores() for name, counts in self.lists.items()},
            "relations": {"right": self.relations_right, "matched": matched,
                          "accuracy": self.relations_right / matched if matched else None},
            "documents": [{"id": d.id, "path": d.path, "misses": d.misses} for d in self.documents],
            **({"by_source": {label: g.summary() for label, g in sorted(self.groups.items())}} if self.groups else {}),
        }

    def score_in_groups(self, labels: list[str], gold: dict, pred: dict, doc: DocumentResult) -> None:
        """The same letter scored again into the report of each group it belongs to (its source, its set)."""
        for label in labels:
            group = self.groups.setdefault(label, EvalReport(self.gold_path, self.docs_dir))
            group.score(gold, pred, DocumentResult(doc.id, doc.path, error=doc.error))

    def summary(self) -> dict:
        """The headline figures, without the misses."""
        data = self.to_json()
        return {"documents": data["counts"]["documents"], "header_accuracy": data["header_accuracy"],
                **{name: {k: data[name][k] for k in ("precision", "recall", "f1")} for name in (*LIST_FIELDS, "references")},
                "relations": data["relations"]}

    def format_groups(self) -> str:
        lines = ["", f"{'by source':<56}{'docs':>5}{'header':>8}{'recip F1':>9}{'distr F1':>9}"
                     f"{'refs P':>8}{'refs R':>8}{'refs F1':>8}{'relations':>11}"]
        for label in sorted(self.groups, key=lambda x: (not x.startswith(("set:", "corpus:")), x)):
            d = self.groups[label].summary()
            rel = d["relations"]
            lines.append(f"{label[:56]:<56}{d['documents']:>5}{_pct(d['header_accuracy']):>8}"
                         f"{_pct(d['recipients']['f1']):>9}{_pct(d['distribution']['f1']):>9}"
                         f"{_pct(d['references']['precision']):>8}{_pct(d['references']['recall']):>8}"
                         f"{_pct(d['references']['f1']):>8}{_pct(rel['accuracy']):>11}")
        return "\n".join(lines)

    def format_table(self) -> str:
        data = self.to_json()
        counts = data["counts"]
        lines = [f"vanban eval: {counts['documents']} documents, {counts['failed']} failed  ({data['gold']})", "",
                 f"{'field':<20}{'right':>7}{'total':>7}{'accuracy':>10}"]
        for name, f in data["fields"].items():
            lines.append(f"{name:<20}{f['right']:>7}{f['total']:>7}{_pct(f['accuracy']):>10}")
        lines += [f"{'header (mean)':<34}{_pct(data['header_accuracy']):>10}", "",
                  f"{'list':<20}{'tp':>7}{'pred':>7}{'gold':>7}{'P':>8}{'R':>8}{'F1':>8}"]
        for name in (*LIST_FIELDS, "references"):
            s = data[name]
            lines.append(f"{name:<20}{s['tp']:>7}{s['predicted']:>7}{s['gold']:>7}"
                         f"{_pct(s['precision']):>8}{_pct(s['recall']):>8}{_pct(s['f1']):>8}")
        rel = data["relations"]
        lines.append(f"{'relations':<20}{rel['right']:>7} of {rel['matched']} matched{_pct(rel['accuracy']):>10}")
        for doc in data["documents"]:
            if doc["misses"]:
                lines += ["", f"{doc['id']}  {doc['path'] or '(no document)'}"]
                lines += [f"  {_format_miss(m)}" for m in doc["misses"]]
        return "\n".join(lines)


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def _short(value: Any, width: int = 70) -> str:
    text = "null" if value is None else str(value)
    return text if len(text) <= width else text[: width - 1] + "…"


def _format_miss(miss: dict) -> str:
    name = f"{miss['field']} {miss['number']}" if "number" in miss else miss["field"]
    if miss["expected"] is None and miss["field"] in (*LIST_FIELDS, "references"):
        return f"{name}: extra {_short(miss['got'])}"
    if miss["got"] is None and miss["field"] in (*LIST_FIELDS, "references"):
        return f"{name}: missed {_short(miss['expected'])}"
    if miss["field"] == "error":
        return f"error: {_short(miss['got'], 140)}"
    return f"{name}: expected {_short(miss['expected'])} | got {_short(miss['got'])}"


# ------------------------------------------------------------------------------------------ evaluate

def _run_extract(extract: Callable[[Path], dict], path: Path | None) -> tuple[dict, str | None]:
    """The predicted record, or {} and the reason there is none. One bad letter must not stop the run."""
    if path is None:
        return {}, "document not found"
    try:
        record = extract(path)
    except Exception as exc:  # noqa: BLE001 - any extractor failure is a scored miss, not a crash
        return {}, f"{type(exc).__name__}: {exc}"
    if not isinstance(record, dict):
        return {}, f"extract returned {type(record).__name__}, not a record"
    return record, None


def evaluate(gold_path: Path, docs_dir: Path, extract: Callable[[Path], dict], *,
             progress: Callable[[int, int, str], None] | None = None, **more) -> EvalReport:
    """Score `extract` on every gold record. `progress(index, total, doc_id)` is called before each letter;
    `more`: `report`, `groups_of`, `only` (see _score_all)."""
    return _score_all(gold_path, docs_dir, lambda doc_id: find_document(Path(docs_dir), doc_id), extract, progress,
                      **more)


def read_sources(gold_path: Path) -> dict[str, list[str]]:
    """Group labels per gold id from the `sources.tsv` beside the gold file (the corpus convention: columns
    `id` and `repository`, and `set` where a corpus sets sources aside): `source: owner/name`, `set: heldout`
    (`set: dev` where the column is absent). Empty when there is no such file."""
    import csv

    path = Path(gold_path).with_name("sources.tsv")
    if not path.is_file():
        return {}
    out: dict[str, list[str]] = {}
    with open(path, encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            labels = [f"source: {row['repository']}"] if row.get("repository") else []
            labels.append(f"set: {row.get('set') or 'dev'}")  # a corpus without the column is all development
            out[str(row["id"])] = labels
    return out


def _score_all(gold_path: Path, docs_dir: Path, locate: Callable, extract: Callable, progress, keep=None,
               report: EvalReport | None = None, groups_of: Callable[[str], list[str]] | None = None,
               only: Callable[[str], bool] | None = None) -> EvalReport:
    """The scoring loop: `locate(doc_id)` gives what `extract` reads (None: nothing; [] skips the letter),
    `keep(record)` may leave a letter out once read. Into `report` when given (several corpora in one);
    `groups_of(doc_id)` names the groups a letter is also scored in; `only(doc_id)` false leaves it out."""
    records = [r for r in read_gold(Path(gold_path)) if only is None or only(str(r["id"]))]
    report = report if report is not None else EvalReport(str(gold_path), str(docs_dir))
    for index, gold in enumerate(records, 1):
        doc_id = str(gold["id"])
        if progress is not None:
            progress(index, len(records), doc_id)
        where = locate(doc_id)
        if where == []:
            continue
        pred, error = _run_extract(extract, where)
        if error is None and keep is not None and not keep(pred):
            continue
        label = " + ".join(p.name for p in where) if isinstance(where, list) else (str(where) if where else None)
        report.score(gold, pred, DocumentResult(doc_id, label, error=error))
        if groups_of is not None:
            report.score_in_groups(groups_of(doc_id), gold, pred, DocumentResult(doc_id, label, error=error))
    return report


def scan_pages(docs_dir: Path, doc_id: str) -> list[Path]:
    """The page images of a gold id (`<id>_p1.jpg`, `<id>_p2.jpg` …) in page order; else its PDF (a scan is
    known by its record: read by OCR)."""
    docs_dir = Path(docs_dir)
    images = _page_images(docs_dir, doc_id)
    if images:
        return images
    pdf = docs_dir / f"{doc_id}.pdf"
    return [pdf] if pdf.is_file() else []


def evaluate_scans(gold_path: Path, docs_dir: Path, extract: Callable[[list[Path]], dict], *,
                   progress: Callable[[int, int, str], None] | None = None, **more) -> EvalReport:
    """Like `evaluate`, on the scanned originals only: a letter's page images read as one, or a PDF whose
    record says it was read by OCR; letters with neither are left out (their text copies are not scans)."""
    return _score_all(gold_path, docs_dir, lambda doc_id: scan_pages(Path(docs_dir), doc_id), extract, progress,
                      keep=lambda pred: (pred.get("source") or {}).get("ocr"), **more)  # a PDF with a text layer: not a scan
