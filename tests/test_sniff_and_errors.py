"""Bad input never escapes as a library exception: it becomes a ReadError with a reason from the contract."""
import subprocess
import zipfile

import pytest

from pipeline.errors import QUARANTINE_REASONS, ReadError
from pipeline.ingest import read_document
from pipeline.ingest.sniff import sniff

from conftest import SAMPLES


def reason_of(path) -> str:
    with pytest.raises(ReadError) as info:
        read_document(path)
    assert info.value.reason.split(":")[0] in QUARANTINE_REASONS
    assert str(path) in str(info.value)
    return info.value.reason


def test_empty_file(tmp_path):
    p = tmp_path / "empty.pdf"
    p.write_bytes(b"")
    assert reason_of(p) == "empty"


def test_html_error_page_named_pdf_is_read_as_html(tmp_path):
    p = tmp_path / "letter.pdf"
    p.write_bytes(b"<html><body><p>404 Not Found</p></body></html>")
    assert sniff(str(p), p.read_bytes()) == "html"


def test_binary_junk_named_pdf_is_a_type_mismatch(tmp_path):
    p = tmp_path / "x.pdf"
    p.write_bytes(bytes(range(256)) * 10)
    assert reason_of(p) == "type_mismatch"


def test_truncated_pdf(tmp_path):
    data = (SAMPLES / "seed-letter.pdf").read_bytes()
    p = tmp_path / "half.pdf"
    p.write_bytes(data[: len(data) // 3])
    try:
        source = read_document(p)  # pdfium may recover the first pages: then the text must be real
        assert source.text.strip()
    except ReadError as exc:
        assert exc.reason.startswith(("corrupt", "no_text"))


def test_encrypted_pdf(tmp_path):
    from pypdf import PdfReader, PdfWriter  # noqa: PLC0415  (test-only: pdfium cannot write encryption)

    writer = PdfWriter(clone_from=PdfReader(SAMPLES / "seed-letter.pdf"))
    writer.encrypt("secret", algorithm="AES-128")
    p = tmp_path / "locked.pdf"
    with open(p, "wb") as fh:
        writer.write(fh)
    assert reason_of(p) == "encrypted"


def test_owner_password_only_pdf_opens(tmp_path):
    from pypdf import PdfReader, PdfWriter  # noqa: PLC0415

    writer = PdfWriter(clone_from=PdfReader(SAMPLES / "seed-letter.pdf"))
    writer.encrypt(user_password="", owner_password="owner", permissions_flag=0, algorithm="AES-128")
    p = tmp_path / "restricted.pdf"
    with open(p, "wb") as fh:
        writer.write(fh)
    source = read_document(p)
    assert "649/UBND-KSTTHC" in source.text and source.meta["pdf"]["restricted"] is True


def test_docx_with_doctype_is_refused(tmp_path):
    src = SAMPLES / "seed-letter.docx"
    p = tmp_path / "xxe.docx"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item)
            if item.filename == "word/document.xml":
                data = data.replace(b"?>", b'?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/hostname">]>', 1)
            zout.writestr(item, data)
    assert reason_of(p) == "xml_doctype"


def test_docx_zip_bomb_is_refused_before_parsing(tmp_path):
    p = tmp_path / "bomb.docx"
    with zipfile.ZipFile(SAMPLES / "seed-letter.docx") as zin, zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            zout.writestr(item, zin.read(item))
        zout.writestr("word/media/pad.bin", b"\0" * (300 << 20))
    assert reason_of(p).startswith("too_big")


def test_encrypted_office_file(tmp_path):
    # An encrypted OOXML is an OLE2 container with an EncryptionInfo stream; build its directory bytes.
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504
    entry = "EncryptionInfo".encode("utf-16-le").ljust(64, b"\0")
    p = tmp_path / "locked.docx"
    p.write_bytes(header + entry + b"\0" * 448)
    assert reason_of(p) == "encrypted"


def test_symlink_and_fifo_are_not_read(tmp_path):
    target = tmp_path / "secret.txt"
    target.write_text("Số: 1/UBND-VP")
    link = tmp_path / "link.txt"
    link.symlink_to(target)
    assert reason_of(link) == "symlink"
    fifo = tmp_path / "pipe.pdf"
    subprocess.run(["mkfifo", str(fifo)], check=True)
    assert reason_of(fifo) == "special_file"


def test_unsupported_zip(tmp_path):
    p = tmp_path / "archive.zip"
    with zipfile.ZipFile(p, "w") as z:
        z.writestr("a.txt", "hello")
    assert reason_of(p) == "unsupported"


def test_reason_list_is_closed():
    with pytest.raises(ValueError):
        ReadError("x", "exploded", "not a contract reason")
