"""Assemble a Letter from a Source: segment, run the small extractors per zone, add key, warnings and
per-field confidence. Pure: the spaCy components (components.py) call these same functions."""
from __future__ import annotations

import re
from dataclasses import replace

from pipeline.nlp.abbreviations import find_abbreviations
from pipeline.nlp.header import Header, read_header
from pipeline.nlp.keys import document_key
from pipeline.nlp.lexicon import Lexicon
from pipeline.nlp.numbers import parse_number
from pipeline.nlp.parties import find_distribution, find_recipients
from pipeline.nlp.references import find_references
from pipeline.nlp.segment import LetterZones, lines_of, segment_letter
from pipeline.nlp.validity import act_date, effective_date, scope_of
from pipeline.nlp.translation import Translation, read_translation
from pipeline.nlp.signature import Signature, normal_prefix, read_signature, restore_surname, signature_from_tail
from pipeline.records import Letter, Reference, Source
from pipeline.text.patterns import AUTHORITY_PREFIX, CAN_CU_WORDS, KINH_GUI_WORDS, MOTTO, TITLE_WORDS

_SECTION = re.compile(r"^(?:\d{1,2}\.\s|[IVX]{1,4}\.\s|Điều\s+1\b|[a-zđ]\)\s)")


def read_parties(zones: LetterZones) -> tuple[list, list, list, list, list]:
    """Recipients, distribution (values and spans) and the signature lines interleaved with Nơi nhận."""
    recipients, r_spans = find_recipients(zones.body, zones.header_left)
    distribution, d_spans, interleaved = find_distribution(zones.noi_nhan, zones.signature)
    return recipients, r_spans, distribution, d_spans, interleaved


def read_signer(zones: LetterZones, interleaved: list, lex: Lexicon) -> Signature:
    lines = sorted({ln.start: ln for ln in zones.signature + interleaved
                    if not any(i.start <= ln.start < i.end and i is not ln for i in interleaved)}.values(),
                   key=lambda ln: ln.start)
    sig = read_signature(lines, lex) if lines else Signature()
    if sig.signer is None and not zones.noi_nhan:
        sig = signature_from_tail(zones.body, lex)
    if sig.signer and zones.noi_nhan and not (sig.signer_title and sig.signing_authority):
        _signature_above_noi_nhan(zones, sig)
    return sig


def _signature_above_noi_nhan(zones: LetterZones, sig: Signature) -> None:
    """ô 7a/7b printed (or read) above 'Nơi nhận:' with the rest of the block after the list (legacy letters
    order the two bottom columns either way; a text layer may read them one after the other): the short
    capitals lines right before the Nơi nhận block, an authority line (TM., KT., TL., TUQ., Q.) as the
    authority and the title lines under it as the title, each only where the block below gave none."""
    before = [ln for ln in zones.body if ln.end <= zones.noi_nhan[0].start]
    block: list = []
    for ln in reversed(before[-4:]):
        if not (ln.is_caps and len(ln.text) <= 60 and (AUTHORITY_PREFIX.match(ln.text) or TITLE_WORDS.search(ln.text))):
            break
        block.insert(0, ln)
    authority = [ln for ln in block if AUTHORITY_PREFIX.match(ln.text)]
    title = block[block.index(authority[-1]) + 1:] if authority else block[-1:]
    if authority and not sig.signing_authority:
        sig.signing_authority = " / ".join(normal_prefix(ln.text) for ln in authority)
        sig.spans["signing_authority"] = [authority[0].start, authority[-1].end]
    if title and not sig.signer_title and len(title[-1].text) <= 40:
        sig.signer_title = " ".join(ln.text for ln in title)
        sig.spans["signer_title"] = [title[0].start, title[-1].end]


def _preamble_end(zones: LetterZones) -> int:
    for ln in zones.body:
        if _SECTION.match(ln.text):
            return ln.start
    return len(zones.text)


