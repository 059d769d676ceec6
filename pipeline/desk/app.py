"""`vanban serve`: the clerk's desk, a small Flask app over the archive (server-rendered pages, no CDN; the
little JavaScript it has is ours, served from the package). The HTML pages and the JSON API under /api/ call
the same functions (pipeline.archive.corrections, .listing, pipeline.batch, pipeline.graph).

Pages: / (inbox: upload with progress, the latest letters), /letters (search with filters), /letters/<id>
(review: the original's pages beside the record, doubtful fields marked, corrections in place),
/letters/<id>/searchable.pdf (a scan's searchable PDF/A copy, archive/searchable.py), /letters/<id>/graph (its
neighbourhood, each node linking to its page), /register (sổ đăng ký văn bản đến,
CSV and XLSX), /api (the API's description; /api/openapi.json).

The pages are Jinja templates (pipeline/desk/templates, all extending layout.html), in Vietnamese by default and
in English on request (pipeline/desk/i18n.py: Flask-Babel over the gettext catalogues in
pipeline/desk/translations). The JSON API keeps its keys; only its human text (`message`) is translated.
`serve` runs the app under waitress, a production WSGI server, with an access log of our own (token redacted).
"""
from __future__ import annotations

import getpass
import io
import json
import logging
import os
import re
import shutil
import sys
import threading
import time
import unicodedata
import uuid
from datetime import date
from pathlib import Path
from urllib.parse import urlencode

from flask import Flask, Response, abort, g, jsonify, redirect, render_template, request, send_file, url_for
from werkzeug.exceptions import HTTPException

from pipeline import __version__
from pipeline.archive import Archive, resolve
from pipeline.archive import corrections as cx
from pipeline.archive.db import SNIPPET_MARKS, snippet_parts
from pipeline.archive.listing import count, find
from pipeline.batch import pending
from pipeline.batch import quarantine as qr
from pipeline.batch.workers import DEFAULT_MEMORY_MB, DEFAULT_TIMEOUT_S
from pipeline.desk import i18n, security
from pipeline.desk.api_spec import OPENAPI
from pipeline.desk.i18n import gettext, lazy_gettext
from pipeline.errors import Ambiguous, NotFound, RunLocked, StorageError, UsageError, VanbanError

DEFAULT_MAX_UPLOAD_MB = 50
PAGE_SIZE = 25  # letters per page of /letters
UPLOAD_SUFFIXES = {".pdf", ".docx", ".doc", ".rtf", ".odt", ".txt", ".html", ".htm", ".png", ".jpg", ".jpeg",
                   ".tif", ".tiff"}
HERE = Path(__file__).parent
ACCESS_LOG = "vanban.desk.access"
# an error page's heading by HTTP status (werkzeug's names are English)
STATUS_NAMES = {400: lazy_gettext("Bad request"), 401: lazy_gettext("Not signed in"),
                403: lazy_gettext("Not allowed"), 404: lazy_gettext("Not found"),
                405: lazy_gettext("Method not allowed"), 409: lazy_gettext("The archive is busy"),
                413: lazy_gettext("Upload too large"), 415: lazy_gettext("Not a letter format"),
                422: lazy_gettext("Cannot be read"), 500: lazy_gettext("Internal error"),
                504: lazy_gettext("Took too long"), 507: lazy_gettext("The disk is full")}
# what werkzeug says when the desk gave no description of its own
STATUS_TEXTS = {401: lazy_gettext("Open the desk with its token once (/?token=…), or send Authorization: Bearer TOKEN."),
                403: lazy_gettext("This request is not allowed."),
                404: lazy_gettext("There is no such page or document."),
                405: lazy_gettext("This page does not take that kind of request."),
                413: lazy_gettext("The upload is larger than the desk accepts (serve --max-upload-mb)."),
                500: lazy_gettext("The desk met an error; the archive is unchanged. Try again, or tell the administrator.")}


