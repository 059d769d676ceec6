"""Build the bundled sample letters in samples/ from the seed letter.

Run from anywhere:  python samples/make_samples.py

Everything is derived from ../shared/seed/seed-letter.txt (override the shared folder with the
environment variable VANBAN_SHARED) plus five real letters copied from ../shared/corpus/dev/docs.
The script is idempotent (it rewrites the same files) and deterministic: the scan noise uses fixed
seeds and the DOCX/PDF metadata dates are fixed placeholders, not the letter's (blank) date.

Needs: python-docx, pypdfium2, pillow, numpy; Debian: libreoffice (soffice), iconv, antiword.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt
from PIL import Image, ImageFilter

SAMPLES = Path(__file__).resolve().parent
REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("VANBAN_SHARED") or REPO.parent / "shared")
SEED = SHARED / "seed" / "seed-letter.txt"
REAL_DOCS = SHARED / "corpus" / "dev" / "docs"
REAL_LETTERS = ["022.pdf", "023.pdf", "031.docx", "015.txt", "017_p1.jpg"]

FONT = "Times New Roman"  # ND30 Phụ lục I: Times New Roman, Unicode TCVN 6909:2001
SCAN_DPI = 300
SCAN_SEED = 20230329  # fixed: the same noise on every run
# Placeholder metadata time written into the DOCX and both PDFs. Deliberately far from 2023 so
# nobody mistakes it for the letter's date, which the seed leaves blank (a draft).
META_TIME = dt.datetime(2000, 1, 1, tzinfo=dt.timezone.utc)


# --------------------------------------------------------------------------------------------
# 1. Parse the flattened seed text into the zones of an ND30 công văn.
# --------------------------------------------------------------------------------------------

@dataclass
class SeedLetter:
    so_ky_hieu: str            # "Số: /SGDDĐT-VP" (ô 3; number left blank in the seed)
    place_date: str            # "Hải Phòng, ngày tháng năm 2023" (ô 4; day and month blank)
    trich_yeu: list[str]       # "V/v ..." subject lines as broken in the seed (ô 5b)
    kinh_gui: str              # "Kính gửi:" (ô 9a)
    recipients: list[str]      # "- ...;" lines
    body: list[str]            # paragraphs (ô 6)
    noi_nhan: str              # "Nơi nhận:" (ô 9b)
    distribution: list[str]    # "- ...;" lines under Nơi nhận
    authority: list[str]       # lines between ** ** : "KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC" (ô 7a/7b)
    signer: list[str]          # "Phạm Quốc Hiệu" (ô 7c)


def split_blocks(text: str) -> list[list[str]]:
    """Blank-line separated blocks, each a list of stripped lines."""
    blocks, current = [], []
    for line in text.splitlines():
        if line.strip():
            current.append(line.strip())
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


def is_list_block(block: list[str]) -> bool:
    return all(line.startswith("- ") for line in block)


def heading_and_list(blocks: list[list[str]], i: int) -> tuple[str, list[str], int]:
    """A heading line ("Kính gửi:", "Nơi nhận:"), the lines under it and the "- ...;" blocks that follow;
    returns (heading, items, index of the next block)."""
    heading, items = blocks[i][0], blocks[i][1:]
    i += 1
    while i < len(blocks) and is_list_block(blocks[i]):
        items += blocks[i]
        i += 1
    return heading, items, i


def parse_seed(text: str) -> SeedLetter:
    blocks = split_blocks(text)
    i = 0

    # Header: every block before "Kính gửi". The seed has no issuer and no national motto.
    so_ky_hieu = place_date = None
    trich_yeu: list[str] = []
    while not blocks[i][0].startswith("Kính gửi"):
        block = blocks[i]
        if block[0].startswith("Số:"):
            so_ky_hieu = block[0]
        elif re.match(r"^[^,]+, ngày\b", block[0]):
            place_date = block[0]
        elif block[0].startswith("V/v"):
            trich_yeu = block
        else:
            raise ValueError(f"unexpected header block in the seed: {block}")
        i += 1
    if so_ky_hieu is None or place_date is None or not trich_yeu:
        raise ValueError("seed header lacks the Số, place/date or V/v line")

    # "Kính gửi:" then the "- ...;" recipient lines.
    kinh_gui, recipients, i = heading_and_list(blocks, i)

    # Body: each block is one paragraph, up to "Nơi nhận".
    body = []
    while not blocks[i][0].startswith("Nơi nhận"):
        body.append(" ".join(blocks[i]))
        i += 1

    # "Nơi nhận:" then its "- ...;" lines.
    noi_nhan, distribution, i = heading_and_list(blocks, i)

    # Signature: the markdown-bold lines are the authority, what follows is the signer's name.
    rest = "\n".join("\n".join(block) for block in blocks[i:])
    match = re.match(r"\*\*(.+?)\*\*\s*(.*)", rest, re.S)
    if not match:
        raise ValueError("seed signature lacks the **authority** lines")
    authority = [line.strip() for line in match.group(1).splitlines() if line.strip()]
    signer = [line.strip() for line in match.group(2).splitlines() if line.strip()]

    return SeedLetter(so_ky_hieu, place_date, trich_yeu, kinh_gui, recipients, body,
                      noi_nhan, distribution, authority, signer)


# --------------------------------------------------------------------------------------------
# 2. Lay the letter out as a DOCX the official way (ND30 Phụ lục I).
# --------------------------------------------------------------------------------------------

def set_fonts(rpr, size_pt: float | None = None) -> None:
    """Times New Roman for all four font slots (ascii, hAnsi, eastAsia, cs), Vietnamese language."""
    for tag in ("w:rFonts", "w:sz", "w:szCs", "w:lang"):
        for old in rpr.findall(qn(tag)):
            rpr.remove(old)
    fonts = OxmlElement("w:rFonts")
    for slot in ("ascii", "hAnsi", "eastAsia", "cs"):
        fonts.set(qn(f"w:{slot}"), FONT)
    rpr.insert(0, fonts)
    if size_pt is not None:
        for tag in ("w:sz", "w:szCs"):
            size = OxmlElement(tag)
            size.set(qn("w:val"), str(int(size_pt * 2)))
            rpr.append(size)
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "vi-VN")
    lang.set(qn("w:eastAsia"), "vi-VN")
    lang.set(qn("w:bidi"), "ar-SA")
    rpr.append(lang)


def setup_document() -> Document:
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)  # A4
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)

    # The template's docDefaults use theme fonts (Calibri/Cambria); replace them outright.
    styles = doc.styles.element
    default_rpr = styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    set_fonts(default_rpr, 13)
    normal = doc.styles["Normal"]
    set_fonts(normal.element.get_or_add_rPr(), 13)
    fmt = normal.paragraph_format
    fmt.space_before, fmt.space_after, fmt.line_spacing = Pt(0), Pt(0), 1.0

    props = doc.core_properties
    props.author = props.last_modified_by = "vanban samples/make_samples.py"
    props.title = props.comments = ""
    props.created = props.modified = META_TIME.replace(tzinfo=None)
    props.revision = 1
    return doc


def add_text(paragraph, text: str, size: float | None = None, bold=False, italic=False):
    run = paragraph.add_run(text)
    run.bold, run.italic = bold or None, italic or None
    if size is not None:
        run.font.size = Pt(size)
    return run


def paragraph(container, text: str = "", *, align=None, size=None, bold=False, italic=False,
              before=0, after=0, left_cm=None, first_line_cm=None):
    p = container.add_paragraph()
    fmt = p.paragraph_format
    fmt.alignment = align
    fmt.space_before, fmt.space_after = Pt(before), Pt(after)
    if left_cm is not None:
        fmt.left_indent = Cm(left_cm)
    if first_line_cm is not None:
        fmt.first_line_indent = Cm(first_line_cm)
    if text:
        add_text(p, text, size, bold, italic)
    return p


def borderless_table(doc, widths_cm: list[float]):
    """A one-row table with fixed column widths and every border set to none."""
    table = doc.add_table(rows=1, cols=len(widths_cm))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "none")
        element.set(qn("w:sz"), "0")
        element.set(qn("w:space"), "0")
        element.set(qn("w:color"), "auto")
        borders.append(element)
    tbl_pr.append(borders)
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    tbl_pr.append(layout)
    for column, cell, width in zip(table.columns, table.rows[0].cells, widths_cm):
        column.width = cell.width = Cm(width)
    # The cells arrive with one empty paragraph each; drop it so content starts at the top.
    for cell in table.rows[0].cells:
        cell._tc.remove(cell.paragraphs[0]._p)
    return table


def build_docx(letter: SeedLetter, path: Path) -> None:
    doc = setup_document()
    center, justify = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.JUSTIFY

    # Header table: left = số/ký hiệu (ô 3) and trích yếu (ô 5b); right = place and date (ô 4).
    # Text width is 210 - 30 - 15 = 165 mm; the left column is the narrower one.
    left, right = borderless_table(doc, [6.5, 10.0]).rows[0].cells
    paragraph(left, letter.so_ky_hieu, align=center, size=13, after=6)
    for line in letter.trich_yeu:
        paragraph(left, line, align=center, size=12)
    paragraph(right, letter.place_date, align=center, size=13, italic=True)

    # Kính gửi (ô 9a): several recipients, one per line under the label.
    paragraph(doc, letter.kinh_gui, size=13, before=18, after=3, left_cm=2.5)
    for line in letter.recipients:
        paragraph(doc, line, size=13, left_cm=4.0)

    # Body (ô 6): justified, first line indented 1.27 cm, 6 pt between paragraphs.
    for i, text in enumerate(letter.body):
        p = paragraph(doc, text, align=justify, size=13, before=12 if i == 0 else 6,
                      first_line_cm=1.27)
    # Never leave the signature alone on a page: the last body paragraph travels with it.
    p.paragraph_format.keep_with_next = True

    # Signature table: left = Nơi nhận (ô 9b); right = authority, title, signature space, name (ô 7).
    spacer = paragraph(doc, before=6)
    spacer.paragraph_format.keep_with_next = True
    signature = borderless_table(doc, [8.0, 8.5])
    signature.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
    left, right = signature.rows[0].cells
    paragraph(left, letter.noi_nhan, size=12, bold=True, italic=True)
    for line in letter.distribution:
        paragraph(left, line, size=11)
    for line in letter.authority:
        paragraph(right, line, align=center, size=13, bold=True)
    for _ in range(3):
        paragraph(right, align=center, size=13)
    for line in letter.signer:
        paragraph(right, line, align=center, size=13, bold=True)

    doc.save(path)
    freeze_zip_times(path)


def freeze_zip_times(path: Path) -> None:
    """Rewrite a ZIP (DOCX) with fixed member timestamps so the file is byte-for-byte repeatable."""
    with zipfile.ZipFile(path) as source:
        members = [(info.filename, source.read(info.filename)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(info, data)


# --------------------------------------------------------------------------------------------
# 3. PDF and Word 97 through LibreOffice.
# --------------------------------------------------------------------------------------------

def soffice_convert(source: Path, target: str, outdir: Path) -> Path:
    """soffice --headless --convert-to <ext[:filter]> with a throwaway profile, so it also runs as
    root on a fresh machine and never meets a running LibreOffice. One filter per call."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        sys.exit("make_samples: soffice not found; apt-get install libreoffice-writer-nogui")
    with tempfile.TemporaryDirectory(prefix="vanban-lo-") as profile:
        command = [soffice, f"-env:UserInstallation={Path(profile).as_uri()}", "--headless",
                   "--norestore", "--convert-to", target, "--outdir", str(outdir), str(source)]
        # TZ=UTC: LibreOffice stamps the PDF with local time, whose format length varies by zone.
        run = subprocess.run(command, timeout=120, capture_output=True, text=True,
                             env={**os.environ, "TZ": "UTC"})
    result = outdir / f"{source.stem}.{target.split(':')[0]}"
    if run.returncode != 0 or not result.exists():
        sys.exit(f"make_samples: soffice --convert-to {target} failed "
                 f"({run.returncode}):\n{run.stderr}")
    return result