def read_refs(source: Source, zones: LetterZones, header: Header, lex: Lexicon, recipients=()) -> list[dict]:
    exclude = [(ln.start, ln.end) for ln in zones.noi_nhan]  # an appendix's citations are the letter's
    for name in ("number", "symbol"):
        if name in header.spans:
            exclude.append(tuple(header.spans[name]))
    exclude += [(z.start, z.end) for z in source.zones if z.name == "page_furniture"]
    if source.ocr:  # on a scan, the heading's number is the letter's own, often written by hand and misread
        exclude += _appendix_headings(source.text)
    own = header.number.full_number if header.number else None
    title = header.spans.get("subject")
    return find_references(source.text, lex, own_number=own, exclude=exclude, title_span=title,
                           doc_type=header.doc_type, preamble_end=_preamble_end(zones), recipients=recipients)


_APPENDIX = re.compile(r"(?:Phụ lục|PHỤ LỤC)\b")


def _appendix_headings(text: str) -> list[tuple[int, int]]:
    """The bracketed line(s) under an appendix's heading, '(Kèm theo Quyết định số 2338/QĐ-UBND ngày …)':
    on a scan, the letter's own number, not a document it cites (a number written by hand may read otherwise
    there than in the header, so it is no `own_number`). A text layer's heading is taken as printed: Thông
    tư 57/2025/TT-BXD (vbpl doc_000433) heads its appendix with 56/2025/TT-BXD, another document of the set."""
    lines = lines_of(text, 0, len(text))
    out = []
    for i, ln in enumerate(lines):
        if not _APPENDIX.match(ln.text) or len(ln.text) > 80:
            continue
        opening = next((j for j in range(i + 1, min(i + 5, len(lines))) if lines[j].text.startswith("(")), None)
        if opening is None:
            continue
        closing = next((j for j in range(opening, min(opening + 3, len(lines))) if ")" in lines[j].text), opening)
        out.append((lines[opening].start, lines[closing].end))
    return out


def _looks_like_letter(zones: LetterZones, header: Header, sig: Signature) -> bool:
    """At least two landmarks of the genre: motto, number line, date line, issuer, Nơi nhận, signer."""
    motto = any(MOTTO.search(ln.text) for ln in zones.header_right + zones.header_left + zones.body[:8])
    basis = any(ln.text.startswith((CAN_CU_WORDS, KINH_GUI_WORDS)) for ln in zones.body[:60])
    landmarks = [motto, header.number is not None or header.blank_symbol is not None, header.date_year is not None,
                 header.issuer is not None, bool(zones.noi_nhan), sig.signer is not None, header.doc_type is not None,
                 basis]
    return sum(landmarks) >= 2


def _confidence(source: Source, spans: dict) -> dict:
    """Fields read through OCR: the lowest word-line confidence under the field's span."""
    out = {}
    stamped = {s.field for s in source.stamps}
    for stamp in source.stamps:
        field = "number" if stamp.field == "number" else "date"
        out[field] = min(out.get(field, 1.0), round(stamp.confidence, 3))
    if not source.ocr:
        return out
    for field, span in spans.items():
        pairs = span if span and isinstance(span[0], list) else [span]
        confs = [b.confidence for b in source.blocks for s, e in pairs
                 if b.confidence is not None and b.start < e and s < b.end]
        if confs and field not in stamped:
            out[field] = round(min(min(confs), out.get(field, 1.0)), 3)
    return out


