"""The hand-made parts of tests/corpus agree with each other (issue 18, item 3: the scan corpus).

Each letter has one gold record, one sources.tsv row and its original in docs/; each scan of the scan corpus
(ids c100-c199) has a hand transcription of its header zone and of its signature zone in transcripts/, NFC,
which `bench/ocr.py` scores OCR against. The transcriptions and the gold records were typed separately from the
page images, so they must agree where they overlap: the number printed in the header, the signer's name.
Nothing here opens a letter's document (the set-aside letters stay unread).
"""
from __future__ import annotations

import csv
import json
import re
import unicodedata
from pathlib import Path

from pipeline.evaluate import find_document

CORPUS = Path(__file__).parent / "corpus"
GOLD = [json.loads(line) for line in (CORPUS / "gold.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
with (CORPUS / "sources.tsv").open(encoding="utf-8", newline="") as fh:
    SOURCES = list(csv.DictReader(fh, delimiter="\t"))
# The scan corpus is c100-c199; c200 and up are non-scan letters (tests/corpus/README.md, "Files").
SCANS = sorted(g["id"] for g in GOLD if 100 <= int(g["id"][1:]) < 200)


def _fold(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).casefold()


def test_one_gold_record_one_source_row_one_document_per_letter():
    ids = [g["id"] for g in GOLD]
    assert len(ids) == len(set(ids))
    rows = {r["id"]: r for r in SOURCES}
    assert len(rows) == len(SOURCES)
    assert set(rows) == set(ids)
    assert {r["set"] for r in SOURCES} <= {"dev", "heldout"}
    missing = [i for i in ids if find_document(CORPUS / "docs", i) is None]
    assert missing == []


def test_every_scan_has_nfc_header_and_signature_transcriptions():
    assert len(SCANS) >= 30
    for doc_id in SCANS:
        for zone in ("header", "signature"):
            path = CORPUS / "transcripts" / f"{doc_id}.{zone}.txt"
            text = path.read_text(encoding="utf-8")
            assert text == unicodedata.normalize("NFC", text), path.name
            lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
            assert len(lines) >= 2, path.name
    stray = {p.name.split(".")[0] for p in (CORPUS / "transcripts").glob("*.txt")} - set(SCANS)
    assert stray == set()


def test_transcriptions_agree_with_the_gold_records():
    gold = {g["id"]: g for g in GOLD}
    for doc_id in SCANS:
        record = gold[doc_id]
        header = _fold((CORPUS / "transcripts" / f"{doc_id}.header.txt").read_text(encoding="utf-8"))
        signature = _fold((CORPUS / "transcripts" / f"{doc_id}.signature.txt").read_text(encoding="utf-8"))
        if record["number"]:
            assert re.search(r"số\s*:\s*" + re.escape(_fold(record["number"])) + r"\b", header), doc_id
        if record["symbol"]:
            assert _fold(record["symbol"]) in header, doc_id
        if record["signer"]:
            assert _fold(record["signer"]) in signature, doc_id
        if record["signer_title"]:
            assert _fold(record["signer_title"]) in signature, doc_id
        for item in record["distribution"]:
            assert _fold(item) in signature, (doc_id, item)
