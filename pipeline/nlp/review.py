"""A review page for one letter: what the extractor read, shown on the letter's own text.

An archive clerk opens one self-contained HTML file (no network, UTF-8, lang="vi") and sees the extracted text
with every field span and every reference span highlighted by spaCy's displaCy (manual "ent" mode), beside tables
of the record's fields (doubtful OCR/guessed values marked), its references and its warnings. Each table row
links to its highlight. The page is evidence for a human, so bad spans are skipped and listed, never fatal.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Callable

from spacy import displacy

# Record fields in reading order (contract.md, "The letter record"); the rest are shown elsewhere or not at all.
FIELDS = ("full_number", "number", "symbol", "year", "doc_type", "issuer", "parent_issuer", "place", "date",
          "subject", "recipients", "distribution", "signer", "signing_authority", "signer_title", "key")
LABELS = {"recipients": "RECIPIENT"}  # one highlight per item, so the singular reads better
COLOURS = {"FULL_NUMBER": "#ffb4a2", "NUMBER": "#ffb4a2", "SYMBOL": "#ffd6a5", "YEAR": "#e9c46a",
           "DOC_TYPE": "#caffbf", "ISSUER": "#9bf6ff", "PARENT_ISSUER": "#a0c4ff", "PLACE": "#bdb2ff",
           "DATE": "#ffc6ff", "SUBJECT": "#fdffb6", "RECIPIENT": "#b9fbc0", "DISTRIBUTION": "#d8e2dc",
           "SIGNER": "#f1c0e8", "SIGNING_AUTHORITY": "#cfbaf0", "SIGNER_TITLE": "#a3c4f3"}
DOUBTFUL = 0.8
# displaCy's TPL_ENT on one line (its indentation would show under white-space: pre-wrap), plus id and class hooks.
TPL_MARK = ('<mark class="entity {cls}"{id_attr} style="background: {bg}; padding: 0.2em 0.4em; margin: 0 0.15em;'
            ' line-height: 1; border-radius: 0.35em;">{text}<span style="font-size: 0.7em; font-weight: bold;'
            ' vertical-align: middle; margin-left: 0.4rem">{label}</span>{kb_link}</mark>')
CSS = """
body{font:15px/1.5 system-ui,'Segoe UI',Arial,sans-serif;margin:0;padding:1rem 1.5rem;color:#222}
h1{font-size:1.25rem;margin:.2rem 0 1rem}h2{font-size:1.05rem;margin:1.2rem 0 .4rem}
.review{display:grid;grid-template-columns:minmax(0,3fr) minmax(0,2fr);gap:1.5rem;align-items:start}
@media (max-width:900px){.review{grid-template-columns:1fr}}
.letter .entities{white-space:pre-wrap;font-family:'Times New Roman',serif;font-size:16px;line-height:2.2!important;
 border:1px solid #ddd;border-radius:6px;padding:.8rem}
mark.ref{outline:2px dashed #555}mark.doubtful{outline:2px solid #c0392b}mark:target{box-shadow:0 0 0 3px #e63946}
table{border-collapse:collapse;width:100%;font-size:14px}td,th{border-bottom:1px solid #e4e4e4;padding:.25rem .4rem;
 text-align:left;vertical-align:top}th{background:#f5f5f5}tr.doubtful{background:#fff3cd}
.flag{color:#b35900;font-weight:bold;white-space:nowrap}.none{color:#999}.note{font-size:13px;color:#8a4b00}
ul,ol{margin:0;padding-left:1.2rem}.meta{color:#666;font-size:13px}
"""


@dataclass(frozen=True)
class _Span:
    """A highlight to place: where, under which label, its anchor id and a name for notes."""

    start: int
    end: int
    label: str
    anchor: str
    name: str
    ref: bool = False


def _same(text: str) -> str:
    return text


@dataclass(frozen=True)
class Words:
    """The page's words. The defaults are the file `vanban text --review` writes (English, record field names,
    relation keys); the desk passes its gettext (`_`, called on every sentence: its msgids are extracted from
    this file into the desk's catalogue), the fields' names (`field`) and the relations' (`relation`)."""

    _: Callable[[str], str] = _same
    field: Callable[[str], str] = _same
    relation: Callable[[str], str] = _same
    lang: str = "vi"

    def label(self, label: str) -> str:
        """A highlight's tag: FULL_NUMBER, REF:legal_basis (the default) or their names in the reader's words."""
        if self.field is _same and self.relation is _same:
            return label
        if label.startswith("REF:"):
            return self.relation(label[4:]).upper()
        field = {"RECIPIENT": "recipients"}.get(label, label.lower())
        return self.field(field).upper()


PLAIN = Words()


def render_review(text: str, record: dict, *, title: str | None = None, words: Words = PLAIN) -> str:
    """The review page for `record`, whose spans are offsets into `text`, as one HTML string."""
    _ = words._
    spans, notes = _collect_spans(text, record)
    ents, placed, hidden = _resolve_overlaps(text, spans, _doubtful(record))
    notes += hidden
    title = title or record.get("full_number") or (record.get("source") or {}).get("path") or _("Letter review")
    colours = {words.label(k): v for k, v in _colours({e["label"] for e in ents}).items()}
    ents = [e | {"label": words.label(e["label"])} for e in ents]
    marked = displacy.render([{"text": text, "ents": ents, "title": None}], style="ent", manual=True,
                             page=False, options={"colors": colours, "template": TPL_MARK})
    unmarked, heading = _("Not highlighted: %(note)s"), escape(_("Text"))  # (not in f-strings: extracted)
    note_html = "".join(f'<p class="note">{escape(unmarked % {"note": n})}</p>' for n in notes)
    side = _fields_table(record, placed, words) + _references_table(record, placed, words) + _warnings(record, words)
    return (f'<!DOCTYPE html>\n<html lang="{words.lang}"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{escape(str(title))}</title><style>{CSS}</style></head><body>"
            f"<h1>{escape(str(title))}</h1>{_meta(record, words)}<main class=\"review\">"
            f'<section class="letter"><h2>{heading}</h2>{note_html}{marked}</section>'
            f'<section class="record">{side}</section></main></body></html>\n')


def write_review(path, text: str, record: dict, title: str | None = None) -> Path:
    """Write the review page to `path` as UTF-8 and return the path."""
    path = Path(path)
    path.write_text(render_review(text, record, title=title), encoding="utf-8")
    return path


def _collect_spans(text: str, record: dict) -> tuple[list[_Span], list[str]]:
    """Every valid field and reference span, and a note for each invalid one."""
    found, notes = [], []

    def add(pair, label, anchor, name, ref=False):
        bad = _invalid(pair, len(text))
        if bad:
            notes.append(f"{name} {pair!r}: {bad}")
        else:
            found.append(_Span(int(pair[0]), int(pair[1]), label, anchor, name, ref))

    for field, value in (record.get("spans") or {}).items():
        label = LABELS.get(field, field.upper())
        if _is_pair(value) or not isinstance(value, (list, tuple)):
            add(value, label, f"hl-{field}", field)
        else:
            for i, pair in enumerate(value):
                add(pair, label, f"hl-{field}-{i}", f"{field}[{i}]")
    for i, ref in enumerate(record.get("references") or []):
        relation = re.sub(r"[^\w-]", "_", str(ref.get("relation") or "unknown"))
        add([ref.get("start"), ref.get("end")], f"REF:{relation}", f"hl-ref-{i}", f"reference {i + 1}", True)
    return found, notes


def _is_pair(value) -> bool:
    return (isinstance(value, (list, tuple)) and len(value) == 2
            and all(isinstance(v, int) and not isinstance(v, bool) for v in value))


def _invalid(pair, size: int) -> str | None:
    """Why `pair` cannot be highlighted in a text of `size` characters, or None if it can."""
    if not _is_pair(pair):
        return "not a [start, end] pair"
    start, end = pair
    if start < 0 or end > size:
        return f"out of range (text has {size} characters)"
    return "empty" if start >= end else None


def _resolve_overlaps(text: str, spans: list[_Span], doubtful: set[str]):
    """displaCy ents with no overlaps: shorter (more specific) spans win, longer ones are split around them.

    Returns the ents, the anchor ids that made it onto the page, and notes for spans left with nothing visible.
    """
    taken: list[tuple[int, int]] = []
    ents, placed, notes = [], set(), []
    for span in sorted(spans, key=lambda s: (s.end - s.start, not s.ref, s.start, s.label, s.anchor)):
        # leftovers of bare spaces or punctuation would only be noise
        pieces = [p for p in _subtract((span.start, span.end), taken) if any(c.isalnum() for c in text[p[0]:p[1]])]
        if not pieces:
            notes.append(f"{span.name}: covered by another highlight")
            continue
        field = span.anchor.removeprefix("hl-").split("-")[0]
        cls = "ref" if span.ref else "field doubtful" if field in doubtful else "field"
        for i, (start, end) in enumerate(pieces):
            id_attr = f' id="{span.anchor}"' if i == 0 else ""
            ents.append({"start": start, "end": end, "label": span.label,
                         "params": {"id_attr": id_attr, "cls": cls}})
        taken.extend(pieces)
        placed.add(span.anchor)
    return sorted(ents, key=lambda e: e["start"]), placed, notes


def _subtract(interval: tuple[int, int], taken: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The parts of `interval` not covered by any interval in `taken`, in order."""
    pieces = [interval]
    for t_start, t_end in taken:
        rest = []
        for start, end in pieces:
            if t_end <= start or t_start >= end:
                rest.append((start, end))
                continue
            if start < t_start:
                rest.append((start, t_start))
            if t_end < end:
                rest.append((t_end, end))
        pieces = rest
    return sorted(pieces)


def _colours(labels: set[str]) -> dict[str, str]:
    """Fixed colours for the usual fields; the rest (references above all) spread round the hue circle."""
    colours = {label: COLOURS[label] for label in labels if label in COLOURS}
    for i, label in enumerate(sorted(labels - set(COLOURS))):
        colours[label] = f"hsl({(25 + i * 137) % 360}, 80%, 80%)"
    return colours


def _doubtful(record: dict) -> set[str]:
    conf = record.get("confidence") or {}
    return {f for f, c in conf.items() if isinstance(c, (int, float)) and c < DOUBTFUL}


def _link(label: str, anchor: str, placed: set[str]) -> str:
    return f'<a href="#{anchor}">{escape(label)}</a>' if anchor in placed else escape(label)


def _value(value) -> str:
    return '<span class="none">—</span>' if value is None or value == "" else escape(str(value))


def _fields_table(record: dict, placed: set[str], words: Words = PLAIN) -> str:
    _ = words._
    rows, conf = [], record.get("confidence") or {}
    doubtful_flag, heading = escape(_("⚠ doubtful")), escape(_("Fields"))
    for field in FIELDS:
        value, c = record.get(field), conf.get(field)
        if isinstance(value, list):
            cell = "".join(f"<li>{_link(str(v), f'hl-{field}-{i}', placed)}</li>" for i, v in enumerate(value))
            cell = f"<ol>{cell}</ol>" if value else _value(None)
        else:
            cell = _value(value)
        doubtful = isinstance(c, (int, float)) and c < DOUBTFUL
        shown = "" if c is None else escape(f"{c:.2f}" if isinstance(c, (int, float)) else str(c))
        flag, tr = (f' <span class="flag">{doubtful_flag}</span>', ' class="doubtful"') if doubtful else ("", "")
        rows.append(f'<tr{tr}><th>{_link(str(words.field(field)), f"hl-{field}", placed)}</th>'
                    f"<td>{cell}</td><td>{shown}{flag}</td></tr>")
    head = "".join(f"<th>{escape(h)}</th>" for h in (_("field"), _("value"), _("confidence")))
    return (f"<h2>{heading}</h2><table><thead><tr>{head}</tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>")


def _references_table(record: dict, placed: set[str], words: Words = PLAIN) -> str:
    _ = words._
    refs = record.get("references") or []
    heading, none = escape(_("References")), escape(_("none"))
    heading = f"<h2>{heading}</h2>"
    if not refs:
        return f'{heading}<p class="none">{none}</p>'
    rows = []
    for i, ref in enumerate(refs):
        number = _link(ref.get("full_number") or _("(no number)"), f"hl-ref-{i}", placed)
        cells = [ref.get(k) for k in ("relation", "date", "doc_type", "issuer", "text")]
        cells[0] = words.relation(cells[0]) if cells[0] else cells[0]
        rows.append(f"<tr><td>{i + 1}</td><td>{number}</td>" + "".join(f"<td>{_value(c)}</td>" for c in cells)
                    + "</tr>")
    head = "".join(f"<th>{escape(h)}</th>" for h in ("#", _("full number"), _("relation"), _("date"), _("type"),
                                                     _("issuer"), _("clause")))
    return f"{heading}<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _warnings(record: dict, words: Words = PLAIN) -> str:
    _ = words._
    items = "".join(f"<li>{escape(_(str(w)))}</li>" for w in record.get("warnings") or [])
    heading, none = escape(_("Warnings")), escape(_("none"))
    return f"<h2>{heading}</h2>" + (f"<ul>{items}</ul>" if items else f'<p class="none">{none}</p>')


def _meta(record: dict, words: Words = PLAIN) -> str:
    _ = words._
    source = record.get("source") or {}
    names = {"path": _("path"), "format": _("format"), "pages": _("pages"), "ocr": _("ocr")}
    def shown(value):
        return (_("yes") if value else _("no")) if isinstance(value, bool) and words is not PLAIN else value
    bits = [f"{names[k]}: {shown(source[k])}" for k in ("path", "format", "pages", "ocr") if source.get(k) is not None]
    return f'<p class="meta">{escape(" · ".join(bits))}</p>' if bits else ""
