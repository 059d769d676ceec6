"""`vanban serve`: the clerk's desk, a small Flask app over the archive (server-rendered pages, no CDN; the
little JavaScript it has is ours, served from the package). The HTML pages and the JSON API under /api/ call
the same functions (pipeline.archive.corrections, .listing, pipeline.batch, pipeline.graph).

Pages: / (inbox: upload with progress, the latest letters), /letters (search with filters), /letters/<id>
(review: the original's pages beside the record, doubtful fields marked, corrections in place),
/letters/<id>/searchable.pdf (a scan's searchable PDF/A copy, archive/searchable.py), /letters/<id>/graph (its neighbourhood, each node linking to its page), /register (sổ đăng ký văn bản đến,
CSV and XLSX), /api (the API's description; /api/openapi.json).
"""
from __future__ import annotations

import getpass
import io
import os
import re
import shutil
import unicodedata
import uuid
from datetime import date
from pathlib import Path

from flask import Flask, Response, abort, g, jsonify, redirect, render_template_string, request, send_file, url_for
from werkzeug.exceptions import HTTPException

from pipeline import __version__
from pipeline.archive import Archive, resolve
from pipeline.archive import corrections as cx
from pipeline.archive.db import SNIPPET_MARKS, snippet_parts
from pipeline.archive.listing import count, find
from pipeline.batch.workers import DEFAULT_MEMORY_MB, DEFAULT_TIMEOUT_S
from pipeline.desk import pages, security
from pipeline.desk.api_spec import OPENAPI
from pipeline.errors import Ambiguous, NotFound, RunLocked, UsageError, VanbanError

DEFAULT_MAX_UPLOAD_MB = 50
PAGE_SIZE = 25  # letters per page of /letters
UPLOAD_SUFFIXES = {".pdf", ".docx", ".doc", ".rtf", ".odt", ".txt", ".html", ".htm", ".png", ".jpg", ".jpeg",
                   ".tif", ".tiff"}


def create_app(db: str | os.PathLike | None = None, token: str | None = None,
               max_upload_mb: int = DEFAULT_MAX_UPLOAD_MB, workers: int = 1, timeout: float = DEFAULT_TIMEOUT_S,
               memory_mb: int = DEFAULT_MEMORY_MB) -> Flask:
    app = Flask("vanban-desk")
    probe = Archive(db)  # creates / migrates the archive once, and fixes its path
    app.config.update(VANBAN_DB=str(probe.path), VANBAN_TOKEN=token, MAX_CONTENT_LENGTH=max_upload_mb << 20,
                      VANBAN_WORKERS=workers, VANBAN_MAX_UPLOAD_MB=max_upload_mb, VANBAN_TIMEOUT=timeout,
                      VANBAN_MEMORY_MB=memory_mb, VANBAN_PAGE_SIZE=PAGE_SIZE)
    probe.close()
    app.before_request(lambda: security.check(app))
    app.after_request(lambda response: security.after(app, response))

    @app.teardown_appcontext
    def _close(exc):
        archive = g.pop("archive", None)
        if archive is not None:
            archive.close()

    @app.errorhandler(HTTPException)
    def _http_error(exc):
        if request.path.startswith("/api/"):
            return jsonify(error=exc.name, message=exc.description), exc.code
        return page("Error", pages.ERROR, code=exc.code, name=exc.name, message=exc.description), exc.code

    @app.errorhandler(VanbanError)
    def _vanban_error(exc):
        code = 404 if isinstance(exc, NotFound) else 409 if isinstance(exc, RunLocked) else 400
        body = {"error": type(exc).__name__, "message": str(exc)}
        if isinstance(exc, Ambiguous):
            body["candidates"] = exc.candidates
        if request.path.startswith("/api/"):
            return jsonify(body), code
        return page("Error", pages.ERROR, code=code, name=type(exc).__name__, message=str(exc)), code

    _routes(app)
    return app


def archive() -> Archive:
    if "archive" not in g:
        from flask import current_app
        g.archive = Archive(current_app.config["VANBAN_DB"])
    return g.archive


