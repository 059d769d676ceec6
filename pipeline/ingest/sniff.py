"""Format detection from the bytes, never from the file name (reliability.md #2, #19)."""
from __future__ import annotations

import zipfile

from pipeline.errors import ReadError

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
FORMATS = ("pdf", "docx", "doc", "rtf", "odt", "txt", "html", "image")
# Extensions that promise a format; a file whose bytes match no readable format but whose name promises one
# is a type mismatch (an HTML error page saved as .pdf is routed to the HTML reader instead).
_PROMISES = {".pdf", ".docx", ".doc", ".png", ".jpg", ".jpeg", ".tif", ".tiff", ".rtf", ".odt", ".xlsx", ".xls"}


def sniff(path: str, head: bytes) -> str:
    """One of FORMATS, or a ReadError (empty, type_mismatch, unsupported, encrypted)."""
    if not head:
        raise ReadError(path, "empty", "the file is empty (0 bytes)")
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(path)
    if head.startswith(OLE2):
        return _ole_kind(path)
    if stripped[:5].lower() == b"{\\rtf":
        return "rtf"
    if head.startswith((b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*")):
        return "image"
    low = stripped[:2048].lower()
    if low.startswith((b"<!doctype html", b"<html")) or (b"<html" in low and b"<body" in low) or \
            (low.startswith(b"<") and b"<body" in low):
        return "html"
    if _looks_like_text(head):
        return "txt"
    suffix = "." + path.rsplit(".", 1)[-1].lower() if "." in path else ""
    if suffix in _PROMISES:
        raise ReadError(path, "type_mismatch", f"named {suffix} but its bytes match no supported format")
    raise ReadError(path, "unsupported", "not a format vanban reads (PDF, DOCX, DOC, RTF, TXT, HTML, image)")


def _looks_like_text(head: bytes) -> bool:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    sample = head[:8192]
    if sample.count(b"\x00") > len(sample) // 4:  # BOM-less UTF-16: every other byte NUL
        even, odd = sample[0::2].count(0), sample[1::2].count(0)
        return max(even, odd) > 0.4 * len(sample) / 2 and min(even, odd) < 0.05 * len(sample) / 2
    controls = sum(1 for b in sample if b < 9 or 13 < b < 32 and b != 27)
    return controls <= len(sample) * 0.01


def _zip_kind(path: str) -> str:
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise ReadError(path, "corrupt:zip", f"broken ZIP container ({exc})") from None
    if "word/document.xml" in names:
        return "docx"
    if "content.xml" in names and "mimetype" in names:
        return "odt"  # routed to LibreOffice with the legacy formats
    raise ReadError(path, "unsupported", "a ZIP file that is not a Word document")


def _ole_kind(path: str) -> str:
    """OLE2: Word 97-2003 (.doc), or an encrypted OOXML (an EncryptionInfo stream), or something else."""
    with open(path, "rb") as fh:
        data = fh.read(4 << 20)
    names = data.decode("utf-16-le", "ignore")
    if "EncryptionInfo" in names or "EncryptedPackage" in names:
        raise ReadError(path, "encrypted", "a password-protected Office document")
    if "WordDocument" in names:
        return "doc"
    raise ReadError(path, "unsupported", "an OLE2 file that is not a Word document (Excel, PowerPoint…)")
