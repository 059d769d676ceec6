"""Issue 19 item 1, the desk in Vietnamese first: every page in Vietnamese (lang="vi", none of the English words
the pages used to show), English on request (?lang=en, a cookie, Accept-Language), dates dd/mm/yyyy, the
letter's number where the clerk used to read a key, the graph view inside the desk's layout, the catalogue
complete and compiled, and `vanban serve` under waitress. Against a real archive filled by `vanban ingest`,
the pages from the real app (Flask's test client) and the real server in a subprocess."""
import re
import shutil
import sqlite3
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import httpx
import pytest

from conftest import DEV, ROOT
from test_desk import free_port

SCRIPT = {"X-Vanban-Client": "tests"}
TRANSLATIONS = ROOT / "pipeline" / "desk" / "translations"

# The English the pages showed before (pipeline/desk/pages.py, the graph page, the error pages), word for word
ENGLISH = [
    "Inbox", "Letters", "Register", "Upload filed", "Upload and file", "Upload more", "Latest letters received",
    "No letter yet", "no number", "number blank", "Letter", "Document", "Error", "Back to the inbox", "Search",
    "Filter", "every year", "any relation", "with cited documents not held", "issuer", "type", "year", "words",
    "checked", "not in the archive", "Known only because letters cite it", "It becomes a letter", "What cites it",
    "citation graph", "original", "no date", "every field highlighted", "check this field", "OCR confidence",
    "corrected by", "extracted", "your name", "Save corrections", "All correct", "mark checked",
    "Read the original again", "References", "Relation", "Cited", "Date", "none", "Warnings", "File", "Outcome",
    "open", "duplicate", "done", "skipped", "quarantined", "file(s)", "JSON API", "OpenAPI description",
    "Scripts send", "Method", "Path", "What", "back to the letter", "depth", "Citation graph", "documents",
    "citations", "Arrows point", "a letter in the archive", "the centre document", "stub", "rests on", "changes",
    "other citations", "number", "cites", "cited by", "key", "sending", "reading and filing", "the upload failed",
    "Not Found", "Bad Request", "List or search letters", "This description", "no archived document",
    "legal_basis", "implements", "proposed_by", "replies_to", "follows_up", "guides", "details", "amends",
    "replaces", "repeals", "terminates", "suspends", "corrects", "consolidates", "attached_to", "refers_to",
    "full_number", "doc_type", "parent_issuer", "signing_authority", "signer_title", "recipients", "distribution",
    "subject", "signer", "place",
]
ISO_DATE = re.compile(r"\b\d{4}-\d\d-\d\d\b")
DMY = re.compile(r"\b\d\d/\d\d/\d{4}\b")


class Visible(HTMLParser):
    """What a reader sees of a page: its text outside scripts and styles, and the attributes a browser shows
    (placeholders, tooltips, alternative text, the script's messages)."""

    SHOWN = ("placeholder", "title", "alt", "aria-label", "data-msg-sending", "data-msg-filing", "data-msg-failed")

    def __init__(self):
        super().__init__()
        self.parts, self.hidden = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.hidden += 1
        self.parts += [v for k, v in attrs if k in self.SHOWN and v]

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.hidden -= 1

    def handle_data(self, data):
        if not self.hidden and data.strip():
            self.parts.append(data)


def visible(html: str) -> str:
    parser = Visible()
    parser.feed(html)
    return "\n".join(parser.parts)


