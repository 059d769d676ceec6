"""The desk's languages: Vietnamese first, English second, through Flask-Babel and gettext catalogues.

Every sentence of the desk is an English msgid (the language of the code, of the CLI and of the errors the
archive raises) marked for extraction: `_()` / `{% trans %}` in the templates (pipeline/desk/templates),
`gettext`/`lazy_gettext`/`lazy_pgettext` here and in app.py, `_()` in pipeline/graph/page.py (the graph
view's words, passed in as `Wording`), the error templates of pipeline/archive (`UsageError("...", **params)`,
looked up by `error_message`), and `N_()` in api_spec.py. The Vietnamese is in
pipeline/desk/translations/vi/LC_MESSAGES/messages.po, compiled to messages.mo beside it; both are committed,
so a fresh clone and `pip install .` serve Vietnamese without a build step. After changing a sentence:
`make translations` (pybabel extract, update, compile; babel.cfg says which files), then translate the new
entries in the .po and run it again. tests/test_desk_i18n.py fails while an entry is untranslated or the .mo
is older than the .po.

The language of a request: `?lang=vi|en` (and it is kept in the `vanban_lang` cookie from then on), else the
cookie, else the browser's Accept-Language, else Vietnamese. Dates are shown dd/mm/yyyy in both languages
(what a Vietnamese office writes; unambiguous for an English reader of the same office's papers).
"""
from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path
from urllib.parse import urlencode

from flask import Flask, request
from flask_babel import Babel, get_locale, gettext, lazy_gettext, lazy_pgettext

LANGUAGES = ("vi", "en")
DEFAULT = "vi"
COOKIE = "vanban_lang"
TRANSLATIONS = Path(__file__).parent / "translations"
NAMES = {"vi": "Tiếng Việt", "en": "English"}  # each language in its own words, on the switch


def N_(message: str) -> str:  # noqa: N802  (the gettext convention: marked for extraction, translated later)
    return message


def select_language() -> str:
    asked = request.args.get("lang")
    if asked in LANGUAGES:
        return asked
    kept = request.cookies.get(COOKIE)
    if kept in LANGUAGES:
        return kept
    return request.accept_languages.best_match(LANGUAGES, default=DEFAULT) or DEFAULT


def language() -> str:
    return str(get_locale() or DEFAULT)


def switch_url(code: str) -> str:
    """This page in another language: the same path and query, with `lang=` set."""
    args = [(k, v) for k, v in request.args.items(multi=True) if k not in ("lang", "token")] + [("lang", code)]
    return request.path + "?" + urlencode(args)


def keep_choice(response):
    """after_request: a `?lang=` choice is kept in a cookie, so every later page is in that language."""
    asked = request.args.get("lang")
    if asked in LANGUAGES and request.cookies.get(COOKIE) != asked:
        response.set_cookie(COOKIE, asked, max_age=365 * 86400, samesite="Lax", httponly=True)
    return response


