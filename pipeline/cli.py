"""The `vanban` command: thin click commands over the library; errors become one line and an exit code."""
from __future__ import annotations

import json
import os
import sys

import click

from pipeline import __version__
from pipeline.batch.workers import DEFAULT_MEMORY_MB, DEFAULT_TIMEOUT_S
from pipeline.errors import VanbanError


def _wants_json(args: list) -> bool:
    """Whether the command line asked for --json (read from the raw words: a usage error may come before click
    has parsed the option)."""
    words = args[:args.index("--")] if "--" in args else args
    return "--json" in words


def _json_error(message: str, code: int, **extra) -> None:
    click.echo(json.dumps({"error": message, "code": code, **extra}, ensure_ascii=False))


class _Group(click.Group):
    """Every error leaves the same way (contract): one line on stderr and the exit code; with --json also
    {"error", "code"} on stdout. A command that already printed its JSON answer marks the error `reported`."""

    def parse_args(self, ctx, args):
        ctx.meta["vanban.args"] = list(args)  # the words after `vanban`, before click takes them apart
        return super().parse_args(ctx, args)

    def invoke(self, ctx):
        as_json = _wants_json(ctx.meta.get("vanban.args", []))
        try:
            return super().invoke(ctx)
        except VanbanError as exc:
            if as_json and not getattr(exc, "reported", False):
                candidates = getattr(exc, "candidates", None)
                _json_error(str(exc), exc.exit_code, **({"candidates": [{**dict(c), "stub": bool(c["stub"])} for c in candidates]}
                                                        if candidates else {}))
            click.echo(f"vanban: {exc}", err=True)
            ctx.exit(exc.exit_code)
        except click.ClickException as exc:  # usage errors: click prints them on stderr with the usage line
            if as_json:
                _json_error(exc.format_message(), exc.exit_code)
            raise


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="vanban")
def main():
    """vanban reads Vietnamese official documents (công văn, quyết định, thông tư …) and builds an archive
    and citation graph from them."""


@main.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=str))
@click.option("--json", "as_json", is_flag=True, help="Print the whole Source: pages, blocks, zones, stamps, warnings.")
@click.option("--pdf-engine", type=click.Choice(["pypdfium2", "pdfplumber"]), default="pypdfium2", show_default=True,
              help="Text-layer reader for PDFs (same result; pypdfium2 is ~69× faster).")
@click.option("--no-ocr", is_flag=True, help="Never run OCR (scans then fail with no_text).")
def text(file, as_json, pdf_engine, no_ocr):
    """Read FILE (PDF, DOCX, DOC, RTF, TXT in any Vietnamese encoding, HTML, PNG/JPEG/TIFF) and print its text.

    The header's two columns come out one after the other (left: issuer, number, subject; right: motto,
    place and date). Example:

        vanban text samples/seed-letter.pdf --json
    """
    from pipeline.ingest import read_document

    source = read_document(file, pdf_engine=pdf_engine, ocr=not no_ocr)
    if as_json:
        click.echo(json.dumps(source.to_json(), ensure_ascii=False, indent=1))
    else:
        click.echo(source.text)
        for warning in source.warnings:
            click.echo(f"vanban: warning: {warning}", err=True)


def _pdf_options(fn):
    fn = click.option("--no-ocr", is_flag=True, help="Never run OCR (scans then fail with no_text; stamps stay blank).")(fn)
    return click.option("--pdf-engine", type=click.Choice(["pypdfium2", "pdfplumber"]), default="pypdfium2",
                        show_default=True, help="Text-layer reader for PDFs.")(fn)


def _extract_one(path: str, pdf_engine: str, no_ocr: bool):
    from pipeline.ingest import read_document
    from pipeline.nlp import extract_letter

    return extract_letter(read_document(path, pdf_engine=pdf_engine, ocr=not no_ocr))


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=str))
@click.option("--jsonl", is_flag=True, help="One record per line (for many files); otherwise one object, or a list.")
@click.option("--html", "html_out", type=click.Path(path_type=str),
              help="Write a review page: a file for one input, a folder (one page per input) for several.")
