"""The bad-input catalogue of ../shared/spec/reliability.md, built from the real sample letters.

    python tests/badinputs.py INBOX CANARY     (or build(inbox, canary) from a test)
    python tests/badinputs.py --run [FOLDER]   the real batch over it: cases tried, crashes, hangs, network
                                               requests, files unreported, originals changed (all 0 to pass)

`build` writes one file (or link, or FIFO) per kind into INBOX and returns {name: Expect}: the terminal
states the batch may give it (a parser that recovers a truncated PDF may file it; a PDF bomb may end as
`memory` or `too_big` depending on where the cap bites). CANARY is a file outside the inbox that the XXE
fixtures and the symlinks point at: the batch must never read it. Two kinds use the workers' fault hook
(VANBAN_FAULT=hang:hang-,explode:explode-, set by the test) because no input is known to hang or blow up
every version of pdfium.
"""
from __future__ import annotations

import hashlib
import http.server
import io
import json
import os
import stat
import struct
import subprocess
import sys
import threading
import time
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
DEV = ROOT.parent / "shared" / "corpus" / "dev" / "docs"
FILED = ("done", "done_with_warnings")
FAULTS = "hang:hang-,explode:explode-"


@dataclass(frozen=True)
class Expect:
    outcomes: tuple          # acceptable outcomes
    reasons: tuple = ()      # acceptable quarantine reasons (when quarantined); () = any reason of the list
    note: str = ""


def _pdf(objects: list[bytes], root: int = 1) -> bytes:
    """A PDF from numbered object bodies, with a correct xref table."""
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % i + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for off in offsets:
        out.write(b"%010d 00000 n \n" % off)
    out.write(b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, root, xref))
    return out.getvalue()


def _stream(data: bytes, extra: bytes = b"") -> bytes:
    return b"<< /Length %d %s >>\nstream\n" % (len(data), extra) + data + b"\nendstream"


def _page_pdf(content: bytes, resources: bytes = b"<< >>", more: list[bytes] | None = None,
              content_extra: bytes = b"") -> bytes:
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources " + resources + b" >>",
            _stream(content, content_extra)]
    return _pdf(objs + (more or []))


def _flate_bomb(gib: float = 1.5) -> bytes:
    """Zeros compressed twice (/Filter [/FlateDecode /FlateDecode]): a few KB that inflate to `gib` GiB."""
    inner = zlib.compressobj(9)
    chunk = b"\0" * (16 << 20)
    parts = [inner.compress(chunk) for _ in range(int(gib * 64))] + [inner.flush()]
    return zlib.compress(b"".join(parts), 9)


def _docx_with(document_xml_edit=None, extra: dict | None = None, rels_extra: bytes = b"") -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(SAMPLES / "seed-letter.docx") as zin, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item)
            if item.filename == "word/document.xml" and document_xml_edit:
                data = document_xml_edit(data)
            if item.filename == "word/_rels/document.xml.rels" and rels_extra:
                data = data.replace(b"</Relationships>", rels_extra + b"</Relationships>")
            zout.writestr(item, data)
        for name, data in (extra or {}).items():
            zout.writestr(name, data)
    return buf.getvalue()