def create_app(db: str | os.PathLike | None = None, token: str | None = None,
               max_upload_mb: int = DEFAULT_MAX_UPLOAD_MB, workers: int = 1, timeout: float = DEFAULT_TIMEOUT_S,
               memory_mb: int = DEFAULT_MEMORY_MB, filer: bool = True) -> Flask:
    app = Flask("vanban-desk", root_path=str(HERE))  # templates/, static/ and translations/ beside this file
    probe = Archive(db)  # creates / migrates the archive once, and fixes its path
    app.config.update(VANBAN_DB=str(probe.path), VANBAN_TOKEN=token, MAX_CONTENT_LENGTH=max_upload_mb << 20,
                      VANBAN_WORKERS=workers, VANBAN_MAX_UPLOAD_MB=max_upload_mb, VANBAN_TIMEOUT=timeout,
                      VANBAN_MEMORY_MB=memory_mb, VANBAN_PAGE_SIZE=PAGE_SIZE)
    probe.close()
    app.extensions["vanban_filer"] = Filer(app.config) if filer else None  # files the pending queue
    i18n.init(app)
    app.before_request(lambda: security.check(app))
    app.after_request(lambda response: security.after(app, response))

    @app.teardown_appcontext
    def _close(exc):
        archive = g.pop("archive", None)
        if archive is not None:
            archive.close()

    @app.errorhandler(HTTPException)
    def _http_error(exc):
        own = exc.description != type(exc).description  # the desk's own words (already translated), or werkzeug's
        message = exc.description if own or exc.code not in STATUS_TEXTS else str(STATUS_TEXTS[exc.code])
        if request.path.startswith("/api/"):
            return jsonify(error=exc.name, message=message), exc.code
        name = str(STATUS_NAMES.get(exc.code, exc.name))
        return page("error", name, code=exc.code, name=name, message=message), exc.code

    @app.errorhandler(VanbanError)
    def _vanban_error(exc):
        code = (404 if isinstance(exc, NotFound) else 409 if isinstance(exc, RunLocked) else
                507 if isinstance(exc, StorageError) else 400)
        message = i18n.error_message(exc)
        body = {"error": type(exc).__name__, "message": message}
        if isinstance(exc, Ambiguous):
            body["candidates"] = exc.candidates
        if request.path.startswith("/api/"):
            return jsonify(body), code
        name = str(STATUS_NAMES[code]) if not isinstance(exc, Ambiguous) else gettext("Several documents answer")
        return page("error", name, code=code, name=name, message=message,
                    candidates=getattr(exc, "candidates", None)), code

    _routes(app)
    return app


def archive() -> Archive:
    if "archive" not in g:
        from flask import current_app
        g.archive = Archive(current_app.config["VANBAN_DB"])
    return g.archive


def page(template: str, title: str, **context) -> str:
    """templates/<template>.html, inside the desk's layout."""
    return render_template(f"{template}.html", title=title, csrf=g.get("csrf", ""), version=__version__, **context)


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


def _options(config) -> "Options":
    from pipeline.batch import Options
    return Options(workers=config["VANBAN_WORKERS"], timeout=config["VANBAN_TIMEOUT"],
                   memory_mb=config["VANBAN_MEMORY_MB"], settle=0, start_method="forkserver")


def upload(files) -> tuple[dict, int]:
    """Files from a form or the API, filed by the same batch as `vanban ingest` (same quarantine, limits, lock).
    Each file is first accepted into the pending queue (pipeline/batch/pending.py: stored as the batch stores
    its copies, durably); then filed at once (201, the run report) when the archive is free, or left pending
    (202, outcome `pending`) while another run holds the lock: the running batch files it at its end, or the
    desk's filer right after (Filer). Nothing accepted is lost if the desk stops: the queue is on disk."""
    from flask import current_app

    from pipeline.archive.db import now
    from pipeline.batch import file_queue
    from pipeline.batch.run import OUTCOMES, _suffix

    files = [f for f in files if f and f.filename]
    if not files:
        raise UsageError("no file in the upload (form field `files`)")
    refused = [f.filename for f in files if os.path.splitext(f.filename)[1].lower() not in UPLOAD_SUFFIXES]
    if refused:  # an allow-list of extensions (OWASP); the bytes are still sniffed by the batch
        abort(415, gettext("not a letter format (%(formats)s): %(files)s", formats=", ".join(sorted(UPLOAD_SUFFIXES)),
                           files=", ".join(refused)))
    config = current_app.config
    root = Path(config["VANBAN_DB"]).parent
    upload_id = f"{date.today().isoformat()}-{uuid.uuid4().hex[:12]}"
    base = root / "uploads" / upload_id  # the path each file is filed under (the copy waits in queue/)
    accepted = []
    try:
        for i, f in enumerate(files):
            shown = str(base / safe_name(f.filename, i))
            accepted.append(pending.accept(root, f.stream, shown, _suffix(shown), upload=upload_id))
        manifest = [{"name": _shown_name(a["path"]), "path": a["path"], "sha256": a["sha256"]} for a in accepted]
        qr.write_json(_manifest(root, upload_id), {"upload": upload_id, "time": now(), "files": manifest})
    except OSError as exc:
        for info in accepted:  # not acknowledged: nothing of it stays queued
            pending.release(pending.folder(root) / f"{info['sha256']}.{info['id']}.json", info)
        raise StorageError(f"the upload cannot be stored ({exc.strerror or exc}); nothing was kept") from None
    try:
        report, code = file_queue(config["VANBAN_DB"], options=_options(config), upload=upload_id), 201
    except RunLocked:  # the nightly batch (or another upload) is filing: this one waits its turn
        counts = {k: 0 for k in OUTCOMES} | {"pending": len(accepted)}
        report = {"schema": "vanban.run/1", "run_id": None, "started": now(), "finished": None, "counts": counts,
                  "files": [{"path": a["path"], "sha256": a["sha256"], "outcome": "pending", "reason": None,
                             "key": None} for a in accepted], "new_documents": 0, "new_edges": 0, "stubs_resolved": 0}
        code = 202
    filer = current_app.extensions.get("vanban_filer")
    if filer is not None:
        filer.wake.set()
    for f in report["files"]:
        f["name"] = _shown_name(f["path"])
        held = archive().db.execute("SELECT document_id FROM sources WHERE sha256 = ?", (f["sha256"],)).fetchone()
        f["id"] = held[0] if held else None
        f["full_number"] = archive().document(held[0])["full_number"] if held else None
        f["state"] = i18n.outcome(f["outcome"])
    report["upload"] = upload_id
    report["status"] = url_for("api_upload_status", upload_id=upload_id)
    return report, code


