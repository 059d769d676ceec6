"""A searchable copy of every scan (issue 19 #4): real scans of the corpus filed by the real batch, their
copies checked as PDF/A by pikepdf's validator (what OCRmyPDF's Ghostscript-free path uses) and by hand
(XMP identification, OutputIntent, embedded fonts, no encryption), and read back by a PDF text extractor
(pypdfium2) that must find the letter's own words; then downloaded the ways a clerk gets it: the desk's
review page and `vanban show --searchable-pdf`."""
import hashlib
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pikepdf
import pikepdf.pdfa
import pypdfium2
import pytest
from PIL import Image

from conftest import DEV, ROOT, SHARED

DEV2 = SHARED / "corpus" / "dev2"
SCAN_017 = DEV / "docs" / "017_p1.jpg"
SCAN_040 = DEV / "docs" / "040.pdf"
SCAN_020 = DEV2 / "docs" / "020.pdf"  # dev2: two scanned pages, no text layer
SCAN_019 = DEV2 / "docs" / "019.pdf"  # dev2: a scan with a useless OCR layer (no diacritics, fonts not embedded)


def vanban(*args, env=None, check=True):
    done = subprocess.run([sys.executable, "-m", "pipeline", *map(str, args)], cwd=ROOT, capture_output=True,
                          text=True, env={**os.environ, **(env or {})}, timeout=1800)
    if check:
        assert done.returncode == 0, done.stderr
    return done


def sha256(path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def pdf_text(path) -> str:
    doc = pypdfium2.PdfDocument(str(path))
    try:
        return "\n".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))
    finally:
        doc.close()