def _remote_pdf(data: bytes, url: str) -> bytes:
    """The letter with a link to a URL on its page, an open action that would fetch a remote file, and a
    remote go-to (pypdf writes them)."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import ArrayObject, DictionaryObject, FloatObject, NameObject, TextStringObject

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    link = DictionaryObject({
        NameObject("/Type"): NameObject("/Annot"), NameObject("/Subtype"): NameObject("/Link"),
        NameObject("/Rect"): ArrayObject([FloatObject(v) for v in (50, 50, 200, 70)]),
        NameObject("/A"): DictionaryObject({NameObject("/S"): NameObject("/URI"),
                                            NameObject("/URI"): TextStringObject(f"{url}/link")})})
    writer.add_annotation(0, link)
    writer._root_object[NameObject("/OpenAction")] = DictionaryObject({
        NameObject("/S"): NameObject("/GoToR"), NameObject("/F"): DictionaryObject({
            NameObject("/FS"): NameObject("/URL"), NameObject("/F"): TextStringObject(f"{url}/remote.pdf")}),
        NameObject("/D"): ArrayObject([FloatObject(0)])})
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


class Listener:
    """An HTTP listener on 127.0.0.1 (port 0, a thread) that records every connection made to it: a file
    that makes a reader fetch its URL shows up in `requests`. Every method is answered 501."""

    def __enter__(self):
        seen = self.requests = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def handle(self):
                seen.append(self.client_address)
                super().handle()
                seen[-1] = self.requestline or "(connection, no request)"

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def odt(paragraphs: list[str], image_url: str | None = None) -> bytes:
    """A minimal ODT text document (mimetype, content.xml, manifest) whose paragraphs are `paragraphs`;
    with `image_url`, a linked (not embedded) image after the first paragraph, as LibreOffice saves one."""
    from xml.sax.saxutils import escape, quoteattr
    paras = [f"<text:p>{escape(x)}</text:p>" for x in paragraphs]
    if image_url:
        paras.insert(1, '<text:p><draw:frame draw:name="logo" svg:width="2cm" svg:height="2cm">'
                        f'<draw:image xlink:href={quoteattr(image_url)} xlink:type="simple" xlink:show="embed" '
                        'xlink:actuate="onLoad"/></draw:frame></text:p>')
    content = ('<?xml version="1.0" encoding="UTF-8"?>\n<office:document-content '
               'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
               'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
               'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" '
               'xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" '
               'xmlns:xlink="http://www.w3.org/1999/xlink" office:version="1.2"><office:body><office:text>'
               + "".join(paras) + "</office:text></office:body></office:document-content>")
    manifest = ('<?xml version="1.0" encoding="UTF-8"?>\n<manifest:manifest '
                'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
                '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.text"/>'
                '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
                "</manifest:manifest>")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text")  # first, stored
        z.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
        z.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
    return buf.getvalue()


def docx_late_doctype(part: str = "document", encoding: str = "utf-8", moved: bool = False) -> bytes:
    """The seed letter's DOCX (with a page header added) where one part (document, core: docProps/core.xml,
    or header) declares a DOCTYPE with an internal entity after a 9 KB comment, past any prefix check, and
    uses the entity in its text. `encoding` re-encodes that part (utf-16: with a BOM); `moved` puts the
    hostile main document in word/main.bin, typed as XML by [Content_Types].xml, and leaves the harmless
    word/document.xml beside it (python-docx follows _rels/.rels, not the name)."""
    import re

    import docx
    document = docx.Document(str(SAMPLES / "seed-letter.docx"))
    document.sections[0].header.paragraphs[0].text = "Trang đầu của công văn"
    plain = io.BytesIO()
    document.save(plain)
    with zipfile.ZipFile(plain) as zin:
        names = zin.namelist()
        target = {"document": "word/document.xml", "core": "docProps/core.xml",
                  "header": next((n for n in names if re.fullmatch(r"word/header\d*\.xml", n)), None)}[part]
        assert target in names, (part, names)
        data = zin.read(target)
        decl_end = data.index(b"?>") + 2
        data = (data[:decl_end] + b"<!--" + b" padding " * 1024 + b"-->"
                + b'<!DOCTYPE root [<!ENTITY e "ENTITY-EXPANDED">]>' + data[decl_end:])
        data = re.sub(rb"(<w:t(?: [^>]*)?>|<dc:title>|<dc:title/>)", lambda m: (
            b"<dc:title>&e;</dc:title>" if m.group(1) == b"<dc:title/>" else m.group(1) + b"&e;"), data, count=1)
        if encoding != "utf-8":
            data = data.decode("utf-8").replace("encoding='UTF-8'", f"encoding='{encoding.upper()}'") \
                .replace('encoding="UTF-8"', f'encoding="{encoding.upper()}"').encode(encoding)
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
            for item in zin.infolist():
                body = data if item.filename == target and not moved else zin.read(item)
                if moved and item.filename == "_rels/.rels":
                    body = body.replace(b"word/document.xml", b"word/main.bin")
                if moved and item.filename == "[Content_Types].xml":
                    body = body.replace(b'PartName="/word/document.xml"', b'PartName="/word/main.bin"')
                zout.writestr(item.filename, body)
            if moved:
                zout.writestr("word/_rels/main.bin.rels", zin.read("word/_rels/document.xml.rels"))
                zout.writestr("word/main.bin", data)
    return out.getvalue()


def _overlapping_zip() -> bytes:
    """Two central-directory entries whose local data overlap (the 'quoted-overlap' construction)."""
    payload = zlib.compress(b"A" * (1 << 20))[2:-4]
    local = lambda name: (struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0, zlib.crc32(b"A" * (1 << 20)),
                                      len(payload), 1 << 20, len(name), 0) + name)
    first = local(b"word/document.xml")
    body = first + payload
    cd = b""
    for name in (b"word/document.xml", b"[Content_Types].xml"):
        cd += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0, zlib.crc32(b"A" * (1 << 20)),
                          len(payload), 1 << 20, len(name), 0, 0, 0, 0, 0, 0) + name
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 2, 2, len(cd), len(body), 0)
    return body + cd + end


def _png_header(width: int, height: int) -> bytes:
    """A PNG whose header claims width×height (the pixels themselves are a tiny broken stream)."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\0" * 1000)) + chunk(b"IEND", b""))