def freeze_pdf_metadata(pdf_path: Path, docx_path: Path) -> None:
    """Replace LibreOffice's creation time, document ID and checksum (which change on every run)
    with fixed values of the same length, so the xref offsets stay valid and reruns give the
    same bytes. The ID becomes an MD5 of the DOCX it was made from."""
    data = pdf_path.read_bytes()
    digest = hashlib.md5(docx_path.read_bytes()).hexdigest().upper().encode()
    day = META_TIME.strftime("D:%Y%m%d%H%M%S")
    # LibreOffice writes D:YYYYMMDDHHmmSSZ' under TZ=UTC, or D:YYYYMMDDHHmmSS+HH'mm' elsewhere.
    dates = {len(s): s.encode() for s in (day, day + "Z", day + "Z'", day + "+00'00'")}

    def fixed_date(match: re.Match) -> bytes:
        return match.group(1) + dates.get(len(match.group(2)), match.group(2))

    def fixed_hex(match: re.Match) -> bytes:
        return match.group(1) + digest[: len(match.group(2))].ljust(len(match.group(2)), b"0")

    data = re.sub(rb"(/(?:CreationDate|ModDate)\s*\()([^)]*)", fixed_date, data)
    data = re.sub(rb"(/ID\s*\[\s*<)([0-9A-Fa-f]+)", fixed_hex, data)
    data = re.sub(rb"(/ID\s*\[\s*<[0-9A-Fa-f]+>\s*<)([0-9A-Fa-f]+)", fixed_hex, data)
    data = re.sub(rb"(/DocChecksum\s*/)([0-9A-Fa-f]+)", fixed_hex, data)
    pdf_path.write_bytes(data)


