"""Issue 17 item 1: an English translation of a document (vbpl.vn publishes them beside the originals) is a
source of its original, keyed by the number its title line prints, with its language recorded; one that
prints no number of its own stays unlinked, with a warning, and no number it cites is taken for its own."""
import pytest

from pipeline.archive import Archive
from pipeline.archive.db import completeness
from pipeline.ingest import read_document
from pipeline.nlp import extract_letter
from pipeline.nlp.lexicon import load_lexicon
from pipeline.nlp.translation import read_translation

from conftest import SHARED

VBPL = SHARED / "corpus" / "vbpl" / "docs"
BODY = "\nPursuant to the Law on Organization of the Government;\nThe Government shall decree as follows:\n" \
       "Article 1. Scope of regulation\nThis Decree provides for the matters of which it is the Decree.\n"


@pytest.mark.parametrize("head, number, doc_type, date, subject", [
    # the title line under the heading names the type it is (doc_000985, doc_000952 of the vbpl corpus)
    ("DECREE\nDecree No. 82/2011/ND-CP of September 16, 2011, on execution by lethal injection",
     "82/2011/ND-CP", "Nghị định", "2011-09-16", "on execution by lethal injection"),
    ("THE PRIME MINISTER\nDecision No. 2281/QD-TTg of December 10, 2010, approving the national program",
     "2281/QD-TTg", "Quyết định", "2010-12-10", "approving the national program"),
    ("JOINT CIRCULAR\nJoint Circular No. 43/2011/TTLT-BTC-BGTVT of March 28, 2011, amending Joint Circular",
     "43/2011/TTLT-BTC-BGTVT", "Thông tư liên tịch", "2011-03-28", "amending Joint Circular"),
    # the President's order under a RESOLUTION heading is another document: not the resolution's number
    ("RESOLUTION\nOrder No. 16/2011/L-CTN of December 1, 2011, on the promulgation of a resolution",
     None, "Nghị quyết", None, None),
    # a number in the title's wrapped lines is the decree it amends (doc_000872)
    ("DECREE\nAmending and supplementing a number of articles of the Government's Decree\n"
     "No. 07/2007/ND-CP of January 12, 2007, detailing and guiding",
     None, "Nghị định", None, "Amending and supplementing a number of articles of the Government's Decree"),
    # a number in the body is a citation
    ("CIRCULAR\nGuiding the obligations of organizations\nPursuant to the Government's Decree No. 155/2020/ND-CP "
     "of December 31, 2020;", None, "Thông tư", None, "Guiding the obligations of organizations"),
])
def test_a_translation_prints_its_own_number_only_in_its_title_line(head, number, doc_type, date, subject):
    tr = read_translation(head + BODY, load_lexicon())
    assert tr is not None
    assert (tr.number.full_number if tr.number else None, tr.doc_type, tr.date, tr.subject) == \
        (number, doc_type, date, subject)


def test_a_law_is_dated_by_the_day_it_was_passed_and_vietnamese_is_not_a_translation():
    law = "LAW\nOn Legal Aid\n____\nPursuant to the Constitution;\nArticle 1. Scope\nThis Law provides for the " \
          "legal aid of the State and the duties of those who give it.\n" \
          "This Law was passed on June 20, 2017, by the XIVth National Assembly at its 3rd session."
    tr = read_translation(law, load_lexicon())
    assert (tr.number, tr.doc_type, tr.date, tr.subject) == (None, "Luật", "2017-06-20", "On Legal Aid")
    assert read_translation((VBPL / "doc_000226.txt").read_text(encoding="utf-8"), load_lexicon()) is None


def test_real_translations_are_keyed_as_their_original_or_left_unlinked_with_a_warning():
    numbered = extract_letter(read_document(VBPL / "doc_000985.txt"))
    assert (numbered.key, numbered.language, numbered.doc_type, numbered.date) == \
        ("82/2011/ND-CP", "en", "Nghị định", "2011-09-16")  # the key of Nghị định 82/2011/NĐ-CP
    assert any("English translation of 82/2011/ND-CP" in w for w in numbered.warnings)
    unnumbered = extract_letter(read_document(VBPL / "doc_000803.txt"))  # Law 10/2017/QH14, printing no number
    assert (unnumbered.key, unnumbered.language, unnumbered.doc_type) == (None, "en", "Luật")
    assert any("cannot be linked" in w for w in unnumbered.warnings)
    assert extract_letter(read_document(VBPL / "doc_000226.txt")).to_json()["language"] == "vi"


def test_the_original_gives_the_record_and_the_translation_stays_one_of_its_sources(tmp_path):
    english = extract_letter(read_document(VBPL / "doc_000985.txt"))
    with Archive(tmp_path / "a.sqlite") as a:
        added = a.add(VBPL / "doc_000985.txt", english)
        doc = a.document(added.document_id)
    assert added.outcome == "new" and doc["key"] == "82/2011/ND-CP"
    assert [s["language"] for s in doc["sources"]] == ["en"]
    vietnamese = {"source": {"ocr": False}, "language": "vi", "references": [], "full_number": "82/2011/NĐ-CP"}
    assert completeness(vietnamese) > completeness(english.to_json())  # whatever the translation reads
    assert completeness({**vietnamese, "source": {"ocr": True}}) < completeness(english.to_json())