@click.option("--as-one", is_flag=True, help="The FILES are page images of one letter, in order: one record.")
@_pdf_options
def extract(files, jsonl, html_out, as_one, pdf_engine, no_ocr):
    """Read each FILE and print its letter record (schema vanban.letter/1): number, issuer, date, subject,
    recipients, signer, every cited document and how it is cited, with the evidence offsets.

    A file that cannot be read prints a record with an "error" (its reason and message) and the others go
    on; the exit code is then 1. Examples:

        vanban extract samples/seed-letter.pdf --html outputs/seed-review.html
        vanban extract page1.jpg page2.jpg --as-one      # a letter photographed page by page
    """
    from pathlib import Path

    from pipeline.nlp.review import write_review
    from pipeline.paths import readable

    records, failed = [], False
    groups = [list(files)] if as_one else [[f] for f in files]
    for group in groups:
        path = group[0]
        absent = [p for p in group if not os.path.exists(p)]
        if absent:  # not a file that failed to read: nothing is there (a typo, a file moved away)
            failed = True
            click.echo(f"vanban: {absent[0]}: no such file", err=True)
            records.append({"schema": "vanban.letter/1", "source": {"path": readable(absent[0])},
                            "error": {"reason": "missing", "message": f"{readable(absent[0])}: no such file"}})
            continue
        try:
            if as_one:
                from pipeline.ingest import read_as_one
                from pipeline.nlp import extract_letter
                letter = extract_letter(read_as_one(group, ocr=not no_ocr))
            else:
                letter = _extract_one(path, pdf_engine, no_ocr)
        except VanbanError as exc:
            failed = True
            click.echo(f"vanban: {exc}", err=True)
            records.append({"schema": "vanban.letter/1", "source": {"path": readable(path)},
                            "error": {"reason": getattr(exc, "reason", None), "message": str(exc)}})
            continue
        record = letter.to_json()
        records.append(record)
        if html_out:
            out = Path(html_out) / (Path(path).name + ".html") if len(groups) > 1 else Path(html_out)
            out.parent.mkdir(parents=True, exist_ok=True)
            write_review(out, letter.source.text, record, title=Path(path).name)
        for warning in record["warnings"]:
            click.echo(f"vanban: {path}: warning: {warning}", err=True)
    if jsonl:
        for record in records:
            click.echo(json.dumps(record, ensure_ascii=False))
    else:
        click.echo(json.dumps(records[0] if len(records) == 1 else records, ensure_ascii=False, indent=1))
    sys.exit(1 if failed else 0)


@main.command("eval")
@click.argument("gold", required=False, type=click.Path(exists=True, dir_okay=False, path_type=str))
@click.argument("docs_dir", required=False, type=click.Path(exists=True, file_okay=False, path_type=str))
@click.option("--json", "as_json", is_flag=True, help="Print the figures and the misses as JSON (schema vanban.eval/1).")
@click.option("--corrections", is_flag=True, help="Score against the clerk's corrections in the archive (--db) "
              "instead of a gold file: every letter corrected or marked checked at the desk is a gold record.")
@click.option("--db", type=click.Path(dir_okay=False, path_type=str), default=None,
              help="The archive for --corrections (default outputs/archive.sqlite, or VANBAN_DB).")
@click.option("--scans", is_flag=True, help="Only the scanned originals: page images <id>_pN read as one letter, "
              "and PDFs read by OCR.")
@click.option("--corpus", "corpora", multiple=True, type=click.Path(exists=True, file_okay=False, path_type=str),
              help="A corpus folder (gold.jsonl, docs/, sources.tsv); repeat to score several as one.")
@click.option("--by-source", is_flag=True, help="Also the figures of each source, set (dev, heldout) and corpus, "
              "from the sources.tsv beside each gold file.")
@click.option("--set", "only_set", default=None, metavar="NAME",
              help="Only the letters of this set in sources.tsv (dev, heldout).")
