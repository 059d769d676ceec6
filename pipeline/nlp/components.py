"""spaCy components that wire the pure extractors into a pipeline (the scispacy pattern: the algorithm is
a plain function, the factory only connects it and writes the result onto the Doc). The pipeline itself is
data in models/vanban-vi (config.cfg lists the components and points at the lexicons), loaded by path.

The Doc carries the Source it was made from (`doc._.source`) because the extractors need the layout zones,
not just the text; each component adds its part (`doc._.zones`, `._.header`, `._.parties`, `._.signature`,
`._.references`) and the last one assembles `doc._.letter` and puts every field's evidence in
`doc.spans["vanban"]`, so spaCy tools (displaCy, span queries) see what the extractor saw.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc

from pipeline.nlp.header import read_header
from pipeline.nlp.letter import build_letter, read_parties, read_refs, read_signer
from pipeline.nlp.lexicon import MODELS, load_lexicon
from pipeline.nlp.segment import segment_letter
from pipeline.records import Letter, Source

PIPELINE_DIR = MODELS / "vanban-vi"


@spacy.registry.tokenizers("vanban.whitespace_tokenizer.v1")
def whitespace_tokenizer():
    """Tokens split on whitespace only, as `spacy.blank("vi")` with `use_pyvi = false` splits them (pyvi would cut
    '649/UBND-KSTTHC' into pieces), but through spaCy's compiled Tokenizer with no rules: the same tokens
    about four times faster than the Vietnamese tokenizer's Python loop."""
    def create(nlp: Language) -> Tokenizer:
        return Tokenizer(nlp.vocab)

    return create
for _name in ("source", "zones", "header", "parties", "signature", "references", "letter", "lexicon"):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=None)


def _lexicon_for(nlp: Language, lexicons: str):
    base = Path(nlp.path) if getattr(nlp, "path", None) else PIPELINE_DIR
    return load_lexicon(base / lexicons)


class _Step:
    """One extractor as a pipeline component: `fn(doc, lexicon)` sets its Doc extension."""

    def __init__(self, nlp: Language, lexicons: str, fn):
        self.lexicons, self.fn, self.nlp = lexicons, fn, nlp

    def __call__(self, doc: Doc) -> Doc:
        if doc._.source is None:  # a bare string was given: read it as a flat text letter
            doc._.source = Source(path="<text>", sha256="", format="txt", text=doc.text)
        if doc._.lexicon is None:
            doc._.lexicon = _lexicon_for(self.nlp, self.lexicons)
        self.fn(doc, doc._.lexicon)
        return doc


def _zones(doc, lex):
    doc._.zones = segment_letter(doc._.source)


def _header(doc, lex):
    doc._.header = read_header(doc._.zones, lex)


def _parties(doc, lex):
    doc._.parties = read_parties(doc._.zones)


def _signature(doc, lex):
    doc._.signature = read_signer(doc._.zones, doc._.parties[4], lex)


def _references(doc, lex):
    doc._.references = read_refs(doc._.source, doc._.zones, doc._.header, lex, recipients=doc._.parties[0])


def _letter(doc, lex):
    letter = build_letter(doc._.source, doc._.zones, doc._.header, doc._.parties, doc._.signature,
                          doc._.references, lex)
    doc._.letter = letter
    spans = []
    for name, value in letter.spans.items():
        for start, end in (value if value and isinstance(value[0], list) else [value]):
            span = doc.char_span(start, end, label=name.upper(), alignment_mode="expand")
            if span is not None:
                spans.append(span)
    for ref in letter.references:
        span = doc.char_span(ref.start, ref.end, label=f"REF:{ref.relation}", alignment_mode="expand")
        if span is not None:
            spans.append(span)
    doc.spans["vanban"] = spans


def _factory_of(fn):
    def factory(nlp: Language, name: str, lexicons: str) -> _Step:
        return _Step(nlp, lexicons, fn)

    return factory


for _factory, _fn in (("vanban_zones", _zones), ("vanban_header", _header), ("vanban_parties", _parties),
                      ("vanban_signature", _signature), ("vanban_references", _references),
                      ("vanban_letter", _letter)):
    if not Language.has_factory(_factory):
        Language.factory(_factory, default_config={"lexicons": "../lexicons"}, func=_factory_of(_fn))

COMPONENTS = ("vanban_zones", "vanban_header", "vanban_parties", "vanban_signature", "vanban_references",
              "vanban_letter")


def blank_pipeline() -> Language:
    """The pipeline built in code (what models/vanban-vi holds). pyvi is off: it splits '649/UBND-KSTTHC'."""
    nlp = spacy.blank("vi", config={"nlp": {"tokenizer": {"@tokenizers": "vanban.whitespace_tokenizer.v1"}}})
    for name in COMPONENTS:
        nlp.add_pipe(name)
    return nlp


@lru_cache(maxsize=2)
def load_pipeline(path: str | None = None) -> Language:
    """The pipeline in models/vanban-vi (or `path`), loaded once per process."""
    return spacy.load(path or PIPELINE_DIR)


def letter_doc(source: Source, nlp: Language | None = None) -> Doc:
    """Run the pipeline over a Source; the Letter is `doc._.letter`."""
    nlp = nlp or load_pipeline()
    doc = nlp.make_doc(source.text)
    doc._.source = source
    return nlp(doc)


def extract_letter(source: Source) -> Letter:
    """The nlp stage: Source → Letter through the spaCy pipeline in models/vanban-vi."""
    return letter_doc(source)._.letter
