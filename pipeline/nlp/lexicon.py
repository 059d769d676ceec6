"""The lexicons the nlp stage reads from models/ (data, never code): type names and codes, issuer words and
codes, ranks, relation triggers. Loaded once per process, by path (scispacy style: configs live outside the
package). `VANBAN_MODELS` points elsewhere."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

from pipeline.models import MODELS
from pipeline.text.normalize import fold


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: one per lexicon folder
class Lexicon:
    type_names: tuple[str, ...]  # ND30 spelling, longest first ("Thông tư liên tịch" before "Thông tư")
    type_by_code: dict  # folded code → type name ("QD" → "Quyết định", "QYD" → "Quy định")
    normative_types: frozenset  # type names whose numbers carry the year
    type_by_english: dict  # lower-case English name an English translation prints → type name ("decree" → "Nghị định")
    issuer_heads: tuple[str, ...]  # folded words that open an issuing body's name
    issuer_codes: frozenset  # folded issuer codes seen in symbols (CP, BXD, UBND …)
    issuer_unfinished: tuple[str, ...]  # folded last words of an issuer line that the next line completes
    issuer_not_heads: tuple[str, ...]  # folded words that look like a head but continue a name (KHOA HỌC)
    ranks: tuple[str, ...]  # words before a signer's name that are not the name
    noise: tuple[str, ...]  # "(Đã ký)" and the like
    surnames: frozenset  # common family names: a name line opening with one is a name as it stands
    other_surnames: frozenset  # less common ones (Lã, Chử, Hạ …): never "restored" to a common one
    triggers: dict  # relation → {position: phrases} ("opener", "before", "after", "not_before")
    strength: tuple[str, ...]  # relations, strongest first: one entry per cited document keeps the strongest
    passive: tuple[str, ...]  # "được", "bị": before a trigger they make it someone else's act

    @cached_property
    def type_name_pattern(self) -> str:
        """Alternation of every type name, longest first, for case-insensitive regexes."""
        return "|".join(re.escape(n) for n in self.type_names)

    @cached_property
    def folded_type_names(self) -> tuple[tuple[str, str], ...]:
        """(folded name, name), longest first."""
        return tuple((fold(n), n) for n in self.type_names)

    @cached_property
    def _type_by_folded(self) -> dict:
        return {fold(n): n for n in self.type_names}

    def type_for_name(self, text: str) -> str | None:
        """'QUYẾT ĐỊNH' / 'Quyết Định' → 'Quyết định' (ND30 spelling); None when not a type name."""
        return self._type_by_folded.get(fold(text))

    @cached_property
    def openers(self) -> tuple[re.Pattern, dict]:
        """One regex for every clause opener, longest first, and folded phrase → (relation, phrase)."""
        table = {fold(p): (rel, p) for rel, spec in self.triggers.items() for p in spec.get("opener", ())}
        phrases = sorted((p for spec in self.triggers.values() for p in spec.get("opener", ())), key=len, reverse=True)
        return re.compile("(?:" + "|".join(re.escape(p) for p in phrases) + r")(?!\w)", re.IGNORECASE), table


_DEFAULT_FOLDER = str(MODELS / "lexicons")


def load_lexicon(folder: str | Path | None = None) -> Lexicon:
    """The lexicons in `folder` (default models/lexicons), read once per folder."""
    return _load(str(Path(folder).resolve()) if folder else _DEFAULT_FOLDER)


@lru_cache(maxsize=4)
def _load(folder: str) -> Lexicon:
    def read(name: str) -> dict:
        return json.loads((Path(folder) / name).read_text(encoding="utf-8"))

    types = read("doc_types.json")["types"]
    issuers = read("issuers.json")
    people = read("people.json")
    trigger_file = read("triggers.json")
    triggers = trigger_file["relations"]
    names = sorted((t["name"] for t in types), key=len, reverse=True)
    by_code = {fold(c).replace(" ", ""): t["name"] for t in types for c in t["codes"]}
    return Lexicon(
        type_names=tuple(names),
        type_by_code=by_code,
        normative_types=frozenset(t["name"] for t in types if t.get("normative")),
        type_by_english={t["english"].lower(): t["name"] for t in types if t.get("english")},
        issuer_heads=tuple(sorted({fold(h) for h in issuers["heads"]}, key=len, reverse=True)),
        issuer_codes=frozenset(fold(c) for c in issuers["codes"]),
        issuer_unfinished=tuple(fold(w) for w in issuers.get("unfinished", ())),
        issuer_not_heads=tuple(fold(w) for w in issuers.get("not_heads", ())),
        ranks=tuple(sorted(people["ranks"], key=len, reverse=True)),
        noise=tuple(people["noise"]),
        surnames=frozenset(people.get("surnames", ())),
        other_surnames=frozenset(people.get("other_surnames", ())),
        triggers={rel: {pos: tuple(v) for pos, v in spec.items()} for rel, spec in triggers.items()},
        strength=tuple(trigger_file["strength"]),
        passive=tuple(trigger_file["passive"]),
    )
