"""The nlp stage: Source → Letter. Zones first, then small extractors per zone, wired as spaCy components
(models/vanban-vi). `extract_letter` is the one entry point; `read_letter` runs the same extractors without
spaCy."""
from __future__ import annotations


def extract_letter(source):
    """Read a Letter (the contract's record) from a Source through the spaCy pipeline in models/."""
    from pipeline.nlp.components import extract_letter as _extract

    return _extract(source)


def read_letter(source, lexicon=None):
    """The same Letter without spaCy: for tests and tools that want the bare algorithm."""
    from pipeline.nlp.letter import read_letter as _read
    from pipeline.nlp.lexicon import load_lexicon

    return _read(source, lexicon or load_lexicon())