def build_letter(source: Source, zones: LetterZones, header: Header, parties: tuple, sig: Signature,
                 refs: list[dict], lex: Lexicon) -> Letter:
    recipients, r_spans, distribution, d_spans, _ = parties
    warnings = list(source.warnings)
    header, sig = _with_portal_properties(source, header, sig, warnings)
    if not _looks_like_letter(zones, header, sig):
        translation = read_translation(source.text, lex)
        if translation is not None:
            return _translated(source, translation, warnings)
        warnings.append("not an official letter: no header, number, date or signature found")
        return Letter(source=source, warnings=tuple(warnings))
    number = header.number
    # ô 3/ô 4 of a draft: the day is left blank for the văn thư; the year printed in "năm 2026" or in the number
    # ("…/2026/QĐ-UBND") is the letter's year, and no day is guessed (date stays null)
    year = header.date_year or (number.year if number else header.blank_year)
    symbol = number.symbol if number else header.blank_symbol
    if number is None and header.unreadable_number:
        warnings.append(f"number is unreadable (read as {header.unreadable_number!r}): check the original")
    elif number is None:
        warnings.append("number is blank" if header.blank_symbol else "number not found")
    if header.date is None:
        warnings.append("date is incomplete" if header.date_incomplete else "date not found")
    # a normative number carries its own year (07/2026/TT-BCT however its date reads): the key takes that one
    key = document_key(number.number, number.symbol, number.year or year, shape=number.shape, issuer=header.issuer,
                       org_code=number.org_code) if number else None
    references = tuple(_reference(r, year, header, number) for r in refs)
    spans = dict(header.spans, **sig.spans)
    effective, effective_span = effective_date(source.text, header.date, header.doc_type)
    if effective_span:
        spans["effective_date"] = effective_span
    if r_spans:
        spans["recipients"] = r_spans
    if d_spans:
        spans["distribution"] = d_spans
    if header.issuer_from_body:
        warnings.append("issuer taken from the body: the header has no issuer lines")
    signer = sig.signer
    if source.ocr and signer and (restored := restore_surname(signer, lex)):
        warnings.append(f"signer's family name read by OCR as {signer.split()[0]!r}: taken as "
                        f"{restored.split()[0]!r}, the family name with those letters")
        signer = restored
    cut = bool(source.ocr and signer and signer.split()[0] not in lex.surnames | lex.other_surnames)
    if cut:  # "Trung Bá" for Phan Trung Bá: the seal or the signature took the first word
        warnings.append(f"signer's name {signer!r} does not begin with a family name: part of it may lie under "
                        "the seal or the signature, check the original")
    return Letter(
        source=source, key=key, number=number.number if number else None, symbol=symbol,
        full_number=number.full_number if number else None, year=year, doc_type=header.doc_type,
        issuer=header.issuer, parent_issuer=header.parent_issuer, place=header.place, date=header.date,
        subject=header.subject, recipients=tuple(recipients), distribution=tuple(distribution), signer=signer,
        signing_authority=sig.signing_authority, signer_title=sig.signer_title, references=references,
        abbreviations=find_abbreviations(source.text), warnings=tuple(dict.fromkeys(warnings)), spans=spans,
        confidence=_capped(_confidence(source, spans), {"issuer": 0.6} if header.issuer_from_body else {},
                           {"signer": 0.5} if cut else {}),
        effective_date=effective)


def _translated(source: Source, tr: Translation, warnings: list) -> Letter:
    """An English translation (nlp/translation.py): keyed as the document it translates, where it says which."""
    number = tr.number
    year = (number.year if number else None) or (int(tr.date[:4]) if tr.date else None)
    key = document_key(number.number, number.symbol, year, shape=number.shape, issuer=None,
                       org_code=number.org_code) if number else None
    if key:
        warnings.append(f"an English translation of {number.full_number}: keyed as that document, it is filed as one "
                        "more source of it (the Vietnamese original's record comes first)")
    elif number:  # a local or joint number: its key needs the issuer, which a translation does not give
        warnings.append(f"an English translation of {number.full_number}: that number names one document only "
                        "with its issuer, which is not read from a translation: it cannot be linked")
    else:
        warnings.append("an English translation that does not print its own number: it cannot be linked to the "
                        "document it translates")
    return Letter(source=source, key=key, number=number.number if number else None,
                  symbol=number.symbol if number else None, full_number=number.full_number if number else None,
                  year=year, doc_type=tr.doc_type, date=tr.date, subject=tr.subject, warnings=tuple(warnings),
                  spans=dict(tr.spans), language="en")


