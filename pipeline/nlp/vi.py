"""The one module that talks to underthesea (architecture rule: each library behind one module of ours).
underthesea's tagger tells proper nouns (Np) apart, which is what a signature line needs; its NER alone is
poor on this genre, so it is never asked for numbers or issuers. Imported lazily: the model loads once."""
from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=4096)
def proper_name_tail(text: str) -> str | None:
    """The trailing run of proper-noun tokens: 'Thượng tướng Lê Huy Vịnh' → 'Lê Huy Vịnh'."""
    from underthesea import pos_tag

    tags = pos_tag(text)
    tail: list[str] = []
    for token, tag in reversed(tags):
        if tag != "Np":
            break
        tail.insert(0, token)
    return " ".join(tail) or None
