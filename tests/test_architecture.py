"""Each third-party library is imported by exactly one module (spec/architecture.md), and nothing in an
earlier stage imports a later one."""
import ast
from pathlib import Path

from conftest import ROOT

OWNERS = {
    "pypdfium2": {"pipeline/ingest/pdf.py"}, "pdfplumber": {"pipeline/ingest/pdf.py"},
    "docx": {"pipeline/ingest/docx.py"}, "defusedxml": {"pipeline/ingest/docx.py"},
    "PIL": {"pipeline/ingest/scan/ocr.py", "pipeline/ingest/scan/eoffice.py", "pipeline/ingest/scan/digits.py",
            "pipeline/archive/ocrmypdf_words.py", "pipeline/ingest/scan/engines.py"},
    "trueocr": {"pipeline/ingest/scan/engines.py"},
    "lxml": {"pipeline/ingest/html.py"}, "click": {"pipeline/cli.py", "pipeline/cli_batch.py"},
    "spacy": {"pipeline/nlp/components.py", "pipeline/nlp/review.py"}, "underthesea": {"pipeline/nlp/vi.py"},
    "sqlite3": {"pipeline/archive/db.py"},
    "flask": {"pipeline/desk/app.py", "pipeline/desk/security.py", "pipeline/desk/i18n.py"},
    "werkzeug": {"pipeline/desk/app.py"}, "flask_babel": {"pipeline/desk/i18n.py"}, "waitress": {"pipeline/desk/app.py"},
    "openpyxl": {"pipeline/desk/register.py"},
    # the searchable copy of a scan: OCRmyPDF in a child process, and its engine plugin
    "ocrmypdf": {"pipeline/archive/ocrmypdf_words.py"}, "pikepdf": {"pipeline/archive/searchable.py"},
    "networkx": {f"pipeline/graph/{m}.py" for m in ("queries", "build", "export", "page")},
    # the graph's arrays, the handwritten-digit network's inference, the OCR engine's outputs (numpy only)
    **{lib: {f"pipeline/graph/{m}.py" for m in ("queries", "build", "export", "page", "arrays")}
       | {"pipeline/ingest/scan/digits.py"} | ({"pipeline/ingest/scan/engines.py"} if lib == "numpy" else set())
       for lib in ("numpy", "scipy")},
}


def imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_third_party_libraries_have_one_owner():
    for path in sorted((ROOT / "pipeline").rglob("*.py")):
        rel = str(path.relative_to(ROOT))
        for lib in imports(path) & set(OWNERS):
            assert rel in OWNERS[lib], f"{rel} imports {lib}; only {OWNERS[lib]} may"


def test_records_and_errors_are_stdlib_only():
    for name in ("records.py", "errors.py"):
        assert imports(ROOT / "pipeline" / name) <= {"__future__", "dataclasses"}


def test_nlp_never_imports_a_later_stage_or_the_cli():
    for path in sorted((ROOT / "pipeline" / "nlp").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        for later in ("pipeline.archive", "pipeline.graph", "pipeline.batch", "pipeline.cli"):
            assert later not in text, f"{path.name} imports {later}"


def test_ingest_and_text_never_import_a_later_stage():
    for stage in ("ingest", "text"):
        for path in sorted((ROOT / "pipeline" / stage).rglob("*.py")):
            text = path.read_text(encoding="utf-8")
            for later in ("pipeline.nlp", "pipeline.archive", "pipeline.graph", "pipeline.batch", "pipeline.cli"):
                assert later not in text, f"{stage}/{path.name} imports {later}"


def test_ocr_knowledge_lives_in_the_scan_stage():
    """Issue 18: page images are read, and OCR's slips repaired, in pipeline/ingest/scan only. Outside it only
    ingest's dispatcher calls into it; no nlp function takes an `ocr=` flag, and the one nlp module that still
    reads `source.ocr` is letter.py (the appendix heading's number, the signer's family name and the field
    confidences: what the scan stage cannot judge before the letter's fields are read)."""
    import re

    for path in sorted((ROOT / "pipeline").rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        text = path.read_text(encoding="utf-8")
        if "pipeline.ingest.scan" in text:
            assert rel.startswith("pipeline/ingest/"), f"{rel} reaches into the scan stage"
        if rel.startswith("pipeline/nlp/"):
            assert not re.search(r"(?<![.\w])ocr\s*[:=]|\bocr=", text), f"{rel} takes or passes an ocr= flag"
            if rel != "pipeline/nlp/letter.py":
                assert "source.ocr" not in text, f"{rel} branches on source.ocr"