# -- the words of the archive's vocabulary -------------------------------------------------------------------
# relation keys (contract: Relations) → what a clerk reads; the English is the key in words
RELATIONS = {
    "legal_basis": lazy_pgettext("relation", "legal basis"), "implements": lazy_pgettext("relation", "implements"),
    "proposed_by": lazy_pgettext("relation", "proposed by"), "replies_to": lazy_pgettext("relation", "replies to"),
    "follows_up": lazy_pgettext("relation", "follows up"), "guides": lazy_pgettext("relation", "guides"),
    "details": lazy_pgettext("relation", "details"), "amends": lazy_pgettext("relation", "amends"),
    "replaces": lazy_pgettext("relation", "replaces"), "repeals": lazy_pgettext("relation", "repeals"),
    "terminates": lazy_pgettext("relation", "terminates"), "suspends": lazy_pgettext("relation", "suspends"),
    "corrects": lazy_pgettext("relation", "corrects"), "consolidates": lazy_pgettext("relation", "consolidates"),
    "attached_to": lazy_pgettext("relation", "attached to"), "refers_to": lazy_pgettext("relation", "refers to"),
}
# the run report's outcomes (contract: vanban.run/1)
OUTCOMES = {
    "done": lazy_gettext("filed"), "done_with_warnings": lazy_gettext("filed, with warnings"),
    "duplicate": lazy_gettext("duplicate of a letter already held"), "skipped": lazy_gettext("already filed, skipped"),
    "quarantined": lazy_gettext("quarantined"), "pending": lazy_gettext("waiting to be filed"),
    "unknown": lazy_gettext("unknown"),
}
# quarantine reasons (pipeline/errors.py QUARANTINE_REASONS)
REASONS = {
    "empty": lazy_gettext("empty file"), "type_mismatch": lazy_gettext("content does not match the file's extension"),
    "unsupported": lazy_gettext("format not supported"), "encrypted": lazy_gettext("encrypted"),
    "corrupt": lazy_gettext("damaged file"), "too_big": lazy_gettext("too big"),
    "timeout": lazy_gettext("took too long to read"), "memory": lazy_gettext("needed too much memory"),
    "symlink": lazy_gettext("a symbolic link"), "special_file": lazy_gettext("not a regular file"),
    "hardlink": lazy_gettext("a hard link"), "xml_doctype": lazy_gettext("XML with a DOCTYPE"),
    "no_text": lazy_gettext("no text could be read"), "not_a_letter": lazy_gettext("not an official letter"),
    "unreadable": lazy_gettext("unreadable"),
}
# the letter record's fields a clerk corrects (contract: vanban.letter/1), as ND30 names them
FIELDS = {
    "number": lazy_gettext("Number"), "symbol": lazy_gettext("Symbol"), "full_number": lazy_gettext("Number and symbol"),
    "doc_type": lazy_gettext("Document type"), "issuer": lazy_gettext("Issuing body"),
    "parent_issuer": lazy_gettext("Parent body"), "place": lazy_gettext("Place"), "subject": lazy_gettext("Subject"),
    "signer": lazy_gettext("Signer"), "signing_authority": lazy_gettext("Signing authority"),
    "signer_title": lazy_gettext("Signer's title"), "year": lazy_gettext("Year"), "date": lazy_gettext("Date"),
    "recipients": lazy_gettext("Addressees (Kính gửi)"), "distribution": lazy_gettext("Distribution (Nơi nhận)"),
    "key": lazy_gettext("Key"),
}
# the register's columns on the page (the exports keep the headings of Nghị định 30/2020, Phụ lục IV)
REGISTER = {
    "received": lazy_gettext("Date received"), "number": lazy_gettext("Incoming no."),
    "issuer": lazy_gettext("Issuing body"), "full_number": lazy_gettext("Number and symbol"),
    "date": lazy_gettext("Date"), "title": lazy_gettext("Type and subject"),
    "unit": lazy_gettext("Unit or person receiving"), "signed": lazy_gettext("Signature of receipt"),
    "note": lazy_gettext("Note"),
}
# the validity statuses (graph/status.py)
STATUSES = {
    "in_force": lazy_gettext("in force"), "amended": lazy_gettext("in force, amended"),
    "partly_repealed": lazy_gettext("partly out of force"), "repealed": lazy_gettext("repealed, wholly out of force"),
    "replaced": lazy_gettext("replaced, wholly out of force"), "not_yet_in_force": lazy_gettext("not yet in force"),
    "unknown": lazy_gettext("not determined"),
}
# the warnings the reading stages write in a record with fixed words (the others are shown as written)
WARNINGS = [N_("number is blank"), N_("number not found"), N_("date is incomplete"), N_("date not found"),
            N_("text layer unreadable, used OCR"), N_("issuer taken from the body: the header has no issuer lines"),
            N_("not an official letter: no header, number, date or signature found"),
            N_("an English translation that does not print its own number: it cannot be linked to the document it translates")]

