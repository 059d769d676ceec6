"""Issue 15, the readers' part: converters that never touch the network (#3), XML refused when it declares
a DTD anywhere in a part (#4), and files that are not letters quarantined rather than filed (#8). Every
hostile file is built here, and read by the real `vanban` commands."""
from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from badinputs import Listener, edit_zip, odt
from conftest import ROOT, SAMPLES

VANBAN = [sys.executable, "-m", "pipeline"]
LETTER = ["ỦY BAN NHÂN DÂN TỈNH NAM ĐỊNH", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Số: 12/UBND-VP",
          "Nam Định, ngày 5 tháng 3 năm 2024", "V/v báo cáo công tác văn thư", "Kính gửi: Sở Nội vụ",
          "Đề nghị Sở Nội vụ tổng hợp báo cáo công tác văn thư năm 2023.", "Nơi nhận:", "- Như trên;",
          "CHỦ TỊCH", "Nguyễn Văn An"]


def cli(*args, env=None, timeout=300):
    return subprocess.run([*VANBAN, *args], cwd=ROOT, capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, **(env or {})})


def sha(path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


# -- #3 converters run with no network ---------------------------------------------------------------------------
def _path_without(tmp_path: Path, name: str) -> str:
    """A PATH with every program of this one but `name`: a machine where util-linux's unshare is missing."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for folder in os.environ["PATH"].split(os.pathsep):
        if not os.path.isdir(folder):
            continue
        for entry in os.scandir(folder):
            target = bin_dir / entry.name
            if entry.name != name and not target.exists() and os.access(entry.path, os.X_OK):
                target.symlink_to(os.path.realpath(entry.path))
    return str(bin_dir)


@pytest.mark.slow
@pytest.mark.parametrize("suffix", [".odt", ".doc"])
@pytest.mark.parametrize("namespace", [True, False], ids=["netns", "profile-only"])
def test_a_letter_with_a_linked_remote_image_is_read_offline(tmp_path, suffix, namespace):
    """An ODT (or the same bytes named .doc) linking its logo to a URL: LibreOffice converts it and fetches
    nothing, in a network namespace and, where unshare is missing, through its profile's settings."""
    env = {} if namespace else {"PATH": _path_without(tmp_path, "unshare")}
    with Listener() as web:
        letter = tmp_path / f"letter{suffix}"
        letter.write_bytes(odt(LETTER, image_url=f"{web.url}/odt.png"))
        done = cli("text", str(letter), env=env)
    assert done.returncode == 0, done.stderr
    assert "Kính gửi: Sở Nội vụ" in done.stdout and "Nguyễn Văn An" in done.stdout
    assert web.requests == []


def test_converters_start_with_no_network():
    """What runs through offline() cannot reach even a listener on this machine's loopback."""
    from pipeline.ingest.offline import netns_prefix, offline

    if not netns_prefix():
        pytest.skip("this machine cannot make a network namespace (unshare missing or not allowed)")
    probe = "import socket,sys; socket.create_connection(('127.0.0.1', int(sys.argv[1])), timeout=5)"
    with Listener() as web:
        port = web.url.rsplit(":", 1)[1]
        assert subprocess.run([sys.executable, "-c", probe, port], capture_output=True).returncode == 0
        cut = subprocess.run(offline([sys.executable, "-c", probe, port]), capture_output=True, text=True)
    assert cut.returncode != 0 and "Network is unreachable" in cut.stderr, cut.stderr
    assert len(web.requests) == 1  # the direct connection only


# -- #4 XML that declares a DTD anywhere in a part -----------------------------------------------------------
def ingest(inbox: Path, db: Path) -> dict:
    """One real batch run over `inbox`; {file name: its entry of the run report}."""
    done = cli("ingest", str(inbox), "--db", str(db), "--json", "--settle", "0")
    assert done.returncode == 0, done.stderr
    return {Path(f["path"]).name: f for f in json.loads(done.stdout)["files"]}


LATE = [dict(part="document"), dict(part="core"), dict(part="header"), dict(part="document", encoding="utf-16"),
        dict(part="document", moved=True)]
LATE_IDS = ["document", "docProps-core", "header", "document-utf16", "main-part-not-named-xml"]


@pytest.mark.parametrize("kwargs", LATE, ids=LATE_IDS)
def test_a_doctype_after_a_9kb_comment_is_refused(tmp_path, kwargs):
    """A DOCTYPE with an entity past the first 8 KiB of any part python-docx reads: refused, never read
    with the entity dropped."""
    from badinputs import docx_late_doctype
    from pipeline.errors import ReadError
    from pipeline.ingest import read_document

    path = tmp_path / "letter.docx"
    path.write_bytes(docx_late_doctype(**kwargs))
    with pytest.raises(ReadError) as caught:
        read_document(path)
    assert caught.value.reason == "xml_doctype"


def test_the_batch_quarantines_late_doctypes_and_keeps_the_originals(tmp_path):
    from badinputs import docx_late_doctype

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for kwargs, name in zip(LATE, LATE_IDS):
        (inbox / f"{name}.docx").write_bytes(docx_late_doctype(**kwargs))
    (inbox / "seed.docx").write_bytes((SAMPLES / "seed-letter.docx").read_bytes())
    before = {p.name: sha(p) for p in inbox.iterdir()}
    report = ingest(inbox, tmp_path / "db" / "a.sqlite")
    assert {n: (f["outcome"], f["reason"]) for n, f in report.items() if n != "seed.docx"} == \
        {f"{n}.docx": ("quarantined", "xml_doctype") for n in LATE_IDS}
    assert report["seed.docx"]["outcome"] in ("done", "done_with_warnings")
    assert {p.name: sha(p) for p in inbox.iterdir()} == before
    for name, entry in report.items():  # the quarantined copy is the original's bytes
        if entry["outcome"] == "quarantined":
            assert sha(tmp_path / "db" / "quarantine" / f"{entry['sha256']}.docx") == before[name]


def test_an_odt_with_a_late_doctype_is_refused_before_libreoffice(tmp_path):
    """LibreOffice would expand the entity: the ODT's parts pass the same check first."""
    from pipeline.errors import ReadError
    from pipeline.ingest import read_document

    late = b"<!--" + b" padding " * 1024 + b'--><!DOCTYPE root [<!ENTITY e "ENTITY-EXPANDED">]>'
    data = edit_zip(odt(LETTER), "content.xml",
                  lambda x: x.replace(b"?>", b"?>" + late, 1).replace(b"<text:p>", b"<text:p>&e;", 1))
    path = tmp_path / "letter.odt"
    path.write_bytes(data)
    with pytest.raises(ReadError) as caught:
        read_document(path)
    assert caught.value.reason == "xml_doctype"


@pytest.mark.slow
def test_an_odt_libreoffice_wrote_passes_the_check_and_reads(tmp_path):
    """No false alarm on the real thing: the seed letter saved as ODT by LibreOffice itself."""
    from pipeline.ingest import read_document
    from pipeline.ingest.doc import convert_with_libreoffice

    made = convert_with_libreoffice([str(SAMPLES / "seed-letter.docx")], str(tmp_path), fmt="odt")
    source = read_document(made[str(SAMPLES / "seed-letter.docx")])
    assert source.format == "odt" and "Kính gửi" in source.text


def test_a_part_that_is_not_well_formed_xml_is_refused(tmp_path):
    """A part no expat reader can verify to the end is not handed to lxml, which might read it otherwise."""
    from pipeline.errors import ReadError
    from pipeline.ingest import read_document

    path = tmp_path / "letter.docx"
    path.write_bytes(edit_zip((SAMPLES / "seed-letter.docx").read_bytes(), "customXml/item1.xml", lambda x: x[:-20]))
    with pytest.raises(ReadError) as caught:
        read_document(path)
    assert caught.value.reason == "corrupt:docx"


@pytest.mark.parametrize("where", ["first", "after-9kb"])
def test_html_declarations_and_entities_are_never_resolved(tmp_path, where):
    """The portal HTML reader: a DOCTYPE declaring an external and an internal entity (first, or after a
    9 KB comment), both used in the body: neither the file named nor the entity's text is read (lxml's HTML
    parser loads no DTD, and the reader cuts every declaration out before parsing)."""
    from pipeline.ingest import read_document

    canary = tmp_path / "canary.txt"
    canary.write_text("CANARY-CONTENT")
    decl = f'<!DOCTYPE html [<!ENTITY e SYSTEM "file://{canary}"><!ENTITY i "ENTITY-EXPANDED">]>'
    pad = "<!--" + " padding " * 1024 + "-->"
    body = "<body><p>Số: 12/UBND-VP</p><p>&e; &i; Kính gửi: Sở Nội vụ</p></body></html>"
    page = decl + "<html>" + pad + body if where == "first" else "<html><head>" + pad + "</head>" + decl + body
    path = tmp_path / "page.html"
    path.write_text(page, encoding="utf-8")
    source = read_document(path)
    assert source.format == "html" and "Kính gửi: Sở Nội vụ" in source.text
    assert "CANARY-CONTENT" not in source.text and "ENTITY-EXPANDED" not in source.text


# -- #8 not a letter, never filed ------------------------------------------------------------------------------
def _batch_refuses(tmp_path: Path, files: dict) -> dict:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for name, data in files.items():
        (inbox / name).write_bytes(data)
    (inbox / "seed-letter.txt").write_bytes((SAMPLES / "seed-letter.txt").read_bytes())
    before = {p.name: sha(p) for p in inbox.iterdir()}
    db = tmp_path / "db" / "a.sqlite"
    report = ingest(inbox, db)
    assert {n: (report[n]["outcome"], report[n]["reason"]) for n in files} == \
        {n: ("quarantined", "not_a_letter") for n in files}
    assert report["seed-letter.txt"]["outcome"] in ("done", "done_with_warnings")  # a real short letter
    assert {p.name: sha(p) for p in inbox.iterdir()} == before
    import sqlite3
    with sqlite3.connect(db) as c:
        assert c.execute("SELECT count(*) FROM documents WHERE stub = 0").fetchone()[0] == 1
        held = {r[0] for r in c.execute("SELECT sha256 FROM quarantine WHERE reason = 'not_a_letter'")}
    assert held == {before[n] for n in files}
    for name in files:
        stored = tmp_path / "db" / "quarantine" / f"{before[name]}{Path(name).suffix}"
        assert sha(stored) == before[name]
    return report


def test_html_404_lorem_and_a_shopping_list_are_quarantined_not_filed(tmp_path):
    from badinputs import LOREM, SHOPPING

    _batch_refuses(tmp_path, {"html-404.pdf": b"<html>404</html>", "lorem.txt": LOREM.encode(),
                              "di-cho.txt": SHOPPING.encode()})


@pytest.mark.slow
def test_an_image_without_text_is_quarantined_not_filed(tmp_path):
    """A picture OCR reads as a page of garbage: it reads, and it is no letter."""
    from badinputs import texture_image

    _batch_refuses(tmp_path, {"texture.png": texture_image()})


def test_extract_still_prints_the_record_of_a_non_letter(tmp_path):
    path = tmp_path / "html-404.pdf"
    path.write_bytes(b"<html>404</html>")
    done = cli("extract", str(path))
    assert done.returncode == 0, done.stderr
    record = json.loads(done.stdout)
    assert record["key"] is None and any(w.startswith("not an official letter") for w in record["warnings"])


@pytest.mark.slow
def test_no_real_document_of_the_shared_corpus_is_not_a_letter():
    """The rule over every document of dev, dev2 and vbpl through the extract path: it refuses only the
    portal's "no such document" pages (vbpl saved 25 of them), never a real document. Read without OCR (the
    scans, which then have no text, are left to the OCR tests: reading them here doubled the suite's longest
    test)."""
    from conftest import SHARED
    from pipeline.errors import ReadError
    from pipeline.ingest import read_document
    from pipeline.nlp import extract_letter
    from pipeline.nlp.genre import not_a_letter

    def letter_of(path):
        try:
            return extract_letter(read_document(path, ocr=False))
        except ReadError as exc:
            assert exc.reason == "no_text", (path, exc)  # a scan
            return None

    paths = sorted(p for corpus in ("dev", "dev2", "vbpl") for p in (SHARED / "corpus" / corpus / "docs").iterdir())
    assert len(paths) >= 950
    letters = {p: letter for p in paths if (letter := letter_of(p)) is not None}
    assert len(letters) >= 900
    refused = {p: letter.source.text for p, letter in letters.items() if not_a_letter(letter)}
    assert set(refused.values()) == {"Văn bản không tồn tại\nVề trang chủ"}, sorted(refused)[:5]
    assert all(p.parent.parent.name == "vbpl" for p in refused)