def assert_pdfa(path):
    """PDF/A-2b by pikepdf.pdfa's allowlist validator, and the marks a reader checks, one by one."""
    report = pikepdf.pdfa.validate_written(path, "2b")
    assert report.passed, report.findings
    with pikepdf.open(path) as pdf:
        assert not pdf.is_encrypted
        assert pdf.open_metadata().pdfa_status == "2B"  # pdfaid:part 2, conformance B in the XMP
        intents = pdf.Root.OutputIntents
        assert len(intents) >= 1 and intents[0].S == "/GTS_PDFA1" and "/DestOutputProfile" in intents[0]
        fonts = [font for page in pdf.pages for font in fonts_of(page.Resources)]
        assert fonts, "no font: the copy has no text layer"
        for font in fonts:
            described = font.DescendantFonts[0] if "/DescendantFonts" in font else font
            assert any(k in described.FontDescriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")), font


def pdfa_problem_of(path) -> str:
    if path.suffix != ".pdf":
        return "not a PDF"
    report = pikepdf.pdfa.validate_written(path, "2b")
    return "" if report.passed else str(report.findings[0])


def fonts_of(resources, seen=None) -> list:
    """Every font a page's resources use, inside its form XObjects too (the text layer is grafted as one)."""
    seen = set() if seen is None else seen
    if resources is None or resources.objgen in seen and resources.objgen != (0, 0):
        return []
    seen.add(resources.objgen)
    out = list((resources.get("/Font") or {}).values())
    for xobject in (resources.get("/XObject") or {}).values():
        if xobject.get("/Subtype") == "/Form":
            out += fonts_of(xobject.get("/Resources"), seen)
    return out


# -- fast: the copy of one real scan, from words given as vanban's Source keeps them ---------------------------
def test_copy_of_a_real_scan_carries_the_words_it_is_given_as_pdfa(tmp_path):
    from pipeline.archive.searchable import make_copy
    from pipeline.records import Block, Page, Source

    with Image.open(SCAN_017) as im:
        dpi = float((im.info.get("dpi") or (300, 300))[0] or 300)
        width, height, pixels = im.width * 72 / dpi, im.height * 72 / dpi, im.width
    line = "Kính gửi Phòng giáo dục và đào tạo các quận, huyện"
    source = Source(path=str(SCAN_017), sha256=sha256(SCAN_017), format="image", text=line,
                    pages=(Page(1, 0, len(line), width, height, ocr=True),),
                    blocks=(Block(line, 0, len(line), 1, "body", (0.1 * width, 0.3 * height, 0.9 * width, 0.32 * height)),))
    before = sha256(SCAN_017)
    out = tmp_path / "copy.pdf"
    make_copy(SCAN_017, source, out)
    assert_pdfa(out)
    text = pdf_text(out)
    assert "đào tạo" in text and "Kính gửi" in text  # the words given, with their diacritics (NFC)
    assert sha256(SCAN_017) == before
    with pikepdf.open(out) as pdf:  # one page, the scan itself inside it
        assert len(pdf.pages) == 1
        images = list(pdf.pages[0].images.values())
        assert images and images[0].Width == pixels


def test_a_letter_with_a_text_layer_wants_no_copy():
    from pipeline.archive.searchable import wanted
    from pipeline.ingest import read_document

    assert not wanted(read_document(DEV / "docs" / "001.txt"))


# -- slow: the batch files real scans and keeps a copy of each --------------------------------------------------
@pytest.fixture(scope="module")
def filed(tmp_path_factory):
    base = tmp_path_factory.mktemp("searchable")
    inbox = base / "inbox"
    inbox.mkdir()
    for f in (SCAN_017, SCAN_040, SCAN_020, SCAN_019, DEV / "docs" / "001.txt"):
        (inbox / f.name).write_bytes(f.read_bytes())
    db = base / "archive" / "archive.sqlite"
    report = json.loads(vanban("ingest", inbox, "--db", db, "--json", "--timeout", 900, "--settle", 0).stdout)
    return {"db": db, "report": report, "inbox": inbox, "base": base}


WORDS = {"017_p1.jpg": ["đào tạo", "COVID-19"], "040.pdf": ["Lào Cai"], "020.pdf": ["Đà Nẵng"],
         "019.pdf": ["ĐÀO TẠO", "Đà Nẵng"]}


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(WORDS))
def test_each_scan_filed_has_a_searchable_pdfa_copy_beside_its_original(filed, name):
    db = sqlite3.connect(filed["db"])
    row = db.execute("SELECT c.sha256, c.stored, c.size, c.pdfa, s.stored, d.id FROM searchable c "
                     "JOIN sources s ON s.sha256 = c.source_sha256 JOIN documents d ON d.id = s.document_id "
                     "WHERE s.path LIKE ?", (f"%/{name}",)).fetchone()
    assert row is not None, filed["report"]
    copy_sha, stored, size, pdfa, original, doc_id = row
    originals = filed["db"].parent / "originals"
    copy = originals / stored
    assert stored == f"{copy_sha[:2]}/{copy_sha}.pdf" and sha256(copy) == copy_sha and copy.stat().st_size == size
    assert sha256(originals / original) == sha256(filed["inbox"] / name)  # the original as it came, untouched
    assert pdfa == "2B"
    assert_pdfa(copy)
    assert pdfa_problem_of(originals / original)  # the scan itself is no PDF/A (the image has no PDF at all)
    text = pdf_text(copy)
    for word in WORDS[name]:
        assert word in text, (name, word, text[:500])
    # the copy's text is the text vanban extracted, word for word
    record_text = db.execute("SELECT text FROM contents WHERE document_id = ?", (doc_id,)).fetchone()[0]
    assert " ".join(text.split())[:200] in " ".join(record_text.split())
    if name.endswith(".pdf"):  # every page of the scan, in its order
        with pikepdf.open(copy) as pdf, pikepdf.open(filed["inbox"] / name) as orig:
            assert len(pdf.pages) == len(orig.pages)


@pytest.mark.slow
def test_the_text_letter_gets_no_copy_and_show_says_so(filed):
    db = sqlite3.connect(filed["db"])
    assert db.execute("SELECT count(*) FROM searchable").fetchone()[0] == 4
    assert filed["report"]["counts"]["quarantined"] == 0
    txt = db.execute("SELECT d.key FROM documents d JOIN sources s ON s.document_id = d.id "
                     "WHERE s.path LIKE '%/001.txt'").fetchone()[0]
    done = vanban("show", txt, "--db", filed["db"], "--searchable-pdf", filed["base"] / "none.pdf", check=False)
    assert done.returncode == 2 and "no searchable copy" in done.stderr
    assert not (filed["base"] / "none.pdf").exists()