def page(title: str, body: str, **context) -> str:
    return render_template_string(pages.LAYOUT.replace("{{BODY}}", body), title=title, csrf=g.get("csrf", ""),
                                  version=__version__, **context)


def who() -> str:
    """The clerk: a name the form or the API gives (`by`, `X-Vanban-User`), else the account running the desk."""
    given = (request.form.get("by") if request.form else None) or request.headers.get("X-Vanban-User")
    if not given and request.is_json:
        given = (request.get_json(silent=True) or {}).get("by")
    return unicodedata.normalize("NFC", str(given))[:80] if given else getpass.getuser()


def document_id(ref: str) -> int:
    """An id, or anything `vanban show` accepts (a key, 649/UBND-KSTTHC, Nghị định 30/2020): the same resolver."""
    return resolve(archive().db, ref)["id"]


def safe_name(name: str | None, index: int) -> str:
    """An upload's file name as data, never as a path: NFC, no separators or control characters, no leading
    dot or dash, at most 120 characters; prefixed by its place in the upload so names never collide."""
    base = unicodedata.normalize("NFC", os.path.basename((name or "").replace("\\", "/")))
    base = re.sub(r"[\x00-\x1f\x7f/]", "_", base).lstrip(".-") or "upload"
    stem, suffix = os.path.splitext(base)
    return f"{index:03d}-{stem[:100]}{suffix[:16].lower()}"


def upload(files) -> dict:
    """Files from a form or the API through the same batch as `vanban ingest` (same quarantine, limits, lock)."""
    from flask import current_app

    from pipeline.batch import Options, run_ingest

    files = [f for f in files if f and f.filename]
    if not files:
        raise UsageError("no file in the upload (form field `files`)")
    refused = [f.filename for f in files if os.path.splitext(f.filename)[1].lower() not in UPLOAD_SUFFIXES]
    if refused:  # an allow-list of extensions (OWASP); the bytes are still sniffed by the batch
        abort(415, f"not a letter format ({', '.join(sorted(UPLOAD_SUFFIXES))}): {', '.join(refused)}")
    base = Path(current_app.config["VANBAN_DB"]).parent / "uploads"
    folder = base / f"{date.today().isoformat()}-{uuid.uuid4().hex[:12]}"
    folder.mkdir(parents=True)
    for i, f in enumerate(files):
        f.save(folder / safe_name(f.filename, i))
    config = current_app.config
    options = Options(workers=config["VANBAN_WORKERS"], timeout=config["VANBAN_TIMEOUT"],
                      memory_mb=config["VANBAN_MEMORY_MB"], settle=0, start_method="forkserver")
    try:
        report = run_ingest([folder], current_app.config["VANBAN_DB"], options=options)
    except RunLocked:
        shutil.rmtree(folder, ignore_errors=True)  # nothing was read: the clerk uploads again later
        raise RunLocked("the nightly batch (or another upload) is filing letters right now: try again in a minute") from None
    for f in report["files"]:
        f["name"] = f["path"].rsplit("/", 1)[-1].split("-", 1)[-1]
        held = archive().db.execute("SELECT document_id FROM sources WHERE sha256 = ?", (f["sha256"],)).fetchone()
        f["id"] = held[0] if held else None
    return report


def _validity(doc: int) -> dict:
    """The letter page's block: the status today, in Vietnamese, with its evidence (graph/status.py)."""
    from pipeline.graph import status as st

    record = st.status(archive().db, doc)
    return {"record": record, "summary": st.summary_vi(record), "today": st.vi_date(record["at"]),
            "relations": st.RELATIONS_VI, "vi_date": st.vi_date}


def graph_of(doc: int, depth: int):
    from pipeline.graph import build_graph
    return build_graph(archive().db, around=doc, depth=depth)