def english_in(text: str) -> list[str]:
    return [w for w in ENGLISH if re.search(rf"(?<![\w_]){re.escape(w)}(?![\w_])", text)]


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    """022 (7432/UBND-XD, 21/07/2026) implements 023 (1074/QĐ-BXD), which rests on laws not held (stubs)."""
    tmp = tmp_path_factory.mktemp("i18n")
    inbox = tmp / "inbox"
    inbox.mkdir()
    for name in ("022.txt", "023.txt"):
        shutil.copy(DEV / "docs" / name, inbox / name)
    db = tmp / "archive.sqlite"
    subprocess.run([sys.executable, "-m", "pipeline", "ingest", str(inbox), "--db", str(db), "--settle", "0"],
                   cwd=ROOT, check=True, capture_output=True)
    with sqlite3.connect(db) as c:
        ids = dict(c.execute("SELECT full_number, id FROM documents WHERE full_number IS NOT NULL"))
        ids["stub"] = c.execute("SELECT id FROM documents WHERE stub = 1 ORDER BY id").fetchone()[0]
        ids["key"] = c.execute("SELECT key FROM documents WHERE full_number = '7432/UBND-XD'").fetchone()[0]
    return db, ids


@pytest.fixture(scope="module")
def client(archive):
    from pipeline.desk.app import create_app
    db, ids = archive
    desk = create_app(db).test_client()
    r = desk.patch(f"/api/letters/{ids['7432/UBND-XD']}", json={"place": "Thành phố Lào Cai", "by": "Chị Lan"},
                   headers=SCRIPT)
    assert r.status_code == 200
    return desk


def pages(ids) -> dict[str, str]:
    letter, cited = ids["7432/UBND-XD"], ids["1074/QĐ-BXD"]
    return {"inbox": "/", "letters": "/letters", "search": "/letters?q=phong+chay", "review": f"/letters/{letter}",
            "review of the cited": f"/letters/{cited}", "stub": f"/letters/{ids['stub']}",
            "text beside the review": f"/letters/{letter}/text.html",
            "graph": f"/letters/{letter}/graph?depth=2", "register": "/register", "api": "/api"}


def test_every_page_is_in_vietnamese(client, archive):
    db, ids = archive
    shown = {name: client.get(path) for name, path in pages(ids).items()}
    with (DEV / "docs" / "001.txt").open("rb") as letter:
        shown["upload result"] = client.post("/upload", data={"files": (letter, "Công văn 001.txt")},
                                             headers=SCRIPT, content_type="multipart/form-data")
    shown["error"] = client.get("/letters/9999/UBND-KHONG-CO")
    shown["error 404"] = client.get("/no-such-page")
    for name, r in shown.items():
        html = r.get_data(as_text=True)
        assert r.status_code == (404 if name.startswith("error") else 201 if name == "upload result" else 200), \
            (name, html[:300])
        assert re.search(r'<html lang="vi"[ >]', html), name
        text = visible(html)
        assert english_in(text) == [], (name, english_in(text))
        assert not ISO_DATE.search(text), (name, ISO_DATE.findall(text))
    assert "Sổ đăng ký văn bản đến" in shown["register"].get_data(as_text=True)
    assert "Lưu chỉnh sửa" in shown["review"].get_data(as_text=True)
    assert "không tìm thấy văn bản nào trong kho" in shown["error"].get_data(as_text=True)
    text = shown["text beside the review"].get_data(as_text=True)
    assert "Các trường" in text and "CƠ QUAN BAN HÀNH" in text  # the headings and the highlights' tags


def test_relations_are_named_in_vietnamese(client, archive):
    db, ids = archive
    review = visible(client.get(f"/letters/{ids['7432/UBND-XD']}").get_data(as_text=True))
    assert "thực hiện" in review  # 7432/UBND-XD implements 1074/QĐ-BXD
    cited = visible(client.get(f"/letters/{ids['1074/QĐ-BXD']}").get_data(as_text=True))
    assert "căn cứ" in cited
    options = re.findall(r'<option value="(\w+)"[^>]*>([^<]+)</option>', client.get("/letters").get_data(as_text=True))
    names = dict(options)
    assert names["legal_basis"] == "căn cứ" and names["replies_to"] == "trả lời" and names["amends"] == "sửa đổi, bổ sung"
    assert names["replaces"] == "thay thế" and names["repeals"] == "bãi bỏ" and names["implements"] == "thực hiện"
    graph = client.get(f"/letters/{ids['7432/UBND-XD']}/graph?depth=2").get_data(as_text=True)
    assert '>thực hiện</text>' in graph and ">căn cứ</text>" in graph  # the edges' labels


