"""The `vanban` command: thin click commands over the library; errors become one line and an exit code."""
from __future__ import annotations

import json
import sys

import click

from pipeline import __version__
from pipeline.errors import VanbanError


class _Group(click.Group):
    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except VanbanError as exc:
            click.echo(f"vanban: {exc}", err=True)
            ctx.exit(exc.exit_code)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="vanban")
def main():
    """vanban reads Vietnamese official documents (công văn, quyết định, thông tư …) and builds an archive
    and citation graph from them."""


@main.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=str))
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
@_pdf_options
def extract(files, jsonl, html_out, pdf_engine, no_ocr):
    """Read each FILE and print its letter record (schema vanban.letter/1): number, issuer, date, subject,
    recipients, signer, every cited document and how it is cited, with the evidence offsets.

    A file that cannot be read prints a record with an "error" (its reason and message) and the others go
    on; the exit code is then 1. Example:

        vanban extract samples/seed-letter.pdf --html outputs/seed-review.html
    """
    from pathlib import Path

    from pipeline.nlp.review import write_review

    records, failed = [], False
    for path in files:
        try:
            letter = _extract_one(path, pdf_engine, no_ocr)
        except VanbanError as exc:
            failed = True
            click.echo(f"vanban: {exc}", err=True)
            records.append({"schema": "vanban.letter/1", "source": {"path": path},
                            "error": {"reason": getattr(exc, "reason", None), "message": str(exc)}})
            continue
        record = letter.to_json()
        records.append(record)
        if html_out:
            out = Path(html_out) / (Path(path).name + ".html") if len(files) > 1 else Path(html_out)
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
@click.argument("gold", type=click.Path(exists=True, dir_okay=False, path_type=str))
@click.argument("docs_dir", type=click.Path(exists=True, file_okay=False, path_type=str))
@click.option("--json", "as_json", is_flag=True, help="Print the figures and the misses as JSON (schema vanban.eval/1).")
@_pdf_options
def eval_(gold, docs_dir, as_json, pdf_engine, no_ocr):
    """Score the extractor against a gold file (one JSON record per line, the contract's field names plus
    "id"; the originals are DOCS_DIR/<id>.<ext>): per-field accuracy, recipients and distribution precision and
    recall, reference precision/recall/F1, relation accuracy, and every miss per document. Example:

        vanban eval ../shared/corpus/dev/gold.jsonl ../shared/corpus/dev/docs
    """
    from pathlib import Path

    from pipeline.evaluate import evaluate

    def extract(path: Path) -> dict:
        return _extract_one(str(path), pdf_engine, no_ocr).to_json()

    bar = None
    if sys.stderr.isatty() and not as_json:
        bar = click.progressbar(length=sum(1 for line in open(gold, encoding="utf-8") if line.strip()),
                                label="reading letters", file=sys.stderr)
    report = evaluate(Path(gold), Path(docs_dir), extract,
                      progress=(lambda i, n, doc_id: bar.update(1)) if bar else None)
    if bar:
        bar.render_finish()
    click.echo(json.dumps(report.to_json(), ensure_ascii=False, indent=1) if as_json else report.format_table())


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