@_pdf_options
def eval_(gold, docs_dir, as_json, corrections, db, scans, corpora, by_source, only_set, pdf_engine, no_ocr):
    """Score the extractor against a gold file (one JSON record per line, the contract's field names plus
    "id"; the originals are DOCS_DIR/<id>.<ext>): per-field accuracy, recipients and distribution precision and
    recall, reference precision/recall/F1, relation accuracy, and every miss per document. With --corrections,
    against what clerks corrected at the desk. Examples:

        vanban eval ../shared/corpus/dev/gold.jsonl ../shared/corpus/dev/docs
        vanban eval --corrections --db outputs/archive.sqlite
        vanban eval ../shared/corpus/dev/gold.jsonl ../shared/corpus/dev/docs --scans
        vanban eval --corpus ../shared/corpus/dev --corpus ../shared/corpus/dev2 --corpus tests/corpus --by-source
    """
    from pathlib import Path

    from pipeline.errors import UsageError
    from pipeline.evaluate import evaluate

    if corrections:
        from pipeline.archive import Archive
        from pipeline.archive.corrections import evaluate_corrections
        with Archive(db, create=False) as archive:
            report = evaluate_corrections(archive)
        click.echo(json.dumps(report.to_json(), ensure_ascii=False, indent=1) if as_json else report.format_table())
        return
    pairs = [(Path(gold), Path(docs_dir))] if gold and docs_dir else []
    pairs += [(Path(c) / "gold.jsonl", Path(c) / "docs") for c in corpora]
    if (gold is None) != (docs_dir is None) or not pairs:
        raise UsageError("give GOLD and DOCS_DIR, or --corpus DIR, or --corrections")
    for g, d in pairs:
        if not g.is_file() or not d.is_dir():
            raise UsageError(f"{g.parent}: a corpus folder holds gold.jsonl and docs/")

    def extract(path: Path) -> dict:
        return _extract_one(str(path), pdf_engine, no_ocr).to_json()

    bar = None
    if sys.stderr.isatty() and not as_json:
        bar = click.progressbar(length=sum(1 for g, _ in pairs for line in open(g, encoding="utf-8") if line.strip()),
                                label="reading letters", file=sys.stderr)
    from pipeline.evaluate import EvalReport, read_sources

    label = " + ".join(str(g) for g, _ in pairs)
    report = EvalReport(label, " + ".join(str(d) for _, d in pairs))
    runs = []
    for g, d in pairs:
        sources = read_sources(g) if (by_source or only_set) else {}
        if only_set and not sources:
            raise UsageError(f"--set needs a sources.tsv beside {g}")
        groups_of = (lambda i, s=sources, c=f"corpus: {d.parent}": [c, *s.get(i, [])]) if by_source else None
        only = (lambda i, s=sources: f"set: {only_set}" in s.get(i, [])) if only_set else None
        runs.append((g, d, {"report": report, "groups_of": groups_of, "only": only}))
    if scans:
        from pipeline.evaluate import evaluate_scans
        from pipeline.ingest import read_as_one
        from pipeline.nlp import extract_letter

        def extract_pages(pages: list) -> dict:
            if len(pages) == 1 and pages[0].suffix.lower() == ".pdf":
                return extract(pages[0])
            return extract_letter(read_as_one(pages)).to_json()

        for g, d, more in runs:
            evaluate_scans(g, d, extract_pages, progress=(lambda i, n, doc_id: bar.update(1)) if bar else None, **more)
    else:
        for g, d, more in runs:
            evaluate(g, d, extract, progress=(lambda i, n, doc_id: bar.update(1)) if bar else None, **more)
    if bar:
        bar.render_finish()
    if as_json:
        click.echo(json.dumps(report.to_json(), ensure_ascii=False, indent=1))
    else:
        click.echo(report.format_table() + (report.format_groups() if report.groups else ""))


@main.command()
@click.option("--db", type=click.Path(dir_okay=False, path_type=str), default=None,
              help="The archive (default outputs/archive.sqlite, or VANBAN_DB).")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to serve on; anything but this machine needs VANBAN_TOKEN.")
@click.option("--port", type=click.IntRange(1, 65535), default=8765, show_default=True)
@click.option("--max-upload-mb", type=click.IntRange(1), default=50, show_default=True, help="Larger uploads get 413.")
@click.option("--workers", type=click.IntRange(1), default=1, show_default=True, help="Worker processes for uploads.")
@click.option("--timeout", type=click.FloatRange(min=1), default=DEFAULT_TIMEOUT_S, show_default=True,
              help="Seconds one file may take (upload or re-reading) before its worker is killed, as in ingest.")
@click.option("--memory-mb", type=click.IntRange(0), default=DEFAULT_MEMORY_MB, show_default=True,
              help="Memory a worker may add while reading one file (0: no cap), as in ingest.")