def check_antiword(doc_path: Path, expected: str) -> None:
    """antiword must read the Word 97 file and find the letter's text in it."""
    out = subprocess.run(["antiword", "-m", "UTF-8.txt", str(doc_path)], check=True,
                         capture_output=True, timeout=60).stdout.decode("utf-8", "replace")
    if expected not in out:
        raise RuntimeError(f"antiword output of {doc_path.name} lacks {expected!r}")
    print(f"  antiword reads {doc_path.name}: {len(out.splitlines())} lines, contains {expected!r}")


# --------------------------------------------------------------------------------------------
# 4. Simulated scans of the PDF pages.
# --------------------------------------------------------------------------------------------

def render_pages(pdf_path: Path, dpi: int) -> list[Image.Image]:
    pdf = pdfium.PdfDocument(str(pdf_path))
    try:
        return [pdf[i].render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
                for i in range(len(pdf))]
    finally:
        pdf.close()


def simulate_scan(page: Image.Image, seed: int) -> Image.Image:
    """A flatbed scan: grey paper, 0.6° skew, sensor noise, a few specks, mild optical blur."""
    rng = np.random.default_rng(seed)
    paper, ink = 232, 30
    # Tone first, so the noise around the paper grey is not clipped at white.
    toned = page.point(lambda v: round(ink + (paper - ink) * v / 255))
    skewed = toned.rotate(0.6, resample=Image.BICUBIC, fillcolor=paper)
    pixels = np.asarray(skewed, dtype=np.float32) + rng.normal(0.0, 12.0, skewed.size[::-1])
    height, width = pixels.shape
    for _ in range(60):  # dust: small dark specks, a few larger
        y, x = rng.integers(0, height), rng.integers(0, width)
        radius = float(rng.choice([1.0, 1.5, 2.0, 2.5, 3.5, 5.0]))
        top, left = max(0, y - int(radius)), max(0, x - int(radius))
        patch = pixels[top: y + int(radius) + 1, left: x + int(radius) + 1]
        dy, dx = np.ogrid[top - y: top - y + patch.shape[0], left - x: left - x + patch.shape[1]]
        patch[dy * dy + dx * dx <= radius * radius] = rng.uniform(20, 90)
    noisy = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), mode="L")
    # The blur comes after the noise (scanner optics/firmware smoothing): the grain left is about
    # sigma 6. Quantising to steps of 8 grey levels is invisible under it and keeps the PNG < 3 MB.
    blurred = np.asarray(noisy.filter(ImageFilter.GaussianBlur(0.7)), dtype=np.float32)
    return Image.fromarray((np.clip(np.round(blurred / 8) * 8, 0, 255)).astype(np.uint8), mode="L")