# the warnings written with values in them: each English form (as the reading stages write it, values as
# %(name)s) → its pattern. A warning shown on the desk is translated when it matches one; the record keeps it as
# written (the contract's `warnings` are strings).
WARNING_FORMS = [
    N_("handwritten %(field)s not read with confidence (OCR saw %(seen)s, the digit reader %(guess)s at %(confidence)s): left empty, check the original"),
    N_("handwritten %(field)s read by the digit reader: %(value)s (confidence %(confidence)s; OCR saw %(seen)s)"),
    N_("handwritten %(field)s not read with confidence (OCR saw %(seen)s, more digits than the digit reader's %(value)s): left empty, check the original"),
    N_("an English translation of %(value)s: keyed as that document, it is filed as one more source of it (the Vietnamese original's record comes first)"),
    N_("an English translation of %(value)s: that number names one document only with its issuer, which is not read from a translation: it cannot be linked"),
    N_("the signing widget over the %(field)s draws nothing readable: the %(field2)s is left blank"),
    N_("the signing widget over the %(field)s holds only an image, and tesseract is not installed: the %(field2)s is left blank"),
    N_("%(field)s read by OCR from a signing widget that holds only an image: %(value)s"),
    N_("number is unreadable (read as %(value)s): check the original"),
    N_("signer's family name read by OCR as %(seen)s: taken as %(value)s, the family name with those letters"),
    N_("signer's name %(value)s does not begin with a family name: part of it may lie under the seal or the signature, check the original"),
    N_("the signer's title read again without the seal's red ink: %(value)s"),
    N_("the signature column read again with the seal's grey taken out: %(value)s"),
    N_("the signature column read again without the seal's and signature's ink: %(value)s"),
    N_("the signature column, lost beside Nơi nhận, read again with the seal's grey taken out: %(value)s"),
    N_("the signature column, lost beside Nơi nhận, read again without the seal's and signature's ink: %(value)s"),
    N_("pages without a text layer read by OCR: %(pages)s"),
    N_("page %(page)s lay turned %(angle)s°: read upright"),
    N_("text layer in the legacy %(encoding)s font encoding, converted"),
    N_("%(skipped)s of %(count)s scanned pages not read (OCR reads the first %(head)s and the last %(tail)s: pages %(pages)s skipped)"),
    N_("taken from the portal's properties panel, not printed in the letter: %(fields)s"),
    N_("page %(page)s: its annotations could not be read (pdfium failed to flatten them)"),
    N_("%(count)s files read as the pages of one letter"),
    # graph/status.py: the note of an `unknown` status
    N_("%(relation)s (%(scope)s) by %(document)s, signed %(signed)s: its text states no effective date, so whether it applies on %(at)s is not known"),
]
_WARNING_FIELDS = {"day": lazy_pgettext("field in a warning", "day"), "month": lazy_pgettext("field in a warning", "month"),
                   "number": lazy_pgettext("field in a warning", "number"),
                   "date": lazy_pgettext("field in a warning", "date")}


def _form_pattern(form: str) -> re.Pattern:
    parts = re.split(r"%\((\w+)\)s", form)
    return re.compile("".join(re.escape(p) if i % 2 == 0 else f"(?P<{p}>.+?)" for i, p in enumerate(parts)) + "$")


_WARNING_PATTERNS = [(_form_pattern(f), f) for f in WARNING_FORMS]


def _(text: str) -> str:
    return gettext(text)


def warning(text: str) -> str:
    """A record's warning in the reader's language: a fixed one from the catalogue, one with values by its form
    (the values kept as read, the field names translated); any other as written."""
    if text in WARNINGS:
        return gettext(text)
    for pattern, form in _WARNING_PATTERNS:
        m = pattern.match(text)
        if m:
            values = {k: str(_WARNING_FIELDS.get(v, v)) if k.startswith("field") else relation(v) if k == "relation"
                      else vi_date(v) if k in ("signed", "at") else _("whole") if k == "scope" and v == "whole" else v
                      for k, v in m.groupdict().items()}
            return gettext(form, **values)
    return text