def _tiny_image() -> bytes:
    from PIL import Image
    buf = io.BytesIO()
    Image.new("L", (64, 64), 255).save(buf, "JPEG")
    return buf.getvalue()


def texture_image(width: int = 1240, height: int = 600) -> bytes:
    """A PNG of strokes, rings and blocks in rows and no text at all, which OCR reads as lines of garbage
    ("oxzZOOO MO", "//OO WRCOC"): an image that reads, and is no letter."""
    import random

    from PIL import Image, ImageDraw
    rng = random.Random(3)
    image = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(image)
    for row in range(60, height - 54, 45):
        x = 80
        while x < width - 90:
            w, kind = rng.randrange(8, 40), rng.random()
            if kind < 0.4:
                draw.rectangle((x, row, x + w, row + 18), fill=0)
            elif kind < 0.7:
                draw.ellipse((x, row, x + 16, row + 18), outline=0, width=3)
            else:
                draw.line((x, row + 18, x + w, row), fill=0, width=3)
            x += w + rng.randrange(6, 30)
    buf = io.BytesIO()
    image.save(buf, "PNG", dpi=(150, 150))
    return buf.getvalue()


LOREM = ("Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et "
         "dolore magna aliqua.\nUt enim ad minim veniam, quis nostrud exercitation ullamco laboris nisi ut aliquip "
         "ex ea commodo consequat.\n")
SHOPPING = "Danh sách đi chợ\n- 2 kg gạo\n- 1 chục trứng gà\n- rau muống, cà chua\n- nước mắm, đường\nNhớ mua thêm sữa cho bé.\n"


def _encrypted(user: str, owner: str) -> bytes:
    from pypdf import PdfReader, PdfWriter
    writer = PdfWriter(clone_from=PdfReader(SAMPLES / "seed-letter.pdf"))
    writer.encrypt(user_password=user, owner_password=owner, algorithm="AES-128")
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def _with_js_and_attachment() -> bytes:
    from pypdf import PdfReader, PdfWriter
    writer = PdfWriter(clone_from=PdfReader(DEV / "022.pdf"))
    from pypdf.generic import DictionaryObject, NameObject, TextStringObject
    writer._root_object[NameObject("/OpenAction")] = DictionaryObject(
        {NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("app.alert('hi');")})
    writer.add_attachment("note.txt", b"an attachment")
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def _blank_pages(n: int) -> bytes:
    from pypdf import PdfWriter
    writer = PdfWriter()
    for _ in range(n):
        writer.add_blank_page(595, 842)
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def _cyclic_xref(data: bytes) -> bytes:
    trailer_at = data.rindex(b"trailer")
    trailer = data[trailer_at:data.index(b">>", trailer_at) + 2]
    dict_at = trailer.index(b"<<")
    pos = len(data)
    new_trailer = trailer[dict_at:-2] + b" /Prev %d >>" % pos
    return data + b"xref\n0 1\n0000000000 65535 f \ntrailer\n" + new_trailer + b"\nstartxref\n%d\n%%%%EOF\n" % pos


