"""The `vanban text` command, and a golden `vanban text --json` for every bundled sample."""
import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import main

from conftest import ROOT, SAMPLES

GOLDEN = ROOT / "tests" / "golden"
OCR_SAMPLES = {"seed-letter-scan.png", "seed-letter-scan.pdf", "seed-letter-scan.tif", "017_p1.jpg"}
SAMPLE_FILES = sorted(p for p in SAMPLES.rglob("*") if p.is_file() and p.suffix not in (".py", ".md"))


def run(*args):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_text_prints_the_letter():
    result = run("text", str(SAMPLES / "seed-letter.docx"))
    assert result.exit_code == 0
    assert result.output.startswith("Số: /SGDDĐT-VP\n") and "Phạm Quốc Hiệu" in result.output


def test_text_json_has_the_contract_keys():
    data = json.loads(run("text", str(SAMPLES / "seed-letter.pdf"), "--json").output)
    assert data["schema"] == "vanban.source/1" and data["format"] == "pdf" and len(data["sha256"]) == 64
    assert {"text", "pages", "blocks", "zones", "ocr", "ocr_confidence", "warnings", "stamps"} <= set(data)
    assert {z["name"] for z in data["zones"]} >= {"header_left", "header_right", "body"}


def test_unreadable_file_is_one_line_and_exit_1(tmp_path):
    empty = tmp_path / "empty.docx"
    empty.write_bytes(b"")
    result = CliRunner().invoke(main, ["text", str(empty)])
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [f"vanban: {empty}: the file is empty (0 bytes) [empty]"]


def test_pdf_engine_choice_and_bad_usage():
    assert run("text", "--pdf-engine", "pdfplumber", str(SAMPLES / "seed-letter.pdf")).exit_code == 0
    assert CliRunner().invoke(main, ["text", "--pdf-engine", "pdfminer", "x.pdf"]).exit_code == 2


def test_every_command_has_help_with_an_example():
    for name, command in main.commands.items():
        assert "Example" in (command.help or ""), name


def golden_id(path: Path) -> str:
    return str(path.relative_to(SAMPLES)).replace("/", "__")


@pytest.mark.parametrize("path", [pytest.param(p, id=golden_id(p), marks=[pytest.mark.slow] if p.name in OCR_SAMPLES else [])
                                  for p in SAMPLE_FILES])
def test_golden_text_json(path, monkeypatch):
    """`vanban text --json` for each sample equals tests/golden/<name>.json (VANBAN_UPDATE_GOLDEN=1 rewrites)."""
    monkeypatch.chdir(ROOT)
    out = json.loads(run("text", str(path.relative_to(ROOT)), "--json").output)
    golden = GOLDEN / f"{golden_id(path)}.json"
    if os.environ.get("VANBAN_UPDATE_GOLDEN"):
        golden.write_text(json.dumps(out, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    assert out == json.loads(golden.read_text(encoding="utf-8"))