def test_english_on_request_kept_in_a_cookie(archive):
    from pipeline.desk.app import create_app
    db, ids = archive
    desk = create_app(db).test_client()
    r = desk.get("/?lang=en")
    html = r.get_data(as_text=True)
    assert '<html lang="en"' in html and ">Inbox</a>" in html and "Upload and file" in html
    assert any(c.startswith("vanban_lang=en;") for c in r.headers.getlist("Set-Cookie"))
    review = desk.get(f"/letters/{ids['7432/UBND-XD']}").get_data(as_text=True)  # the cookie, no ?lang
    assert '<html lang="en"' in review and "Save corrections" in review and "implements" in review
    assert "Lưu chỉnh sửa" not in review
    back = desk.get("/letters?lang=vi").get_data(as_text=True)
    assert '<html lang="vi"' in back and "Tìm kiếm" in back
    fresh = create_app(db).test_client()
    assert '<html lang="en"' in fresh.get("/", headers={"Accept-Language": "en-US,en;q=0.9"}).get_data(as_text=True)
    assert '<html lang="vi"' in fresh.get("/", headers={"Accept-Language": "fr-FR,fr;q=0.9"}).get_data(as_text=True)
    assert '<html lang="vi"' in fresh.get("/", headers={"Accept-Language": "vi-VN,vi;q=0.9,en;q=0.5"}).get_data(as_text=True)
    # the API keeps its keys in every language; only the message is the reader's
    en = fresh.get("/api/letters/9999/UBND-KHONG-CO", headers={"Accept-Language": "en"})
    vi = fresh.get("/api/letters/9999/UBND-KHONG-CO")
    assert en.status_code == vi.status_code == 404
    assert set(en.get_json()) == set(vi.get_json()) == {"error", "message"}
    assert en.get_json()["error"] == vi.get_json()["error"] == "NotFound"
    assert en.get_json()["message"].startswith("no archived document answers to")
    assert vi.get_json()["message"].startswith("không tìm thấy văn bản nào trong kho")


def test_dates_are_dd_mm_yyyy_and_typed_so(client, archive):
    db, ids = archive
    doc = ids["7432/UBND-XD"]
    review = client.get(f"/letters/{doc}").get_data(as_text=True)
    assert "21/07/2026" in visible(review)  # the letter's date (record: 2026-07-21)
    assert re.search(r'id="in-date" name="date" value="21/07/2026"', review)
    assert re.search(r"Chị Lan sửa lúc \d\d/\d\d/\d{4} \d\d:\d\d", visible(review))
    register = visible(client.get("/register").get_data(as_text=True))
    assert DMY.search(register) and not ISO_DATE.search(register)
    assert "21/07/2026" in visible(client.get("/letters").get_data(as_text=True))
    # the clerk types the date as she reads it; the record keeps ISO, and the JSON API too
    r = client.post(f"/letters/{doc}/correct", data={"date": "2/8/2026", "action": "save"}, headers=SCRIPT)
    assert r.status_code == 303
    assert client.get(f"/api/letters/{doc}").get_json()["date"] == "2026-08-02"
    assert 'value="02/08/2026"' in client.get(f"/letters/{doc}").get_data(as_text=True)
    bad = client.post(f"/letters/{doc}/correct", data={"date": "32 tháng 8", "action": "save"}, headers=SCRIPT)
    assert bad.status_code == 400 and "ngày: cần dạng dd/mm/yyyy" in bad.get_data(as_text=True)
    client.post(f"/letters/{doc}/correct", data={"date": "21/07/2026", "action": "save"}, headers=SCRIPT)
    assert client.get(f"/api/letters/{doc}").get_json()["date"] == "2026-07-21"