_FROM_PANEL = {"number": "number", "doc_type": "type", "issuer": "issuer", "date": "date", "signer": "signer",
               "signer_title": "signer's title"}


def _with_portal_properties(source: Source, header: Header, sig: Signature, warnings: list):
    """Fields the letter's text does not print, taken from the properties panel of the portal page it was saved
    from (pipeline.ingest.portal; domain.md §1: what the letter prints comes first, never overwritten)."""
    panel = source.meta.get("portal_properties") or {}
    if not panel:
        return header, sig
    header, sig, taken = replace(header, spans=dict(header.spans)), replace(sig, spans=dict(sig.spans)), []
    printed_number = header.number is not None or header.blank_symbol is not None
    if header.number is None and header.blank_symbol is None and "number" in panel:
        number = parse_number(panel["number"])
        if number is not None:
            header.number = replace(number, start=0, end=0)
            taken.append("number")
    if header.date is None and "date" in panel:
        header.date, header.date_year, header.date_incomplete = panel["date"], int(panel["date"][:4]), False
        taken.append("date")
    # a numbered letter without a type name is a công văn (ND30 Phụ lục I ô 5b): the panel's type only when the
    # letter prints no number line at all (a page that kept the body without its header)
    if header.doc_type is None and "doc_type" in panel and not printed_number:
        header.doc_type = panel["doc_type"]
        taken.append("doc_type")
    if header.issuer is None and "issuer" in panel:
        header.issuer = panel["issuer"].upper()
        taken.append("issuer")
    if sig.signer is None and "signer" in panel:
        sig.signer = panel["signer"]
        taken.append("signer")
    if sig.signer_title is None and "signer_title" in panel and sig.signer is not None:
        sig.signer_title = panel["signer_title"].upper()
        taken.append("signer_title")
    if taken:
        warnings.append("taken from the portal's properties panel, not printed in the letter: "
                        + ", ".join(_FROM_PANEL[f] for f in taken))
    return header, sig


def _capped(confidence: dict, *caps: dict) -> dict:
    """Field confidences with the doubts found while reading the fields as upper bounds."""
    out = dict(confidence)
    for cap in caps:
        for field, most in cap.items():
            out[field] = min(out.get(field, most), most)
    return out


def _reference(r: dict, letter_year, header: Header, number) -> Reference:
    """A reference record with its key; an administrative number cited without an issuer by a body that
    uses the same symbol code is taken as that body's own (a province citing its own 'UBND-KT' letters)."""
    issuer = r["issuer"]
    key = None
    if r["number"]:
        org = r["org"]
        key_issuer = issuer
        if not issuer and number is not None and org and number.org_code == org:
            key_issuer = header.issuer
        key = document_key(r["number"], r["symbol"], r["year"], shape=r["shape"], issuer=key_issuer, org_code=org)
    hint = r["text"].find(r["name"]) if r["name"] and not r["number"] else None  # a law cited by name
    return Reference(full_number=r["full_number"], number=r["number"], symbol=r["symbol"], year=r["year"],
                     date=r["date"], doc_type=r["doc_type"], issuer=issuer, relation=r["relation"], key=key,
                     text=r["text"], start=r["start"], end=r["end"], name=r["name"], trigger=r["trigger"],
                     scope=scope_of(r["relation"], r["text"], r["full_number"], r["trigger"], hint),
                     effective=act_date(r["relation"], r["text"], r["full_number"], hint))


def read_letter(source: Source, lex: Lexicon) -> Letter:
    """The whole nlp stage without spaCy: zones, then each extractor."""
    zones = segment_letter(source)
    header = read_header(zones, lex)
    parties = read_parties(zones)
    sig = read_signer(zones, parties[4], lex)
    refs = read_refs(source, zones, header, lex)
    return build_letter(source, zones, header, parties, sig, refs, lex)
