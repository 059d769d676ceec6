"""The desk's guards (reliability.md, "Security for a web front end"; OWASP file-upload rules).

- Bound to 127.0.0.1 by default; on any other address a token (VANBAN_TOKEN) is required, checked on every
  request: `Authorization: Bearer TOKEN`, or the `vanban_token` cookie a browser gets by opening
  `/?token=TOKEN` once. Wrong or missing: 401. The query is read only on a GET of a page (never on the API or
  a POST), and answered with a 302 to the same URL without `token=`, so the token stays out of the address
  bar, the history and the Referer. The cookie holds HMAC-SHA256(token, a fixed label), never the token
  (HttpOnly, SameSite=Strict); every comparison is hmac.compare_digest on equal-length digests. The access
  log (the desk's, app.AccessLog, and werkzeug's) has `token=` values redacted (`redact_logs`).
- CSRF: a state-changing request (POST, PATCH, PUT, DELETE) passes with the form field or header
  `X-CSRF-Token` equal to the `vanban_csrf` cookie (double submit; the pages carry it), or with the header
  `X-Vanban-Client` that scripts send (a cross-site form cannot set a header). Otherwise 403.
- Uploads over the size limit: 413 (Flask's MAX_CONTENT_LENGTH, checked before the body is read); a file
  whose extension is not a letter format: 415 (app.upload; the batch still sniffs the bytes of the others).
- Originals are served by SHA-256 only, as attachments with `X-Content-Type-Options: nosniff`.
"""
from __future__ import annotations

import hashlib
import hmac
import logging
import re
import secrets
from urllib.parse import quote, urlencode

from flask import abort, g, redirect, request

LOCAL = ("127.0.0.1", "localhost", "::1")
CSRF_COOKIE, TOKEN_COOKIE = "vanban_csrf", "vanban_token"
UNSAFE = ("POST", "PATCH", "PUT", "DELETE")
COOKIE_LABEL = b"vanban-desk cookie/1"


def cookie_value(token: str) -> str:
    """What the browser keeps: derived from the token, useless as a Bearer and not the token itself."""
    return hmac.new(token.encode(), COOKIE_LABEL, hashlib.sha256).hexdigest()


def same(given: str, expected: str) -> bool:
    """Constant time, whatever the lengths: the SHA-256 digests of both are compared."""
    return hmac.compare_digest(hashlib.sha256(given.encode()).digest(), hashlib.sha256(expected.encode()).digest())


def _without_token() -> str:
    """The URL of this request without `token=`: the path from one slash (no `//host` open redirect)."""
    path = "/" + quote(request.path, safe="/:@!$&'()*+,;=-._~").lstrip("/")
    rest = [(k, v) for k, v in request.args.items(multi=True) if k != "token"]
    return path + ("?" + urlencode(rest) if rest else "")


def needs_token(host: str) -> bool:
    return host not in LOCAL


def check(app) -> None:
    """Registered as before_request."""
    token = app.config.get("VANBAN_TOKEN")
    if token:
        page = request.method == "GET" and not request.path.startswith("/api/")
        if page and "token" in request.args:  # a browser's first visit: take it once, then away from the URL
            if not same(request.args["token"], token):
                abort(401)
            g.set_token_cookie = True
            return redirect(_without_token(), code=302)
        bearer = request.headers.get("Authorization", "")
        if bearer.startswith("Bearer "):
            ok = same(bearer.removeprefix("Bearer ").strip(), token)
        else:
            ok = same(request.cookies.get(TOKEN_COOKIE) or "", cookie_value(token))
        if not ok:
            abort(401)
    g.csrf = request.cookies.get(CSRF_COOKIE) or secrets.token_urlsafe(24)
    if request.method in UNSAFE and not request.headers.get("X-Vanban-Client"):
        sent = request.headers.get("X-CSRF-Token") or request.form.get("csrf") or ""
        cookie = request.cookies.get(CSRF_COOKIE) or ""
        if not cookie or not hmac.compare_digest(sent.encode(), cookie.encode()):
            abort(403, "missing or wrong CSRF token: reload the page and try again")


def after(app, response):
    """Registered as after_request: the CSRF cookie, the token cookie, and headers every page gets."""
    if request.cookies.get(CSRF_COOKIE) != g.get("csrf") and g.get("csrf"):
        response.set_cookie(CSRF_COOKIE, g.csrf, httponly=True, samesite="Strict")
    if g.get("set_token_cookie"):
        response.set_cookie(TOKEN_COOKIE, cookie_value(app.config["VANBAN_TOKEN"]), httponly=True, samesite="Strict")
        response.headers["Cache-Control"] = "no-store"
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "SAMEORIGIN")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    return response


class _Redact(logging.Filter):
    """Takes `token=` values (and the token itself, however it came) out of a log record."""

    PATTERN = re.compile(r"(token(?:=|%3d))[^&\s\"']*", re.IGNORECASE)

    def __init__(self, token: str | None):
        super().__init__()
        self.secrets = [s for s in {token, quote(token or "", safe="")} if s]

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        clean = self.PATTERN.sub(r"\1[redacted]", message)
        for secret in self.secrets:
            clean = clean.replace(secret, "[redacted]")
        if clean != message:
            record.msg, record.args = clean, ()
        return True


def redact_logs(token: str | None, *names: str) -> None:
    """The server's request log (each request line, query included) never shows a token: on the loggers
    named (the desk's access log) and werkzeug's."""
    for name in ("werkzeug", *names):
        logger = logging.getLogger(name)
        for old in [f for f in logger.filters if isinstance(f, _Redact)]:
            logger.removeFilter(old)
        logger.addFilter(_Redact(token))