def test_the_number_is_shown_not_the_key(client, archive):
    db, ids = archive
    again = (DEV / "docs" / "022.txt").open("rb")
    r = client.post("/upload", data={"files": (again, "7432 gửi lại.txt")}, headers=SCRIPT,
                    content_type="multipart/form-data")
    html = r.get_data(as_text=True)
    assert r.status_code == 201  # filed at once: the archive was free
    links = dict(re.findall(r'<a href="/letters/(\d+)">([^<]+)</a>', html))
    assert links[str(ids["7432/UBND-XD"])] == "7432/UBND-XD"  # was the key, 7432/2026/UBND-XD@uy-ban-…
    assert ids["key"] not in html and "@" not in visible(html)
    assert "trùng với văn bản đã có" in html or "đã có trong kho, bỏ qua" in html  # the outcome, in words
    for path in ("/", "/register", "/letters", f"/letters/{ids['7432/UBND-XD']}/graph"):
        page = client.get(path).get_data(as_text=True)
        assert "7432/UBND-XD" in page and ids["key"] not in visible(page), path


def test_the_graph_is_inside_the_desks_layout(client, archive):
    db, ids = archive
    html = client.get(f"/letters/{ids['7432/UBND-XD']}/graph").get_data(as_text=True)
    header = re.search(r"<header>.*?</header>", html, re.S).group(0)
    assert all(f'href="{p}"' in header for p in ("/", "/letters", "/register", "/api"))
    assert ">Tiếp nhận</a>" in header and ">Sổ văn bản đến</a>" in header
    assert '<script src="/static/desk.js">' in html and html.count("<html") == 1 and html.count("<body") == 1
    assert "<svg" in html and "Sơ đồ dẫn chiếu quanh 7432/UBND-XD" in html
    assert f'href="/letters/{ids["7432/UBND-XD"]}">về văn bản</a>' in html


def test_the_catalogue_is_complete_and_compiled():
    """Every sentence marked in the desk's sources has a Vietnamese translation, with the same placeholders,
    and the committed .mo holds exactly the .po's translations (no `make translations` forgotten)."""
    from babel.messages.extract import extract_from_dir
    from babel.messages.frontend import parse_mapping_cfg
    from babel.messages.mofile import read_mo
    from babel.messages.pofile import read_po

    with open(ROOT / "babel.cfg", encoding="utf-8") as f:
        method_map, options_map = parse_mapping_cfg(f)
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2), "N_": None,
                "lazy_gettext": None, "lazy_pgettext": ((1, "c"), 2), "UsageError": None, "NotFound": None,
                "RunLocked": None}
    marked = set()
    for _, _, message, _, context in extract_from_dir(str(ROOT), method_map, options_map, keywords=keywords):
        marked.add((context, message if isinstance(message, str) else message[0]))
    assert len(marked) > 150
    po_path = TRANSLATIONS / "vi" / "LC_MESSAGES" / "messages.po"
    with open(po_path, "rb") as f:
        po = read_po(f, locale="vi")
    held = {(m.context, m.id if isinstance(m.id, str) else m.id[0]): m for m in po if m.id}
    missing = sorted(m for c, m in marked - set(held))
    assert missing == [], f"not in the .po (run make translations): {missing[:5]}"
    untranslated = [k for k in marked if not held[k].string or "fuzzy" in held[k].flags
                    or (isinstance(held[k].string, tuple) and not all(held[k].string))]
    assert untranslated == [], untranslated[:5]
    for key in marked:
        m = held[key]
        source = m.id if isinstance(m.id, str) else m.id[0]
        for text in (m.string if isinstance(m.string, tuple) else (m.string,)):
            assert sorted(re.findall(r"%\(\w+\)[sdr]", text)) == sorted(set(re.findall(r"%\(\w+\)[sdr]", source))) \
                or "%(" not in source, (source, text)
    with open(TRANSLATIONS / "vi" / "LC_MESSAGES" / "messages.mo", "rb") as f:
        mo = read_mo(f)
    def strings(value):
        return tuple(value) if isinstance(value, (list, tuple)) else value
    compiled = {(m.context, m.id if isinstance(m.id, str) else m.id[0]): strings(m.string) for m in mo if m.id}
    assert compiled == {k: strings(m.string) for k, m in held.items() if m.string and "fuzzy" not in m.flags}


