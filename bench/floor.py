"""The floor the speed targets are measured against: bare pypdfium2 text extraction (open, get_text_range of
every page, close), shared by bench/ingest.py and bench/extract.py so both measure the same thing."""
import pypdfium2 as pdfium


def bare_pdfium(paths) -> int:
    """Read the text layer of every page of every file; returns the number of pages."""
    pages = 0
    for p in paths:
        pdf = pdfium.PdfDocument(str(p))
        for i in range(len(pdf)):
            page = pdf[i]
            tp = page.get_textpage()
            tp.get_text_range()
            tp.close()
            page.close()
            pages += 1
        pdf.close()
    return pages
