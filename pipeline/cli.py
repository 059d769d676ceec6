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


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