def serve(db, host, port, max_upload_mb, workers, timeout, memory_mb):
    """The clerk's desk: a local web app to receive letters (upload), check and correct what was read, keep the
    incoming register (CSV, XLSX), search, and see a letter's citation graph; a JSON API under /api/. Example:

        vanban serve --db outputs/archive.sqlite      # then open http://127.0.0.1:8765/
    """
    from pipeline.desk.app import serve as run

    click.echo(f"vanban desk on http://{host}:{port}/  (Ctrl-C stops it)", err=True)
    run(db, host=host, port=port, max_upload_mb=max_upload_mb, workers=workers, timeout=timeout, memory_mb=memory_mb)


class _Key(click.ParamType):
    """A document as people name it: anything but blank (which would otherwise be 'not found', exit 1)."""

    name = "key"

    def convert(self, value, param, ctx):
        if not str(value).strip():
            self.fail('say which document: a key or a number such as 649/UBND-KSTTHC or "Nghị định 30/2020"', param, ctx)
        return value


KEY = _Key()
COUNT = click.IntRange(1, 10**9)  # how many rows: at least one, and within what SQLite's LIMIT takes


def _db_option(fn):
    return click.option("--db", type=click.Path(dir_okay=False, path_type=str), default=None,
                        help="The archive (default outputs/archive.sqlite, or VANBAN_DB).")(fn)


def _print_rows(rows, as_json: bool, table) -> None:
    """A list of graph records, or a closure's records made as they are read (graph.arrays.Records)."""
    click.echo(json.dumps(rows if isinstance(rows, list) else list(rows), ensure_ascii=False, indent=1)
               if as_json else table(rows))


@main.command()
@click.argument("key", type=KEY)
@_db_option
@click.option("--json", "as_json", is_flag=True, help="Print the record and its neighbours as JSON.")
@click.option("--searchable-pdf", "searchable_pdf", type=click.Path(dir_okay=False, writable=True),
              help="Also write the letter's searchable copy (a scan's PDF/A with its text layer) to this file; "
                   "exit 2 when the letter has none (not a scan, or the copy could not be made).")
def show(key, db, as_json, searchable_pdf):
    """Show one archived letter: its record, its sources, and its direct neighbours in the citation graph.
    KEY is a key or what people type: 649/UBND-KSTTHC, 30/2020/ND-CP, "Nghị định 30/2020". Several matches
    list the candidates and exit 2. Example:

        vanban show "Quyết định 1074/QĐ-BXD"
    """
    from pipeline.archive import Archive, resolve
    from pipeline.errors import Ambiguous
    from pipeline.graph import cited_by, cites, format_table

    with Archive(db, create=False) as archive:
        try:
            row = resolve(archive.db, key)
        except Ambiguous as exc:
            for c in exc.candidates:
                click.echo(f"  {c['key'] or '(no key) id ' + str(c['id'])}  {c['full_number'] or ''}  {c['doc_type'] or ''}  "
                           f"{c['issuer'] or ''}  {c['date'] or ''}{'  (stub)' if c['stub'] else ''}", err=True)
            raise
        doc = archive.document(row["id"])
        out, into = cites(archive.db, row["id"]), cited_by(archive.db, row["id"])
        if searchable_pdf:
            _write_searchable(archive, row["id"], searchable_pdf, doc)
    if as_json:
        record = doc["record"] or {k: doc[k] for k in ("key", "full_number", "number", "symbol", "year", "doc_type",
                                                         "issuer", "date", "subject")}
        click.echo(json.dumps({**record, "id": doc["id"], "stub": doc["stub"], "sources": doc["sources"],
                               "cites": out, "cited_by": into}, ensure_ascii=False, indent=1))
        return
    click.echo(f"{doc['full_number'] or '(number blank)'}  {doc['doc_type'] or ''}  {doc['date'] or ''}"
               f"{'  [stub: cited, not held]' if doc['stub'] else ''}")
    for label in ("key", "issuer", "subject", "signer"):
        if doc.get(label):
            click.echo(f"  {label:8} {doc[label]}")
    for s in doc["sources"]:
        click.echo(f"  source   {s['path']} ({s['format']}, sha256 {s['sha256'][:12]}…)")
        if s.get("searchable"):
            click.echo(f"           searchable PDF/A copy, sha256 {s['searchable'][:12]}… (--searchable-pdf OUT)")
    click.echo(f"cites ({len(out)}):\n{format_table(out)}" if out else "cites nothing")
    click.echo(f"cited by ({len(into)}):\n{format_table(into)}" if into else "cited by nothing held")