def simulate_colour_scan(page: Image.Image, seed: int) -> Image.Image:
    """The same flatbed scan in colour (a red seal stays red, a blue signature blue): grey paper, 0.6° skew,
    sensor noise shared by the three channels plus a little of each channel's own, mild optical blur."""
    rng = np.random.default_rng(seed)
    paper, ink = 232, 30
    rgb = page.convert("RGB")
    shared = rng.normal(0.0, 10.0, rgb.size[::-1])
    channels = []
    for channel in rgb.split():
        toned = channel.point(lambda v: round(ink + (paper - ink) * v / 255))
        skewed = toned.rotate(0.6, resample=Image.BICUBIC, fillcolor=paper)
        pixels = np.asarray(skewed, dtype=np.float32) + shared + rng.normal(0.0, 4.0, shared.shape)
        noisy = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), mode="L")
        channels.append(noisy.filter(ImageFilter.GaussianBlur(0.7)))
    return Image.merge("RGB", channels)


def print_and_scan(original: Path, out: Path, colour: bool, seed: int) -> Path:
    """A PDF as printed (rendered at 300 dpi with its form fields and annotations: the e-office number and
    day, seal and signature) and scanned, in colour or grey, page n with the noise of `seed + n`: an
    image-only PDF at `out`. The bench and the tests of printed-and-scanned letters make theirs here."""
    from pipeline.ingest.pdf import page_count, render_page

    pages = []
    for n in range(1, page_count(str(original)) + 1):
        page = render_page(str(original), n, dpi=SCAN_DPI, color=colour)
        pages.append(simulate_colour_scan(page, seed + n) if colour else simulate_scan(page.convert("L"), seed + n))
    pages[0].save(out, save_all=True, append_images=pages[1:], resolution=SCAN_DPI, quality=75)
    return out


