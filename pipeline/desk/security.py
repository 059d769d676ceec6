"""The desk's guards (reliability.md, "Security for a web front end"; OWASP file-upload rules).

- Bound to 127.0.0.1 by default; on any other address a token (VANBAN_TOKEN) is required, checked on every
  request: `Authorization: Bearer TOKEN`, or the `vanban_token` cookie a browser gets by opening
  `/?token=TOKEN` once. Wrong or missing: 401.
- CSRF: a state-changing request (POST, PATCH, PUT, DELETE) passes with the form field or header
  `X-CSRF-Token` equal to the `vanban_csrf` cookie (double submit; the pages carry it), or with the header
  `X-Vanban-Client` that scripts send (a cross-site form cannot set a header). Otherwise 403.
- Uploads over the size limit: 413 (Flask's MAX_CONTENT_LENGTH, checked before the body is read); a file
  whose extension is not a letter format: 415 (app.upload; the batch still sniffs the bytes of the others).
- Originals are served by SHA-256 only, as attachments with `X-Content-Type-Options: nosniff`.
"""
from __future__ import annotations

import hmac
import secrets

from flask import abort, g, request

LOCAL = ("127.0.0.1", "localhost", "::1")
CSRF_COOKIE, TOKEN_COOKIE = "vanban_csrf", "vanban_token"
UNSAFE = ("POST", "PATCH", "PUT", "DELETE")


def needs_token(host: str) -> bool:
    return host not in LOCAL


def check(app) -> None:
    """Registered as before_request."""
    token = app.config.get("VANBAN_TOKEN")
    if token:
        given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip() \
            or request.cookies.get(TOKEN_COOKIE) or request.args.get("token") or ""
        if not hmac.compare_digest(given.encode(), token.encode()):
            abort(401)
        g.set_token_cookie = request.args.get("token") == token and request.cookies.get(TOKEN_COOKIE) != token
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
        response.set_cookie(TOKEN_COOKIE, app.config["VANBAN_TOKEN"], httponly=True, samesite="Strict")
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "SAMEORIGIN")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    return response