def _shown_name(path: str) -> str:
    """The clerk's file name: the stored name without the upload folder and the place prefix."""
    return path.rsplit("/", 1)[-1].split("-", 1)[-1]


def _manifest(root: Path, upload_id: str) -> Path:
    folder = root / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{upload_id}.json"


def upload_status(upload_id: str) -> dict:
    """Where each file of an upload is now: `pending` (queued, waiting for the archive), `done` (filed under
    its own name), `duplicate` (the same bytes were already filed), `quarantined` (with reason and message)."""
    from flask import current_app

    if not re.fullmatch(r"\d{4}-\d\d-\d\d-[0-9a-f]{12}", upload_id):
        abort(404)
    root = Path(current_app.config["VANBAN_DB"]).parent
    try:
        manifest = json.loads(_manifest(root, upload_id).read_text(encoding="utf-8"))
    except FileNotFoundError:
        abort(404, f"no upload {upload_id}")
    queued = {info.get("path") for _, info in pending.notes(root, upload_id)}
    db = archive().db
    out = []
    for f in manifest["files"]:
        item = {"name": f["name"], "path": f["path"], "sha256": f["sha256"], "outcome": "pending", "reason": None,
                "message": None, "id": None, "key": None, "full_number": None}
        own = db.execute("SELECT document_id FROM sources WHERE path = ? AND sha256 = ?", (f["path"], f["sha256"])).fetchone()
        other = own or db.execute("SELECT document_id, path FROM sources WHERE sha256 = ? ORDER BY rowid",
                                  (f["sha256"],)).fetchone()
        q = qr.held(archive(), f["sha256"])
        if f["path"] in queued:
            pass
        elif other is not None:
            doc = archive().document(other[0])
            item.update(outcome="done" if own else "duplicate", id=other[0], key=doc["key"],
                        full_number=doc["full_number"])
            if not own:
                item["duplicate_of"] = other[1]
        elif q is not None:
            item.update(outcome="quarantined", reason=q["reason"].split(":")[0], message=q["message"])
        else:
            item["outcome"] = "unknown"
        item["state"] = i18n.outcome(item["outcome"])
        out.append(item)
    counts: dict[str, int] = {}
    for item in out:
        counts[item["outcome"]] = counts.get(item["outcome"], 0) + 1
    return {"upload": upload_id, "time": manifest.get("time"), "counts": counts, "files": out,
            "pending": counts.get("pending", 0)}


class Filer:
    """The desk's filer: a thread that files the pending queue as soon as the archive's lock is free (it
    polls the lock; a run in progress files the queue itself at its end). Woken by each upload; also looks
    every few seconds, so what an earlier desk (stopped meanwhile) accepted is filed at start."""

    POLL_S = 2.0       # a look at the queue this often when nothing woke it
    LOCKED_S = 0.5     # while a run holds the lock: tried again this often
    STUCK_S = 60.0     # a queue a run could not shorten (a copy that cannot be read): looked at again after this

    def __init__(self, config):
        self.db, self.options = config["VANBAN_DB"], _options(config)
        self.root = Path(self.db).parent
        self.wake = threading.Event()
        self.wake.set()  # at start: what is already queued
        self.thread = threading.Thread(target=self._loop, name="vanban-filer", daemon=True)
        self.thread.start()

    def _loop(self) -> None:
        from pipeline.batch import file_queue

        pause = self.POLL_S
        while True:
            self.wake.wait(pause)
            self.wake.clear()
            pause = self.POLL_S
            left = len(pending.notes(self.root))
            if not left:
                continue
            try:
                report = file_queue(self.db, options=self.options)
            except RunLocked:
                pause = self.LOCKED_S
                continue
            except Exception as exc:  # noqa: BLE001  the filer outlives one bad run; the queue stays on disk
                print(f"vanban: filing the pending uploads failed: {exc}", file=sys.stderr)
                pause = self.STUCK_S
                continue
            handled = [f for f in report["files"] if f["outcome"] is not None and
                       "the next run tries again" not in (f["reason"] or "")]
            pause = 0.0 if handled else self.STUCK_S  # at once: what came in meanwhile