def _umask() -> int:
    import os
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _write_searchable(archive, doc_id: int, out: str, doc: dict) -> None:
    """Copy the letter's searchable PDF/A to `out` (a temporary name beside it, then a rename)."""
    import os
    import shutil
    import tempfile

    from pipeline.errors import UsageError

    copy = archive.searchable(doc_id)
    if copy is None:
        raise UsageError(f"{doc['full_number'] or doc['key'] or doc_id} has no searchable copy "
                         "(it is not a scan, or the copy could not be made: see the run's warnings)")
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(os.path.abspath(out)), prefix=".vanban-")
    try:
        with os.fdopen(fd, "wb") as dst, open(archive.originals / copy["stored"], "rb") as src:
            shutil.copyfileobj(src, dst)
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, out)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    click.echo(f"searchable copy written to {out} ({copy['size']} bytes, PDF/A-{copy['pdfa']}, "
               f"sha256 {copy['sha256'][:12]}…)", err=True)


@main.command()
@click.argument("text")
@_db_option
@click.option("--limit", type=click.IntRange(1, 1000), default=20, show_default=True, help="Matches per page.")
@click.option("--page", type=click.IntRange(1), default=None, help="Which page of --limit matches (1 = the best).")
@click.option("--offset", type=click.IntRange(0), default=None, help="Skip this many matches (instead of --page).")
@click.option("--json", "as_json", is_flag=True,
              help="Print the matches as a JSON list; each has `total` (matches in all) and `position` (1 = best).")