# errors whose template is not written at a call site (pipeline/errors.py)
ERRORS = [N_("%(query)r matches %(count)d documents; use one of the keys listed")]


def relation(key: str | None) -> str:
    return str(RELATIONS[key]) if key in RELATIONS else (key or "")


def field(name: str) -> str:
    return str(FIELDS[name]) if name in FIELDS else name


def outcome(key: str) -> str:
    return str(OUTCOMES.get(key, key))


def reason(code: str | None) -> str:
    """A quarantine reason in words; its detail after the colon (corrupt:truncated) as the batch wrote it."""
    if not code:
        return ""
    base, _, detail = code.partition(":")
    words = str(REASONS[base]) if base in REASONS else base
    return f"{words}: {detail}" if detail else words


def vi_date(value) -> str:
    """dd/mm/yyyy for an ISO date (and dd/mm/yyyy HH:MM for an ISO time); anything else as it is."""
    if value is None or value == "":
        return ""
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    m = re.fullmatch(r"(\d{4})-(\d\d)-(\d\d)(?:[T ](\d\d):(\d\d).*)?", str(value))
    if not m:
        return str(value)
    y, mo, d, hh, mm = m.groups()
    return f"{d}/{mo}/{y}" + (f" {hh}:{mm}" if hh else "")


def from_vi_date(value: str) -> str:
    """What a clerk types in a date field (dd/mm/yyyy, d/m/yyyy, or ISO) as the record's ISO date; anything
    else unchanged, for the archive's own check to refuse."""
    m = re.fullmatch(r"\s*(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})\s*", value or "")
    return f"{m[3]}-{int(m[2]):02d}-{int(m[1]):02d}" if m else value


def status_summary(record: dict) -> str:
    """The validity line in the reader's language: "hết hiệu lực một phần từ 01/11/2025 bởi 280/2025/NĐ-CP"."""
    text = str(STATUSES.get(record["status"], record["status"]))
    if record["status"] == "not_yet_in_force" and record.get("effective_date"):
        return gettext("%(status)s (in force from %(date)s)", status=text, date=vi_date(record["effective_date"]))
    if record["status"] == "in_force" and record.get("since"):
        return gettext("%(status)s (since %(date)s)", status=text, date=vi_date(record["since"]))
    if record.get("since") and record["status"] != "in_force":
        first = next((a for a in record["by"] if a["applies"] and a["effective"] == record["since"]), None)
        name = first and (first["full_number"] or first["key"])
        if name:
            return gettext("%(status)s from %(date)s by %(by)s", status=text, date=vi_date(record["since"]), by=name)
        return gettext("%(status)s from %(date)s", status=text, date=vi_date(record["since"]))
    return text


def error_message(exc) -> str:
    """A VanbanError's message in the reader's language: its template (`msgid`) looked up in the catalogue and
    filled with its parameters; a message without a template entry as it was raised."""
    msgid, params = getattr(exc, "msgid", None), getattr(exc, "params", None) or {}
    if not msgid:
        return str(exc)
    return gettext(msgid, **params) if params else gettext(msgid)


def init(app: Flask) -> None:
    app.config["BABEL_DEFAULT_LOCALE"] = DEFAULT
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(TRANSLATIONS)
    Babel(app, locale_selector=select_language)
    app.after_request(keep_choice)
    app.jinja_env.filters.update(vi_date=vi_date, relation=relation, outcome=outcome, reason=reason, warning=warning)
    app.jinja_env.globals.update(language=language, switch_url=switch_url, LANGUAGES=LANGUAGES, LANGUAGE_NAMES=NAMES, FIELDS=FIELDS,
                                 REGISTER=REGISTER, RELATION_KEYS=list(RELATIONS))
    app.jinja_env.policies["ext.i18n.trimmed"] = True  # {% trans %} blocks: whitespace folded, as msgids are


__all__ = ["init", "gettext", "lazy_gettext", "language", "relation", "outcome", "reason", "vi_date", "from_vi_date", "status_summary",
           "error_message", "N_", "LANGUAGES"]