def _routes(app: Flask) -> None:  # noqa: C901  (one place lists every route)
    # -- pages -------------------------------------------------------------------------------------------------
    @app.get("/")
    def inbox():
        recent = cx.register(archive())[-20:][::-1]
        return page("Inbox", pages.INBOX, recent=recent, limit=app.config["VANBAN_MAX_UPLOAD_MB"])

    @app.post("/upload")
    def upload_page():
        report = upload(request.files.getlist("files"))
        if request.headers.get("Accept", "").startswith("application/json"):
            return jsonify(report)
        return page("Upload", pages.UPLOADED, report=report)

    @app.get("/letters")
    def letters():
        f = _filters()
        total = count(archive(), **f)
        size = app.config["VANBAN_PAGE_SIZE"]
        pages_n = max(1, -(-total // size))
        at = min(max(request.args.get("page", 1, type=int), 1), pages_n)
        items = find(archive(), **f, limit=size, offset=(at - 1) * size, marks=SNIPPET_MARKS)
        for i in items:
            i["snippet"] = snippet_parts(i.get("snippet", ""))
        args = {k: v for k, v in request.args.items() if k != "page"}
        return page("Letters", pages.LETTERS, items=items, f=f, total=total, at=at, pages_n=pages_n,
                    first=(at - 1) * size, link=lambda n: url_for("letters", **args, page=n))

    @app.get("/letters/<path:ref>")
    def review(ref):
        doc = document_id(ref)
        info = archive().document(doc)
        validity = _validity(doc)
        if info["record"] is None:
            return page(info["full_number"] or info["key"] or "Document", pages.STUB, doc=info, validity=validity)
        rec = cx.record(archive(), doc)
        pdf = next((s for s in info["sources"] if (s["format"] or "") == "pdf"), None)
        pages_n = _pdf_pages(pdf) if pdf else 0
        fields = [_field_view(rec, name) for name in cx.CORRECTABLE]
        return page(rec.get("full_number") or "Letter", pages.REVIEW, rec=rec, doc=info, fields=fields,
                    pdf=pdf, pages_n=pages_n, validity=validity)

    @app.post("/letters/<int:doc>/correct")
    def correct_form(doc):
        if request.form.get("action") == "checked":
            cx.correct(archive(), doc, {}, who())
        else:
            current = cx.record(archive(), doc)
            changes = {}
            for name in cx.CORRECTABLE:
                if name in request.form:
                    value = request.form[name]
                    shown = current.get(name)
                    shown = "\n".join(shown) if isinstance(shown, list) else ("" if shown is None else str(shown))
                    if value.replace("\r\n", "\n").strip() != shown.strip():
                        changes[name] = value
            if changes:
                cx.correct(archive(), doc, changes, who())
        return redirect(url_for("review", ref=doc), code=303)

    @app.post("/letters/<int:doc>/reextract")
    def reextract_form(doc):
        _reextract(doc)
        return redirect(url_for("review", ref=doc), code=303)

    @app.get("/letters/<int:doc>/text.html")
    def text_view(doc):
        from pipeline.nlp.review import render_review
        row = archive().db.execute("SELECT text FROM contents WHERE document_id = ?", (doc,)).fetchone()
        if row is None or row[0] is None:
            abort(404)
        return render_review(row[0], cx.record(archive(), doc))

    @app.get("/letters/<int:doc>/page/<int:n>.png")
    def page_image(doc, n):
        info = archive().document(doc) or abort(404)
        pdf = next((s for s in info["sources"] if (s["format"] or "") == "pdf"), None) or abort(404)
        png = _render_page(archive().originals / pdf["stored"], n)
        if png is None:
            abort(404)
        return Response(png, mimetype="image/png", headers={"Cache-Control": "private, max-age=3600"})

    @app.get("/letters/<path:ref>/graph")
    def graph_page(ref):
        from pipeline.graph.export import label
        from pipeline.graph.page import render_page
        doc = document_id(ref)
        depth = min(max(request.args.get("depth", 1, type=int), 1), 3)
        html = render_page(graph_of(doc, depth), label, link=lambda n: url_for("review", ref=n))
        nav = (f'<nav style="font-family:sans-serif;margin-bottom:1em"><a href="{url_for("review", ref=doc)}">'
               f'back to the letter</a> · depth: ' + " ".join(
                   f'<a href="?depth={d}">{d}</a>' for d in (1, 2, 3)) + "</nav>")
        return html.replace("<body>", "<body>" + nav, 1)

    @app.get("/files/<sha>")
    def original(sha):
        if not re.fullmatch(r"[0-9a-f]{64}", sha):
            abort(404)
        row = archive().db.execute("SELECT stored, path FROM sources WHERE sha256 = ?", (sha,)).fetchone()
        if row is None:
            abort(404)
        file = archive().originals / row["stored"]
        name = os.path.basename(row["path"]) or f"{sha}{file.suffix}"
        response = send_file(file, mimetype="application/octet-stream", as_attachment=True, download_name=name)
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response

    @app.get("/letters/<int:doc>/searchable.pdf")
    def searchable_copy(doc):
        copy = archive().searchable(doc) or abort(404)
        stem = os.path.splitext(os.path.basename(copy["path"] or ""))[0] or copy["source_sha256"][:12]
        response = send_file(archive().originals / copy["stored"], mimetype="application/pdf", as_attachment=True,
                             download_name=f"{stem}-tim-kiem.pdf")
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response

    @app.get("/register")
    def register_page():
        f = _register_filters()
        rows = cx.register(archive(), **f)
        years = [r[0] for r in archive().db.execute("SELECT DISTINCT year FROM register ORDER BY year DESC")]
        return page("Register", pages.REGISTER, rows=rows, f=f, years=years, columns=cx.REGISTER_COLUMNS)

    @app.get("/register.csv")
    def register_csv():
        from pipeline.desk.register import to_csv
        rows = cx.register(archive(), **_register_filters())
        return Response(to_csv(rows), mimetype="text/csv",
                        headers={"Content-Disposition": 'attachment; filename="so-den.csv"'})

    @app.post("/letters/<int:doc>/register")
    def register_form(doc):
        cx.set_register(archive(), doc, unit=request.form.get("unit"), note=request.form.get("note"))
        return redirect(url_for("review", ref=doc), code=303)

    @app.get("/register.xlsx")
    def register_xlsx():
        from pipeline.desk.register import to_xlsx
        rows = cx.register(archive(), **_register_filters())
        return send_file(io.BytesIO(to_xlsx(rows)), as_attachment=True, download_name="so-den.xlsx",
                         mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")

    @app.get("/static/desk.js")
    def desk_js():
        return Response(pages.JS, mimetype="text/javascript")

    @app.get("/api")
    def api_page():
        return page("API", pages.API, spec=OPENAPI)

    # -- the JSON API --------------------------------------------------------------------------------------------
    @app.get("/api/openapi.json")
    def openapi():
        return jsonify(OPENAPI)

    @app.get("/api/letters")
    def api_letters():
        f = _filters()
        limit = min(max(request.args.get("limit", 50, type=int), 1), 500)
        response = jsonify(find(archive(), **f, limit=limit, offset=max(request.args.get("offset", 0, type=int), 0)))
        response.headers["X-Total-Count"] = str(count(archive(), **f))  # matches over all pages
        return response

    @app.post("/api/letters")
    def api_upload():
        return jsonify(upload(request.files.getlist("files"))), 201

    @app.get("/api/letters/<path:ref>")
    def api_letter(ref):
        return jsonify(cx.record(archive(), document_id(ref)))

    @app.patch("/api/letters/<path:ref>")
    def api_correct(ref):
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            raise UsageError('a JSON object of corrections, e.g. {"issuer": "SỞ NỘI VỤ"}')
        clerk = who()  # reads `by` from the body, which is then not a field
        body = {k: v for k, v in body.items() if k != "by"}
        return jsonify(cx.correct(archive(), document_id(ref), body, clerk))

    @app.post("/api/letters/<path:ref>/reextract")
    def api_reextract(ref):
        doc = document_id(ref)
        _reextract(doc)
        return jsonify(cx.record(archive(), doc))

    @app.get("/api/graph/<path:ref>")
    def api_graph(ref):
        from pipeline.graph.export import node_link
        doc = document_id(ref)
        depth = min(max(request.args.get("depth", 1, type=int), 1), 5)
        return jsonify(node_link(graph_of(doc, depth)))

    @app.get("/api/register")
    def api_register():
        return jsonify(cx.register(archive(), **_register_filters()))


def _filters() -> dict:
    a = request.args
    year = a.get("year", type=int)
    return {"q": a.get("q") or None, "issuer": a.get("issuer") or None, "doc_type": a.get("type") or None,
            "year": year, "relation": a.get("relation") or None, "stubs": a.get("stubs") == "1"}


def _register_filters() -> dict:
    a = request.args
    return {"year": a.get("year", type=int), "issuer": a.get("issuer") or None, "doc_type": a.get("type") or None,
            "q": a.get("q") or None}


def _field_view(rec: dict, name: str) -> dict:
    value = rec.get(name)
    confidence = (rec.get("confidence") or {}).get(name)
    warned = any(name.replace("_", " ") in w for w in rec.get("warnings") or [])
    return {"name": name, "value": "\n".join(value) if isinstance(value, list) else ("" if value is None else value),
            "multiline": name in cx.LIST_FIELDS or name == "subject", "confidence": confidence,
            "doubtful": (confidence is not None and confidence < 0.85) or warned,
            "correction": rec["corrections"].get(name)}


MAX_SHOWN_PAGES = 20


def _pdf_pages(source: dict) -> int:
    from pipeline.ingest.pdf import page_count
    return min(page_count(str(archive().originals / source["stored"])), MAX_SHOWN_PAGES)


def _render_page(path: Path, n: int) -> bytes | None:
    """Page `n` (from 1) of a stored PDF as PNG at 110 dpi (with the e-office stamps drawn): enough to read
    beside the record."""
    from pipeline.errors import ReadError
    from pipeline.ingest.pdf import render_page
    if not 1 <= n <= MAX_SHOWN_PAGES:
        return None
    try:  # one open of the PDF: a page past its end is a ReadError too
        image = render_page(str(path), n, dpi=110)
    except ReadError:
        return None
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def _reextract(doc: int) -> None:
    """Read the document's first stored original again and replace its extraction (corrections stay). The
    parse runs in a watched worker with the batch's limits (reliability.md rule 1), never in the web process:
    past the time limit 504, any other failure (memory cap, unreadable) 422, and the record is left as it was."""
    from flask import current_app

    from pipeline.batch.workers import LocalPool
    info = archive().document(doc) or abort(404)
    if not info["sources"]:
        raise UsageError("this document has no stored original to read again")
    source = info["sources"][0]
    config = current_app.config
    options = {"name": os.path.basename(source["path"] or "")}  # as the batch names it (and VANBAN_FAULT)
    with LocalPool(1, timeout=config["VANBAN_TIMEOUT"], memory_mb=config["VANBAN_MEMORY_MB"],
                   start_method="forkserver") as pool:  # the desk is threaded: never fork the server itself
        pool.submit(doc, str(archive().originals / source["stored"]), options)
        results = []
        while not results:
            results = pool.results()
    _, status, *rest = results[0]
    if status != "ok":
        reason, message = rest
        abort(504 if reason == "timeout" else 422, f"the original cannot be read again: {message} [{reason}]")
    archive().reextract(doc, rest[0].read_from(source["path"]))


def serve(db=None, host: str = "127.0.0.1", port: int = 8765, max_upload_mb: int = DEFAULT_MAX_UPLOAD_MB,
          workers: int = 1, timeout: float = DEFAULT_TIMEOUT_S, memory_mb: int = DEFAULT_MEMORY_MB) -> None:
    token = os.environ.get("VANBAN_TOKEN") or None
    if security.needs_token(host) and not token:
        raise UsageError(f"serving on {host} (not only this machine) needs a token: set VANBAN_TOKEN")
    app = create_app(db, token=token, max_upload_mb=max_upload_mb, workers=workers, timeout=timeout,
                     memory_mb=memory_mb)
    security.redact_logs(token)
    from werkzeug.serving import run_simple
    run_simple(host, port, app, threaded=True, use_reloader=False, use_debugger=False)


__all__ = ["create_app", "serve"]