def _validity(doc: int) -> dict:
    """The letter page's block: the status today, in Vietnamese, with its evidence (graph/status.py)."""
    from pipeline.graph import status as st

    record = st.status(archive().db, doc)
    return {"record": record, "summary": i18n.status_summary(record), "today": i18n.vi_date(record["at"])}


def graph_of(doc: int, depth: int):
    from pipeline.graph import build_graph
    return build_graph(archive().db, around=doc, depth=depth)


def _routes(app: Flask) -> None:  # noqa: C901  (one place lists every route)
    # -- pages -------------------------------------------------------------------------------------------------
    @app.get("/")
    def inbox():
        recent = cx.register(archive())[-20:][::-1]
        return page("inbox", gettext("Inbox"), recent=recent, limit=app.config["VANBAN_MAX_UPLOAD_MB"])

    @app.post("/upload")
    def upload_page():
        report, code = upload(request.files.getlist("files"))
        if request.headers.get("Accept", "").startswith("application/json"):
            return jsonify(report), code
        return page("uploaded", _upload_title(report), report=report, numbers=_numbers(report)), code

    @app.get("/uploads/<upload_id>")
    def upload_page_status(upload_id):
        report = upload_status(upload_id)
        return page("uploaded", _upload_title(report), report=report, numbers=_numbers(report))

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
        return page("letters", gettext("Letters"), items=items, f=f, total=total, at=at, pages_n=pages_n,
                    first=(at - 1) * size, link=lambda n: url_for("letters", **args, page=n))

    @app.get("/letters/<path:ref>")
    def review(ref):
        doc = document_id(ref)
        info = archive().document(doc)
        validity = _validity(doc)
        if info["record"] is None:
            return page("stub", info["full_number"] or info["key"] or gettext("Document"), doc=info, validity=validity)
        rec = cx.record(archive(), doc)
        pdf = next((s for s in info["sources"] if (s["format"] or "") == "pdf"), None)
        pages_n = _pdf_pages(pdf) if pdf else 0
        fields = [_field_view(rec, name) for name in cx.CORRECTABLE]
        return page("review", rec.get("full_number") or rec.get("key") or gettext("Letter"), rec=rec, doc=info,
                    fields=fields, pdf=pdf, pages_n=pages_n, validity=validity)

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
                    shown = _shown(name, current.get(name))
                    if name == "date":  # shown and typed as dd/mm/yyyy, stored as ISO
                        value = i18n.from_vi_date(value) if value.strip() != shown.strip() else value
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
        from pipeline.nlp.review import Words, render_review
        row = archive().db.execute("SELECT text FROM contents WHERE document_id = ?", (doc,)).fetchone()
        if row is None or row[0] is None:
            abort(404)
        words = Words(_=gettext, field=i18n.field, relation=i18n.relation, lang=i18n.language())
        rec = cx.record(archive(), doc)
        shown = rec | {"date": i18n.vi_date(rec.get("date")),
                       "references": [r | {"date": i18n.vi_date(r.get("date"))} for r in rec.get("references") or []]}
        return render_review(row[0], shown, words=words)

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
        from pipeline.graph.page import GRAPH_CSS, Wording, render_parts
        doc = document_id(ref)
        depth = min(max(request.args.get("depth", 1, type=int), 1), 3)
        words = Wording(_=gettext, relation=i18n.relation, date=i18n.vi_date, keys=False)
        parts = render_parts(graph_of(doc, depth), label, link=lambda n: url_for("review", ref=n), w=words)
        return page("graph", parts["title"], parts=parts, graph_css=GRAPH_CSS, doc=doc, depth=depth)

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
        query = urlencode([(k, v) for k, v in request.args.items(multi=True) if k != "lang"])  # the exports' filters
        return page("register", gettext("Register of incoming documents"), rows=rows, f=f, years=years,
                    columns=[key for key, _ in cx.REGISTER_COLUMNS], query=query)

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

    @app.get("/api")
    def api_page():
        return page("api", gettext("JSON API"), spec=OPENAPI)

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
        report, code = upload(request.files.getlist("files"))
        response = jsonify(report)
        response.status_code = code
        if code == 202:
            response.headers["Location"] = report["status"]
        return response

    @app.get("/api/uploads/<upload_id>")
    def api_upload_status(upload_id):
        return jsonify(upload_status(upload_id))

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