def with_broken_layer(scan: Path, original: Path, out: Path) -> Path:
    """`scan` with, invisible over each page, the text of `original`'s page without a diacritic ("CONG HOA
    XA HOI CHU NGHIA VIET NAM"): the OCR layer a scanner without Vietnamese writes (issue 6's "PDFs whose
    embedded OCR layer has lost every diacritic"). Needs pypdf (the test extra)."""
    import io
    import unicodedata

    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

    def stripped(line: str) -> bytes:
        bare = "".join(c for c in unicodedata.normalize("NFD", line) if not unicodedata.combining(c))
        bare = bare.replace("Đ", "D").replace("đ", "d").encode("ascii", "replace")
        return bare.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")

    source = pdfium.PdfDocument(str(original))
    writer = PdfWriter(clone_from=PdfReader(scan))
    for page, text_page in zip(writer.pages, (source[i].get_textpage() for i in range(len(source)))):
        lines = [ln for ln in text_page.get_text_range().splitlines() if ln.strip()][:60]
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        body = b"BT /F1 11 Tf 3 Tr " + b"".join(
            b"1 0 0 1 %.1f %.1f Tm (%s) Tj " % (width * 0.1, height * (0.93 - 0.85 * i / max(len(lines), 1)),
                                               stripped(line)) for i, line in enumerate(lines)) + b"ET"
        overlay = PdfWriter()
        blank = overlay.add_blank_page(width, height)
        blank[NameObject("/Resources")] = DictionaryObject({NameObject("/Font"): DictionaryObject({
            NameObject("/F1"): DictionaryObject({NameObject("/Type"): NameObject("/Font"),
                                                 NameObject("/Subtype"): NameObject("/Type1"),
                                                 NameObject("/BaseFont"): NameObject("/Helvetica")})})})
        stream = DecodedStreamObject()
        stream.set_data(body)
        blank[NameObject("/Contents")] = overlay._add_object(stream)
        buffer = io.BytesIO()
        overlay.write(buffer)
        page.merge_page(PdfReader(buffer).pages[0])
    with open(out, "wb") as f:
        writer.write(f)
    return out


def write_scans(pdf_path: Path) -> list[Path]:
    rendered = render_pages(pdf_path, SCAN_DPI)
    pages = [simulate_scan(page, SCAN_SEED + number) for number, page in enumerate(rendered)]
    png = SAMPLES / "seed-letter-scan.png"
    pages[0].save(png, dpi=(SCAN_DPI, SCAN_DPI))  # (optimize=True makes this noisy PNG larger)

    # Image-only PDF: one grey JPEG per page, no text layer. Fixed dates keep it repeatable.
    pdf = SAMPLES / "seed-letter-scan.pdf"
    fixed = time.gmtime(META_TIME.timestamp())
    pages[0].save(pdf, save_all=True, append_images=pages[1:], resolution=SCAN_DPI, quality=75,
                  title="seed-letter scan", producer="vanban samples/make_samples.py",
                  creationDate=fixed, modDate=fixed)

    # Multi-page TIFF: thresholded to 1 bit, CCITT group 4, as fax/archive scanners store it.
    tif = SAMPLES / "seed-letter-scan.tif"
    bilevel = [page.point(lambda v: 255 if v > 140 else 0).convert("1", dither=Image.Dither.NONE)
               for page in pages]
    bilevel[0].save(tif, save_all=True, append_images=bilevel[1:], compression="group4",
                    dpi=(SCAN_DPI, SCAN_DPI))
    return [png, pdf, tif]