def test_vanban_serve_runs_under_waitress(tmp_path):
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "pipeline", "serve", "--db", str(tmp_path / "a.sqlite"),
                             "--port", str(port)], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            text=True)
    try:
        for _ in range(300):
            try:
                r = httpx.get(f"http://127.0.0.1:{port}/", timeout=2)
                break
            except httpx.TransportError:
                assert proc.poll() is None, proc.stderr.read()
                import time
                time.sleep(0.1)
        else:
            raise AssertionError("the desk did not start")
        assert r.status_code == 200 and '<html lang="vi"' in r.text
        assert r.headers["server"] == "waitress"
    finally:
        proc.terminate()
        proc.wait(20)
    err = proc.stderr.read()
    proc.stderr.close()
    assert "development server" not in err and "Werkzeug" not in err
    assert re.search(r'"GET / HTTP/1\.1" 200', err), err  # the access log, one line per request


WARNINGS_SHOWN = [  # as the reading stages write them (handpass, eoffice, letter, ingest) → what the clerk reads
    ("handwritten day not read with confidence (OCR saw '2?', the digit reader 7 at 0.41): left empty, check the "
     "original", "ngày viết tay chưa đọc chắc chắn (OCR thấy '2?', bộ đọc chữ số đoán 7 với độ tin cậy 0.41): để "
     "trống, hãy đối chiếu bản gốc"),
    ("handwritten number read by the digit reader: 2338 (confidence 0.93; OCR saw '2S38')",
     "số viết tay do bộ đọc chữ số đọc: 2338 (độ tin cậy 0.93; OCR thấy '2S38')"),
    ("pages without a text layer read by OCR: 2, 3", "các trang không có lớp chữ được đọc bằng OCR: 2, 3"),
    ("number is blank", "số văn bản để trống"),
    ("repeals (whole) by 28/2026/NĐ-CP, signed 2026-01-05: its text states no effective date, so whether it applies "
     "on 2026-03-01 is not known", "bãi bỏ (toàn bộ) theo 28/2026/NĐ-CP, ký ngày 05/01/2026: văn bản không ghi ngày có "
     "hiệu lực, nên chưa biết đến ngày 01/03/2026 đã áp dụng hay chưa"),
    ("something no form knows", "something no form knows"),
]


@pytest.mark.parametrize("written, shown", WARNINGS_SHOWN)
def test_warnings_are_shown_in_vietnamese(written, shown):
    from pipeline.desk import i18n
    from pipeline.desk.app import create_app
    import tempfile
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(Path(tmp) / "a.sqlite", filer=False)
        with app.test_request_context("/?lang=vi"):
            assert i18n.warning(written) == shown
        with app.test_request_context("/?lang=en"):  # as written, its dates as the desk shows every date
            assert i18n.warning(written) == re.sub(r"(\d{4})-(\d\d)-(\d\d)", r"\3/\2/\1", written)


def test_every_warning_written_with_values_has_a_form():
    """Each warning the reading stages format with values (an f-string) is known to the desk's table, so that
    none reaches the clerk in English."""
    from pipeline.desk import i18n
    sources = [p for p in (ROOT / "pipeline").rglob("*.py") if "desk" not in p.parts]
    starts = set()
    for path in sources:
        for m in re.finditer(r'warnings\.append\(f"([^"{]{6,})', path.read_text(encoding="utf-8")):
            starts.add(m.group(1))
    forms = [re.sub(r"%\(\w+\)s", "{}", f) for f in i18n.WARNING_FORMS]
    missing = [s for s in starts if not any(s.strip() in f for f in forms)]
    assert not missing, missing