def build(inbox: Path, canary: Path, url: str = "http://127.0.0.1:9") -> dict[str, Expect]:
    """`url`: where the remote images, links and entities of the hostile files point (the run's Listener,
    which counts what reaches it)."""
    inbox.mkdir(parents=True, exist_ok=True)
    seed_pdf = (SAMPLES / "seed-letter.pdf").read_bytes()
    seed_txt = (SAMPLES / "seed-letter.txt").read_text(encoding="utf-8")
    good_pdf = (DEV / "022.pdf").read_bytes()
    expect: dict[str, Expect] = {}

    def put(name: str, data: bytes | None, outcomes, reasons=(), note=""):
        if data is not None:
            (inbox / name).write_bytes(data)
        expect[name] = Expect(tuple(outcomes) if not isinstance(outcomes, str) else (outcomes,), tuple(reasons), note)

    xxe = f'?><!DOCTYPE x [<!ENTITY e SYSTEM "file://{canary}">]>'.encode()
    laughs = (b'?><!DOCTYPE lolz [<!ENTITY lol "lol">' + b"".join(
        b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10) for i in range(1, 10)) + b"]>")

    # 1-2 empty files (every empty file has the same bytes: the second is a duplicate of the first)
    put("01a-empty.pdf", b"", "quarantined", ["empty"])
    put("01b-empty-again.docx", b"", "duplicate")
    # 2 disguised types
    put("02-html-404.pdf", b"<html><body><h1>404 Not Found</h1></body></html>", "quarantined", ["not_a_letter"])
    put("02-junk.pdf", bytes(range(256)) * 40, "quarantined", ["type_mismatch"])
    put("02-jpeg-named.pdf", _tiny_image(), "quarantined", ["no_text", "type_mismatch"])
    # 3-4 encryption
    put("03-user-password.pdf", _encrypted("secret", "owner"), "quarantined", ["encrypted"])
    put("04-owner-password-only.pdf", _encrypted("", "owner"), FILED)
    # 5-9 broken PDFs
    put("05-truncated.pdf", good_pdf[: len(good_pdf) // 2], (*FILED, "quarantined"), ["corrupt", "no_text"])
    put("06-cyclic-xref.pdf", _cyclic_xref(seed_pdf), (*FILED, "quarantined"), ["corrupt"])
    put("07-cyclic-xobject.pdf", _page_pdf(b"q /X1 Do Q", b"<< /XObject << /X1 5 0 R >> >>", [
        _stream(b"/X1 Do", b"/Type /XObject /Subtype /Form /BBox [0 0 10 10] /Resources << /XObject << /X1 5 0 R >> >>")]),
        (*FILED, "quarantined"), ["corrupt", "no_text", "timeout", "memory"])
    put("08-flate-bomb.pdf", _page_pdf(_flate_bomb(), content_extra=b"/Filter [/FlateDecode /FlateDecode]"),
        "quarantined", ["memory", "too_big", "corrupt", "no_text", "timeout"])
    put("09-inline-image-no-EI.pdf", _page_pdf(b"BT /F1 12 Tf 72 720 Td (x) Tj ET BI /W 4 /H 4 /BPC 8 /CS /G ID " + b"\xff" * 64),
        (*FILED, "quarantined"), ["no_text", "corrupt", "timeout"])
    # 10-14
    put("10-blank-scan.pdf", _blank_pages(1), "quarantined", ["no_text"])
    put("12-thousand-pages.pdf", _blank_pages(1000), "quarantined", ["no_text", "too_big", "timeout"],
        note="OCR reads 20 of the 1,000 blank pages: no_text (timeout on a slow machine)")
    put("13-huge-image.png", _png_header(20000, 20000), "quarantined", ["too_big", "corrupt"])
    put("14-javascript-attachment.pdf", _with_js_and_attachment(), FILED)
    # 15-19 hostile Office files
    put("15-docx-zip-bomb.docx", _docx_with(extra={"word/media/pad.bin": b"\0" * (300 << 20)}), "quarantined", ["too_big"])
    put("16-zip-overlap.docx", _overlapping_zip(), "quarantined", ["too_big", "corrupt"])
    put("17-docx-xxe.docx", _docx_with(lambda d: d.replace(b"?>", xxe + b"", 1).replace(b"<w:t>", b"<w:t>&e;", 1)),
        "quarantined", ["xml_doctype"])
    put("18-docx-billion-laughs.docx", _docx_with(lambda d: d.replace(b"?>", laughs, 1).replace(b"<w:t>", b"<w:t>&lol9;", 1)),
        "quarantined", ["xml_doctype"])
    put("19-doc-named-docx.docx", (SAMPLES / "seed-letter.doc").read_bytes(), (*FILED, "quarantined"), ["type_mismatch"])
    put("19-rtf-named.doc", "{\\rtf1\\ansi Số: 12/UBND-VP\\par Kính gửi: Sở Nội vụ}".encode("utf-8"),
        (*FILED, "quarantined"), ["type_mismatch", "unsupported", "no_text"])
    put("19-html-named.doc", "<html><body><p>Số: 13/UBND-VP</p><p>V/v thử</p></body></html>".encode(),
        (*FILED, "quarantined"), ["type_mismatch", "unsupported", "no_text"])
    # 20-21
    put("20-legacy.doc", (SAMPLES / "seed-letter.doc").read_bytes(), "duplicate", note="same bytes as 19-doc-named-docx")
    put("21-encrypted-office.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504
        + "EncryptionInfo".encode("utf-16-le").ljust(64, b"\0") + b"\0" * 448, "quarantined", ["encrypted"])
    # 22-26 encodings
    put("22-cp1258.txt", (SAMPLES / "seed-letter.cp1258.txt").read_bytes(), FILED)
    put("23-tcvn3.txt", (SAMPLES / "seed-letter.tcvn3.txt").read_bytes(), FILED)
    put("23-vni.txt", (SAMPLES / "seed-letter.vni.txt").read_bytes(), FILED)
    put("25-nfd.txt", unicodedata.normalize("NFD", seed_txt + "\n").encode("utf-8"), FILED)
    put("26-utf16.txt", (SAMPLES / "seed-letter.utf16.txt").read_bytes(), FILED)
    put("26-bom-nul.txt", b"\xef\xbb\xbf" + (seed_txt + "\r\n\0\0").encode("utf-8"), FILED)
    # 27 odd names (distinct bytes: each its own letter text, a trailing difference)
    for i, name in enumerate(["27-new\nline.txt", "-27-leading-dash.txt", "27-$(id);rm -rf.txt",
                              "27-" + "d" * 240 + ".txt", unicodedata.normalize("NFD", "27-Công văn số.txt")]):
        put(name, (seed_txt + "\n" * (i + 2)).encode("utf-8"), FILED)
    # 28 links and special files
    os.symlink(canary, inbox / "28-link-to-outside.txt")
    expect["28-link-to-outside.txt"] = Expect(("quarantined",), ("symlink",))
    os.symlink(canary.parent, inbox / "28-link-to-folder")
    expect["28-link-to-folder"] = Expect(("quarantined",), ("symlink",))
    os.mkfifo(inbox / "28-fifo.pdf")
    expect["28-fifo.pdf"] = Expect(("quarantined",), ("special_file",))
    os.link(canary, inbox / "28-hardlink-to-outside.txt")  # a second name of the canary: never to be read
    expect["28-hardlink-to-outside.txt"] = Expect(("quarantined",), ("hardlink",))
    # 27 (issue 15) names that are not UTF-8: reported as text with the bytes escaped, filed like any other
    raw = os.fsencode(inbox)
    for i, name in enumerate([b"27-latin1-\xe9.txt", b"27-cp1258-C\xf4ng v\xe3n.txt", b"27-cut-\xe1\xba.txt"]):
        with open(raw + b"/" + name, "wb") as f:
            f.write((seed_txt + "\n" * (i + 20)).encode("utf-8"))
        expect[name.decode("utf-8", "backslashreplace")] = Expect(FILED)
    # walk errors (issue 15): a letter under a path longer than PATH_MAX is reported, not lost
    fd = os.open(inbox, os.O_RDONLY)
    try:
        for _ in range(22):
            os.mkdir(b"p" * 200, dir_fd=fd)
            fd, old = os.open(b"p" * 200, os.O_RDONLY, dir_fd=fd), fd
            os.close(old)
        out = os.open(b"27-past-path-max.txt", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fd)
        os.write(out, (seed_txt + "\n" * 30).encode("utf-8"))
        os.close(out)
    finally:
        os.close(fd)
    expect["27-past-path-max.txt"] = Expect(("quarantined",), ("unreadable",))
    # 29 an editor's lock file (the letter is still open in Word)
    put("~$29-open-in-word.docx", b"\x05clerk" + b"\0" * 150, "skipped")
    # 31-32 duplicates and one letter in two formats
    put("31a-letter.pdf", good_pdf, FILED)
    put("31b-letter-copy.pdf", good_pdf, "duplicate")
    put("32-letter-as-text.txt", (DEV / "022.txt").read_bytes(), FILED, note="the same letter as 31a-letter.pdf")
    # remote references (issue 15: reading a letter never touches the network; each points at the listener)
    put("14-pdf-remote-links.pdf", _remote_pdf(seed_pdf, url), FILED)
    put("19-docx-external-image.docx", _docx_with(
        lambda d: d.replace(b"<w:body>", b'<w:body><w:p><w:r><w:drawing><wp:inline xmlns:wp="http://schemas.openxmlformats'
                            b'.org/drawingml/2006/wordprocessingDrawing"><a:graphic xmlns:a="http://schemas.openxmlformats.org/'
                            b'drawingml/2006/main"><a:graphicData><pic:pic xmlns:pic="http://schemas.openxmlformats.org/drawingml'
                            b'/2006/picture"><pic:blipFill><a:blip xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006'
                            b'/relationships" r:link="rIdRemote"/></pic:blipFill></pic:pic></a:graphicData></a:graphic>'
                            b'</wp:inline></w:drawing></w:r></w:p>', 1),
        rels_extra=f'<Relationship Id="rIdRemote" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                   f'relationships/image" Target="{url}/docx.png" TargetMode="External"/>'.encode()),
        (*FILED, "quarantined"), ["corrupt"])
    put("19-docx-xxe-remote.docx", _docx_with(
        lambda d: d.replace(b"?>", f'?><!DOCTYPE x [<!ENTITY e SYSTEM "{url}/xxe">]>'.encode(), 1)
        .replace(b"<w:t>", b"<w:t>&e;", 1)), "quarantined", ["xml_doctype"])
    put("19-html-remote.html", (f'<html><head><link rel="stylesheet" href="{url}/a.css"><script src="{url}/a.js">'
                                f'</script></head><body><img src="{url}/a.png"><iframe src="{url}/f"></iframe>'
                                + "".join(f"<p>{line}</p>" for line in seed_txt.splitlines()) + "</body></html>").encode(),
        (*FILED, "quarantined"))
    # other unreadable kinds
    put("90-program.exe", b"\x7fELF\x02\x01\x01" + b"\0" * 500, "quarantined", ["unsupported", "type_mismatch"])
    put("90-zip-not-docx.docx", _zip_of({"a.txt": b"hello"}), "quarantined", ["unsupported"])
    put("90-excel.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504 + "Workbook".encode("utf-16-le").ljust(64, b"\0")
        + b"\0" * 448, "quarantined", ["unsupported", "corrupt"])
    # the watchdog: a worker that hangs, one that allocates without end (fault hook)
    put("hang-forever.pdf", seed_pdf + b"\n%hang\n", "quarantined", ["timeout"])
    put("explode-memory.pdf", seed_pdf + b"\n%explode\n", "quarantined", ["memory"])
    # issue 15: a letter linking its logo to a URL (read offline), DOCTYPEs past the first 8 KiB of a part,
    # files that read and are no letter
    letter = ["ỦY BAN NHÂN DÂN TỈNH NAM ĐỊNH", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Số: 33/UBND-VP",
              "Nam Định, ngày 5 tháng 3 năm 2024", "V/v báo cáo công tác văn thư", "Kính gửi: Sở Nội vụ",
              "Đề nghị Sở Nội vụ tổng hợp báo cáo công tác văn thư năm 2023.", "Nơi nhận:", "- Như trên;",
              "CHỦ TỊCH", "Nguyễn Văn An"]
    put("33-odt-remote-image.odt", odt(letter, image_url=f"{url}/odt.png"), FILED,
        note="LibreOffice converts it with no network: the listener sees no request")
    put("34-docx-late-doctype.docx", docx_late_doctype("document"), "quarantined", ["xml_doctype"])
    put("34-docx-late-doctype-core.docx", docx_late_doctype("core"), "quarantined", ["xml_doctype"])
    put("34-docx-late-doctype-header.docx", docx_late_doctype("header"), "quarantined", ["xml_doctype"])
    put("34-docx-late-doctype-main-bin.docx", docx_late_doctype("document", moved=True), "quarantined", ["xml_doctype"])
    late = b"<!--" + b" padding " * 1024 + b'--><!DOCTYPE root [<!ENTITY e "ENTITY-EXPANDED">]>'
    put("34-odt-late-doctype.odt", edit_zip(odt(letter[:2] + ["Số: 34/UBND-VP"]), "content.xml", lambda x: x.replace(
        b"?>", b"?>" + late, 1).replace(b"<text:p>", b"<text:p>&e;", 1)), "quarantined", ["xml_doctype"])
    put("35-html-as-pdf-not-letter.pdf", b"<html>404</html>", "quarantined", ["not_a_letter"])
    put("35-lorem.txt", LOREM.encode(), "quarantined", ["not_a_letter"])
    put("35-shopping-list.txt", SHOPPING.encode(), "quarantined", ["not_a_letter"])
    put("35-image-no-text.png", texture_image(), "quarantined", ["not_a_letter"])
    # a letter that reads (the batch goes on around all the above)
    put("99-good.docx", (DEV / "031.docx").read_bytes(), FILED)
    return expect


def edit_zip(data: bytes, name: str, edit) -> bytes:
    """The ZIP `data` with the entry `name` passed through `edit`."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            zout.writestr(item, edit(zin.read(item)) if item.filename == name else zin.read(item))
    return out.getvalue()


def _zip_of(files: dict) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in files.items():
            z.writestr(name, data)
    return buf.getvalue()


# -- the catalogue run: the real batch over every kind, and the figures issue 15 asks for ---------------------
def readable(path: str) -> str:
    """The report's form of a path (pipeline.batch.scan.readable: non-UTF-8 bytes escaped)."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def everything(folder: Path):
    """(path as the report writes it, lstat, folder descriptor, name) of every entry that is not a folder, walked
    through descriptors so that a path past PATH_MAX is seen too (pathlib's rglob skips it silently)."""
    for top, dirs, files, dfd in os.fwalk(folder):
        for name in sorted(files) + sorted(dirs):
            st = os.stat(name, dir_fd=dfd, follow_symlinks=False)
            if name in dirs and not stat.S_ISLNK(st.st_mode):
                continue
            yield readable(os.path.join(top, name)), st, dfd, name


def snapshot(inbox: Path) -> dict:
    """path → sha256 of every regular file (the originals must stay byte-identical); a file with another name
    (the hard link to the canary) is not read, by the test either: its size and time stand for it."""
    out = {}
    for path, st, dfd, name in everything(inbox):
        if stat.S_ISREG(st.st_mode) and st.st_nlink > 1:
            out[path] = (st.st_size, st.st_mtime_ns)
        elif stat.S_ISREG(st.st_mode):
            fd = os.open(name, os.O_RDONLY, dir_fd=dfd)
            with os.fdopen(fd, "rb") as f:
                out[path] = hashlib.sha256(f.read()).hexdigest()
    return out


def run_catalogue(base: Path, timeout: float = 20.0) -> dict:
    """Build the catalogue under `base`, run the real `vanban ingest --json` over it with a listener on
    loopback, and return the figures: cases tried, crashes, hangs, network requests, files unreported,
    originals changed, unexpected states (plus what the tests look into: report, expect, paths)."""
    canary = base / "outside" / "canary.txt"
    canary.parent.mkdir(parents=True, exist_ok=True)
    canary.write_text("canary: never to be read\n")
    with Listener() as listener:
        expect = build(base / "inbox", canary, url=listener.url)
        os.utime(canary, ns=(10**9, time.time_ns()))  # atime far before mtime: any read moves it (relatime)
        before = snapshot(base / "inbox")
        db = base / "archive" / "a.sqlite"
        budget = timeout * 3 + 120  # one hung file's limit (they run in parallel) and the real work
        t = time.monotonic()
        try:
            proc = subprocess.run([sys.executable, "-m", "pipeline", "ingest", str(base / "inbox"), "--db", str(db),
                                   "--json", "--timeout", str(timeout), "--settle", "0"], cwd=ROOT, capture_output=True,
                                  text=True, timeout=budget * 2, env={**os.environ, "VANBAN_FAULT": FAULTS})
            hung_run = False
        except subprocess.TimeoutExpired as exc:
            proc, hung_run = subprocess.CompletedProcess(exc.cmd, -9, exc.stdout or "", exc.stderr or ""), True
        elapsed = time.monotonic() - t
        time.sleep(0.2)  # a late connection still counts
    report = json.loads(proc.stdout) if proc.returncode == 0 and proc.stdout else {"files": []}
    by_name = {Path(f["path"]).name: f for f in report["files"]}
    found = sorted(path for path, *_ in everything(base / "inbox"))
    reported = {f["path"] for f in report["files"]}
    after = snapshot(base / "inbox")
    wrong = {name: (f["outcome"], f["reason"]) for name, f in by_name.items() if name in expect and (
        f["outcome"] not in expect[name].outcomes
        or (f["outcome"] == "quarantined" and expect[name].reasons and f["reason"] not in expect[name].reasons))}
    timed_out = [n for n, f in by_name.items() if f["reason"] == "timeout" and "timeout" not in expect.get(n, Expect(())).reasons]
    figures = {
        "cases tried": len(expect),
        "crashes": int(proc.returncode != 0 or "Traceback" in proc.stderr),
        "hangs": len(timed_out) + int(hung_run or elapsed > budget),
        "network requests": len(listener.requests),
        "files unreported": len([p for p in found if p not in reported]) + len(set(expect) - set(by_name)),
        "originals changed": len([p for p in before if after.get(p) != before[p]])
                             + int(os.stat(canary).st_atime_ns != 10**9),
        "unexpected states": len(wrong),
    }
    return {"figures": figures, "report": report, "expect": expect, "wrong": wrong, "requests": listener.requests,
            "base": base, "inbox": base / "inbox", "db": db, "canary": canary, "before": before,
            "stderr": proc.stderr, "elapsed": elapsed, "returncode": proc.returncode}


def main(argv: list[str]) -> int:
    """python tests/badinputs.py INBOX CANARY   build the catalogue only
    python tests/badinputs.py --run [FOLDER]   build it, run the batch over it, print the figures (exit 1 unless 0)"""
    if argv and argv[0] == "--run":
        import tempfile
        base = Path(argv[1]) if len(argv) > 1 else Path(tempfile.mkdtemp(prefix="vanban-catalogue-"))
        out = run_catalogue(base)
        for name, value in out["figures"].items():
            print(f"{name:<20}{value:>6}")
        for name, state in out["wrong"].items():
            print(f"  unexpected: {name!r} ended {state}")
        for line in out["requests"]:
            print(f"  network request: {line!r}")
        print(f"({out['elapsed']:.0f} s; the inbox and archive are under {base})")
        bad = {k: v for k, v in out["figures"].items() if k != "cases tried" and v}
        return 1 if bad else 0
    inbox, canary = Path(argv[0]), Path(argv[1])
    canary.write_text("canary: must never be read\n")
    kinds = build(inbox, canary)
    print(f"{len(kinds)} fixtures in {inbox}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