def search(text, db, limit, page, offset, as_json):
    """Full-text search over the archive, ignoring diacritics and đ ("dao tao", "ĐÀO TẠO" and "đào tạo" find
    "đào tạo"). Words typed together are a phrase; commas separate phrases that must all be there. Folding is
    lossy by design: "dau tu" finds "đầu tư" and also "dấu tư". Prints the total and the page. Example:

        vanban search "phong chay, chua chay" --limit 10 --page 2
    """
    from pipeline.archive import Archive
    from pipeline.archive.db import query_terms

    if page is not None and offset is not None:
        raise click.UsageError("give --page or --offset, not both")
    start = offset if offset is not None else ((page or 1) - 1) * limit
    with Archive(db, create=False) as archive:
        total = archive.search_total(text)
        rows = archive.search(text, limit, start)
    if as_json:
        click.echo(json.dumps([r | {"total": total, "position": start + k + 1} for k, r in enumerate(rows)],
                              ensure_ascii=False, indent=1))
        return
    for r in rows:
        click.echo(f"{r['key'] or '(no key) id ' + str(r['id'])}  {r['doc_type'] or ''}  {r['date'] or ''}  "
                   f"{(r['subject'] or '')[:70]}\n    {r['snippet']}")
    pages = -(-total // limit)
    if rows:
        click.echo(f"{total} match{'es' if total > 1 else ''}; {start + 1}-{start + len(rows)} shown"
                   + (f" (page {start // limit + 1} of {pages})" if start % limit == 0 and pages > 1 else ""))
    else:
        phrases = query_terms(text)
        hint = (" (words typed together are one phrase: separate with commas what may stand apart)"
                if len(phrases) == 1 and len(phrases[0]) > 1 else "")
        click.echo(f"no match{hint}" if not total else f"{total} match{'es' if total > 1 else ''}; none past {start}")


@main.group()
def graph():
    """Citation-graph questions over the archive (edges point from the citing letter to the cited one).
    Example:

        vanban graph cited-by 30/2020/ND-CP
    """


def _at_option(value):
    from pipeline.graph.status import check_date

    try:
        return check_date(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date YYYY-MM-DD") from None


def _with_status(command):
    """--at and --in-force (cited-by, impact): each document's status at the date (graph/status.py)."""
    command = click.option("--in-force", "in_force", is_flag=True,
                           help="Only documents in force at --at (in_force, amended, partly_repealed; default today).")(command)
    return click.option("--at", "at", default=None, callback=lambda ctx, p, v: _at_option(v), metavar="YYYY-MM-DD",
                        help="Give each document's status at this date (graph status).")(command)


def _filter_options(command):
    """--issuer, --type, --year, --relation (graph cites, cited-by, chain, impact, top: graph/filters.py)."""
    for option in reversed((
            click.option("--issuer", "issuers", multiple=True, metavar="NAME",
                         help='Only documents of this issuer, as people write it ("UBND tỉnh Lào Cai" = "ỦY BAN '
                              'NHÂN DÂN TỈNH LÀO CAI"; words of the name: "Lào Cai"). Repeat for any of several.'),
            click.option("--type", "types", multiple=True, metavar="TYPE",
                         help='Only this document type ("Kế hoạch", "ke hoach", "KH"). Repeat for any of several.'),
            click.option("--year", "years", default=None, metavar="YYYY[-YYYY]",
                         help="Only documents of these years (of the date, else of the number): 2020, 2020-2024, "
                              "2020- or -2024."),
            click.option("--relation", "relations", multiple=True, metavar="NAME",
                         help="Only edges of this relation (legal_basis or căn_cứ, implements or thực_hiện …; "
                              "commas or a repeated option for several): chain and impact walk only these."))):
        command = option(command)
    return command


def _filters(issuers=(), types=(), years=None, relations=()):
    from pipeline.archive.lookup import type_name
    from pipeline.graph.filters import make

    return make(issuers, [type_name(t) for t in types], years, relations)


def _graph_query(name: str, fn_name: str, doc: str, validity: bool = False):
    @click.argument("key", type=KEY)
    @_db_option
    @click.option("--depth", type=click.IntRange(1), default=None, help="Stop after this many hops (chain, impact).")
    @_filter_options
    @click.option("--json", "as_json", is_flag=True, help="Print the documents as JSON.")
    def command(key, db, depth, issuers, types, years, relations, as_json, at=None, in_force=False):
        import pipeline.graph as g
        from pipeline.archive import Archive, resolve

        filters = _filters(issuers, types, years, relations)
        with Archive(db, create=False) as archive:
            doc_id = resolve(archive.db, key)["id"]
            fn = getattr(g, fn_name)
            rows = (fn(archive.db, doc_id, max_depth=depth, filters=filters) if fn_name in ("chain", "impact")
                    else fn(archive.db, doc_id, filters=filters))
            if at or in_force:
                from pipeline.graph.status import IN_FORCE, statuses

                found = statuses(archive.db, [r["id"] for r in rows], at)
                rows = [dict(r, status=found[r["id"]]["status"]) for r in rows]
                rows = [r for r in rows if r["status"] in IN_FORCE] if in_force else rows
        _print_rows(rows, as_json, g.format_table)

    return graph.command(name, help=doc)(_with_status(command) if validity else command)


_graph_query("cites", "cites", "Documents KEY cites directly. Example:\n\n    vanban graph cites 7432/2026/UBND-XD@uy-ban-nhan-dan-tinh-lao-cai")
_graph_query("cited-by", "cited_by", "Documents that cite KEY directly; --in-force keeps those in force (at --at, "
             "default today). Example:\n\n    vanban graph cited-by 1074/QĐ-BXD --in-force", validity=True)
_graph_query("chain", "chain", "Everything KEY rests on, with depth. Example:\n\n    vanban graph chain 7432/UBND-XD")
_graph_query("impact", "impact", "Everything that rests on KEY, with depth; --in-force keeps what is in force (at "
             "--at, default today); --issuer, --type, --year keep documents, --relation the edges walked. Examples:"
             "\n\n\b\n    vanban graph impact 33/2025/ND-CP --in-force --at 2026-07-01"
             '\n    vanban graph impact 30/2020/NĐ-CP --type "Kế hoạch" --issuer "UBND tỉnh Lào Cai" --year 2020-2024',
             validity=True)


@graph.command("status")
@click.argument("key")
@_db_option
@click.option("--at", "at", default=None, callback=lambda ctx, p, v: _at_option(v), metavar="YYYY-MM-DD",
              help="The date (default today).")
@click.option("--json", "as_json", is_flag=True, help="Print the status and its evidence as JSON.")
def graph_status(key, db, at, as_json):
    """Is KEY in force at a date, and since when repealed, replaced or amended, by what: inferred from the
    effective dates the documents state and the repeal, replace and amend sentences that point at KEY
    (in_force, amended, partly_repealed, repealed, replaced, not_yet_in_force, unknown). Works for documents
    known only because something cites them. Example:

        vanban graph status 70/2010/ND-CP --at 2026-07-01
    """
    from pipeline.archive import Archive, resolve
    from pipeline.graph.status import format_status, status

    with Archive(db) as archive:
        record = status(archive.db, resolve(archive.db, key)["id"], at)
    click.echo(json.dumps(record, ensure_ascii=False, indent=1) if as_json else format_status(record))


@graph.command("path")
@click.argument("a", type=KEY)
@click.argument("b", type=KEY)
@_db_option
@click.option("--json", "as_json", is_flag=True, help="Print the documents along the path as JSON.")
def graph_path(a, b, db, as_json):
    """A shortest citation path from A to B (or B to A, or through either direction). Example:

        vanban graph path 2170/QĐ-UBND 96/2026/ND-CP
    """
    import pipeline.graph as g
    from pipeline.archive import Archive, resolve

    with Archive(db, create=False) as archive:
        rows = g.path(archive.db, resolve(archive.db, a)["id"], resolve(archive.db, b)["id"])
    _print_rows(rows, as_json, g.format_table)


@graph.command("top")
@_db_option
@click.option("-n", "count", type=COUNT, default=20, show_default=True)
@click.option("--by", type=click.Choice(["pagerank", "cited"]), default="pagerank", show_default=True)
@_filter_options
@click.option("--json", "as_json", is_flag=True, help="Print the documents as JSON.")
def graph_top(db, count, by, issuers, types, years, relations, as_json):
    """The most important documents of the archive: by PageRank over citations, or by how often cited; the
    filters keep the best COUNT of an issuer, type or years, and --relation counts only those citations.
    Example:

        vanban graph top -n 10 --by cited --type "Nghị định" --relation căn_cứ
    """
    import pipeline.graph as g
    from pipeline.archive import Archive

    filters = _filters(issuers, types, years, relations)
    with Archive(db, create=False) as archive:
        rows = g.top(archive.db, count, by=by, filters=filters)
    _print_rows(rows, as_json, g.format_table)


@graph.command("missing")
@_db_option
@click.option("-n", "count", type=COUNT, default=50, show_default=True)
@click.option("--type", "doc_type", default=None, help='Only this type, as people write it ("Nghị định", "nghi dinh", "NĐ").')
@click.option("--json", "as_json", is_flag=True, help="Print the documents as JSON.")
def graph_missing(db, count, doc_type, as_json):
    """Cited documents the archive does not hold, most cited first. Example:

        vanban graph missing -n 10 --type "Nghị định"
    """
    import pipeline.graph as g
    from pipeline.archive import Archive
    from pipeline.archive.lookup import type_name

    with Archive(db, create=False) as archive:
        rows = g.missing(archive.db, count, doc_type=type_name(doc_type) if doc_type else None)
    _print_rows(rows, as_json, g.format_table)


@graph.command("export")
@_db_option
@click.option("--format", "fmt", type=click.Choice(["graphml", "gexf", "json", "csv", "html"]), required=True)
@click.option("--output", type=click.Path(path_type=str), required=True, help="A file (csv: a folder).")
@click.option("--around", type=KEY, default=None, help="Only the neighbourhood of this document.")
@click.option("--depth", type=click.IntRange(1), default=1, show_default=True, help="Hops around --around.")
@click.option("--quiet", is_flag=True, help="Print nothing when it worked (errors still go to stderr).")
def graph_export(db, fmt, output, around, depth, quiet):
    """Write the graph (or a neighbourhood) for Gephi (GraphML, GEXF), scripts (node-link JSON), neo4j-admin
    import (CSV) or a browser (a self-contained HTML page that works offline). Example:

        vanban graph export --format html --around 1074/QĐ-BXD --depth 2 --output outputs/1074.html
    """
    import pipeline.graph as g
    from pipeline.archive import Archive, resolve

    with Archive(db, create=False) as archive:
        centre = resolve(archive.db, around)["id"] if around else None
        written = g.export(archive.db, fmt, output, around=centre, depth=depth)
    if not quiet:
        click.echo(f"wrote {written}")


from pipeline import cli_batch  # noqa: E402  (ingest, watch, quarantine, verify: registered on `main`)

cli_batch.register(main, _db_option, _pdf_options)

if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