@pytest.mark.slow
def test_show_writes_the_copy_and_lists_it(filed):
    db = sqlite3.connect(filed["db"])
    key, copy_sha = db.execute("SELECT d.key, c.sha256 FROM documents d JOIN sources s ON s.document_id = d.id "
                               "JOIN searchable c ON c.source_sha256 = s.sha256 WHERE s.path LIKE '%/017_p1.jpg'").fetchone()
    out = filed["base"] / "out.pdf"
    vanban("show", key, "--db", filed["db"], "--searchable-pdf", out)
    assert sha256(out) == copy_sha
    shown = json.loads(vanban("show", key, "--db", filed["db"], "--json").stdout)
    assert [s["searchable"] for s in shown["sources"]] == [copy_sha]


@pytest.mark.slow
def test_the_review_page_links_the_copy_behind_the_desk_token(filed):
    from pipeline.desk.app import create_app

    db = sqlite3.connect(filed["db"])
    doc_id, copy_sha, txt_id = db.execute(
        "SELECT s.document_id, c.sha256, (SELECT document_id FROM sources WHERE path LIKE '%/001.txt') FROM sources s "
        "JOIN searchable c ON c.source_sha256 = s.sha256 WHERE s.path LIKE '%/017_p1.jpg'").fetchone()
    app = create_app(filed["db"], token="s3cret-token")
    client = app.test_client()
    assert client.get(f"/letters/{doc_id}/searchable.pdf").status_code == 401  # the desk's guard holds
    auth = {"Authorization": "Bearer s3cret-token"}
    page = client.get(f"/letters/{doc_id}", headers=auth).get_data(as_text=True)
    assert f'href="/letters/{doc_id}/searchable.pdf"' in page and "Tải bản PDF có thể tìm kiếm" in page
    with client.get(f"/letters/{doc_id}/searchable.pdf", headers=auth) as got:
        assert got.status_code == 200 and got.mimetype == "application/pdf"
        assert "017_p1-tim-kiem.pdf" in got.headers["Content-Disposition"]
        data = got.get_data()
    assert hashlib.sha256(data).hexdigest() == copy_sha
    out = filed["base"] / "downloaded.pdf"
    out.write_bytes(data)
    assert "đào tạo" in pdf_text(out)
    assert client.get(f"/letters/{txt_id}/searchable.pdf", headers=auth).status_code == 404
    assert "searchable.pdf" not in client.get(f"/letters/{txt_id}", headers=auth).get_data(as_text=True)


@pytest.mark.slow
def test_a_copy_that_fails_is_a_warning_and_the_letter_is_still_filed(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / SCAN_017.name).write_bytes(SCAN_017.read_bytes())
    db = tmp_path / "a" / "archive.sqlite"
    report = json.loads(vanban("ingest", inbox, "--db", db, "--json", "--settle", 0, "--timeout", 600,
                               env={"VANBAN_SEARCHABLE_TIMEOUT": "0.01"}).stdout)
    (entry,) = report["files"]
    assert entry["outcome"] == "done_with_warnings" and entry["key"]
    assert any(w.startswith("searchable copy not made: OCRmyPDF took longer than") for w in entry["warnings"])
    con = sqlite3.connect(db)
    assert con.execute("SELECT count(*) FROM documents WHERE stub = 0").fetchone()[0] == 1
    assert con.execute("SELECT count(*) FROM searchable").fetchone()[0] == 0
    assert con.execute("SELECT count(*) FROM events WHERE kind = 'searchable_failed'").fetchone()[0] == 1
    assert sorted(p.suffix for p in (db.parent / "originals").rglob("*") if p.is_file()) == [".jpg"]


@pytest.mark.slow
def test_verify_hashes_the_copies_and_finds_nothing_untracked(filed):
    report = json.loads(vanban("verify", "--db", filed["db"], "--json").stdout)
    assert report["untracked"] == [] and report["changed"] == [] and report["missing"] == []
    assert report["checked"] == report["ok"] == 5 + 4  # five originals, four searchable copies