def _shown(name: str, value) -> str:
    """A field's value as the review form shows it: lists one item a line, the date dd/mm/yyyy."""
    if isinstance(value, list):
        return "\n".join(value)
    if name == "date":
        return i18n.vi_date(value)
    return "" if value is None else str(value)


def _upload_title(report: dict) -> str:
    return gettext("Received, waiting to be filed") if report["counts"].get("pending") else gettext("Upload filed")


def _numbers(report: dict) -> dict[int, str]:
    """id → the letter's number (else its key) for each file of a run report: what the clerk reads."""
    ids = sorted({f["id"] for f in report["files"] if f.get("id")})
    rows = archive().db.execute("SELECT id, full_number, key FROM documents WHERE id IN (SELECT value FROM "
                                "json_each(?))", (json.dumps(ids),)).fetchall()
    fixed = cx.latest(archive(), ids)  # a letter already held may have had its number corrected
    return {r["id"]: (fixed.get(r["id"], {}).get("full_number") or {}).get("value") or r["full_number"] or r["key"]
            for r in rows}


def _field_view(rec: dict, name: str) -> dict:
    value = rec.get(name)
    confidence = (rec.get("confidence") or {}).get(name)
    warned = any(name.replace("_", " ") in w for w in rec.get("warnings") or [])
    return {"name": name, "value": _shown(name, value),
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
        raise UsageError(gettext("this document has no stored original to read again"))
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
        abort(504 if reason == "timeout" else 422, gettext("the original cannot be read again: %(why)s (%(message)s) "
                                                           "[%(reason)s]", why=i18n.reason(reason), message=message,
                                                           reason=reason))
    archive().reextract(doc, rest[0].read_from(source["path"]))


def serve(db=None, host: str = "127.0.0.1", port: int = 8765, max_upload_mb: int = DEFAULT_MAX_UPLOAD_MB,
          workers: int = 1, timeout: float = DEFAULT_TIMEOUT_S, memory_mb: int = DEFAULT_MEMORY_MB) -> None:
    token = os.environ.get("VANBAN_TOKEN") or None
    if security.needs_token(host) and not token:
        raise UsageError("serving on %(host)s (not only this machine) needs a token: set VANBAN_TOKEN", host=host)
    app = create_app(db, token=token, max_upload_mb=max_upload_mb, workers=workers, timeout=timeout,
                     memory_mb=memory_mb)
    log = logging.getLogger(ACCESS_LOG)
    if not log.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(message)s"))
        log.addHandler(handler)
        log.setLevel(logging.INFO)
        log.propagate = False
    security.redact_logs(token, ACCESS_LOG)
    import waitress
    # a production WSGI server (no development-server warning); its own cap on a request body stops a huge
    # upload before it is read, well above the desk's limit, which answers a merely large one with its 413 page
    waitress.serve(AccessLog(app, log), host=host, port=port, threads=THREADS,
                   max_request_body_size=(2 * max_upload_mb + 16) << 20, clear_untrusted_proxy_headers=True)


THREADS = 8  # requests served at once (an upload holds one while its letters are read)


class AccessLog:
    """WSGI middleware: one line per request, as werkzeug's server printed it (waitress writes none):
    `127.0.0.1 - - [03/Dec/2026 16:40:00] "GET /letters?q=x HTTP/1.1" 200`. The logger has the token redacted."""

    def __init__(self, app, log: logging.Logger):
        self.app, self.log = app, log

    def __call__(self, environ, start_response):
        status = []

        def start(line, headers, exc_info=None):
            status.append(line.split(" ", 1)[0])
            return start_response(line, headers, exc_info)

        try:
            return self.app(environ, start)
        finally:
            query = environ.get("QUERY_STRING")
            target = environ.get("PATH_INFO", "") + (f"?{query}" if query else "")
            self.log.info('%s - - [%s] "%s %s %s" %s', environ.get("REMOTE_ADDR", "-"),
                          time.strftime("%d/%b/%Y %H:%M:%S"), environ.get("REQUEST_METHOD"), target,
                          environ.get("SERVER_PROTOCOL"), status[0] if status else "-")


__all__ = ["create_app", "serve"]