# --------------------------------------------------------------------------------------------
# 5. Legacy encodings of the seed text, and the real letters.
# --------------------------------------------------------------------------------------------

def iconv(source: Path, target: Path, encoding: str) -> None:
    """iconv -f UTF-8 -t <encoding>; fall back to //TRANSLIT only if some character will not encode."""
    command = ["iconv", "-f", "UTF-8", "-t", encoding, str(source)]
    result = subprocess.run(command, capture_output=True)
    if result.returncode != 0:
        text = source.read_text(encoding="utf-8")
        bad = sorted({c for c in text if subprocess.run(["iconv", "-f", "UTF-8", "-t", encoding],
                      input=c.encode(), capture_output=True).returncode != 0})
        print(f"  WARNING: iconv cannot encode {bad} to {encoding}; using {encoding}//TRANSLIT",
              file=sys.stderr)
        command[4] = f"{encoding}//TRANSLIT"
        result = subprocess.run(command, capture_output=True, check=True)
    target.write_bytes(result.stdout)


def write_encoded_copies(seed_copy: Path) -> list[Path]:
    cp1258 = SAMPLES / "seed-letter.cp1258.txt"
    iconv(seed_copy, cp1258, "CP1258")
    # TCVN3 (ABC) as the .VnTime fonts wrote it: one byte per lowercase toned letter, capitals with the
    # lowercase codes. glibc's TCVN5712-1 is the VN1 variant (toned capitals at 0x80-0x9F), which Vietnamese
    # offices did not type with, so the sample is made with our encoder (checked against the tables of
    # domain.md §10 by tests/test_legacy.py). VNI-Windows likewise.
    from pipeline.text.legacy import unicode_to_tcvn3, unicode_to_vni
    text = seed_copy.read_text(encoding="utf-8")
    tcvn = SAMPLES / "seed-letter.tcvn3.txt"
    tcvn.write_bytes(unicode_to_tcvn3(text, errors="replace"))
    vni = SAMPLES / "seed-letter.vni.txt"
    vni.write_bytes(unicode_to_vni(text, errors="replace"))
    utf16 = SAMPLES / "seed-letter.utf16.txt"
    # UTF-16 little-endian with BOM (what Windows Notepad calls "Unicode"), same bytes on any machine.
    utf16.write_bytes(b"\xff\xfe" + seed_copy.read_text(encoding="utf-8").encode("utf-16-le"))
    return [cp1258, tcvn, vni, utf16]


def copy_real_letters() -> list[Path]:
    real = SAMPLES / "real"
    real.mkdir(exist_ok=True)
    written = []
    for name in REAL_LETTERS:
        shutil.copyfile(REAL_DOCS / name, real / name)
        written.append(real / name)
    return written


# --------------------------------------------------------------------------------------------

def report(paths: list[Path]) -> None:
    for path in paths:
        print(f"  wrote {path.relative_to(SAMPLES.parent)}  ({path.stat().st_size:,} bytes)")


def main() -> None:
    if not SEED.exists():
        sys.exit(f"make_samples: seed letter not found at {SEED} (set VANBAN_SHARED)")
    print(f"seed: {SEED}")

    seed_copy = SAMPLES / "seed-letter.txt"
    seed_copy.write_bytes(SEED.read_bytes())
    report([seed_copy])

    letter = parse_seed(SEED.read_text(encoding="utf-8"))
    docx_path = SAMPLES / "seed-letter.docx"
    build_docx(letter, docx_path)
    report([docx_path])

    pdf_path = soffice_convert(docx_path, "pdf:writer_pdf_Export", SAMPLES)
    freeze_pdf_metadata(pdf_path, docx_path)
    doc_path = soffice_convert(docx_path, "doc:MS Word 97", SAMPLES)
    report([pdf_path, doc_path])
    check_antiword(doc_path, letter.signer[-1])

    report(write_scans(pdf_path))
    report(write_encoded_copies(seed_copy))
    report(copy_real_letters())


if __name__ == "__main__":
    main()
