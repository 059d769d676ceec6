"""The desk API's OpenAPI 3.1 description (served at /api/openapi.json and summarised at /api). The JSON stays
English (it is for programmers); each `summary` is marked N_() so the /api page shows it in the reader's
language through the desk's catalogue."""


def N_(message: str) -> str:  # noqa: N802  (marked for extraction; translated where it is shown)
    return message


_LETTER_ITEM = {"type": "object", "required": ["id", "key", "full_number", "doc_type", "issuer", "date", "subject"],
                "properties": {k: {"type": ["string", "null"]} for k in ("key", "full_number", "doc_type", "issuer",
                                                                          "date", "subject")} |
                {"id": {"type": "integer"}, "stub": {"type": "boolean"}, "corrected": {"type": "boolean"},
                 "snippet": {"type": "string", "description": "with q: the letter's words around the first match, "
                                                             "[in brackets]"}}}
_REF = {"name": "ref", "in": "path", "required": True, "schema": {"type": "string"},
        "description": "an id, a key, or what people type (649/UBND-KSTTHC, Nghị định 30/2020)"}
_FILTERS = [{"name": n, "in": "query", "schema": {"type": t}, "description": d} for n, t, d in (
    ("q", "string", "words typed together are a phrase, commas separate phrases; with or without "
                           "diacritics and đ (dau thau finds đấu thầu)"), ("issuer", "string", "issuer words"),
    ("type", "string", "document type"), ("year", "integer", "year of the document"),
    ("relation", "string", "has a citation of this relation (in or out)"), ("stubs", "string", "1: include stubs"),
    ("limit", "integer", "at most 500"), ("offset", "integer", "paging"))]

OPENAPI = {
    "openapi": "3.1.0",
    "info": {"title": "vanban desk API", "version": "1",
             "description": "Letters, corrections, uploads, the citation graph and the incoming register of one "
                            "vanban archive. POST/PATCH need the header X-Vanban-Client (scripts) or the page's "
                            "CSRF token; beyond localhost every request needs Authorization: Bearer TOKEN."},
    "paths": {
        "/api/letters": {
            "get": {"summary": N_("List or search letters (corrections applied)"), "parameters": _FILTERS,
                    "responses": {"200": {"description": "letters", "headers": {"X-Total-Count": {
                        "description": "letters matching the filters over all pages", "schema": {"type": "integer"}}},
                        "content": {"application/json": {"schema": {"type": "array", "items": _LETTER_ITEM}}}}}},
            "post": {"summary": N_("Upload one or more files (form field `files`): each is stored in the pending "
                                   "queue, then filed by the batch: at once (201, the run report vanban.run/1), or, "
                                   "while another run holds the archive's lock, as soon as it is free (202: outcome "
                                   "`pending`; follow `status`/Location)"),
                     "requestBody": {"content": {"multipart/form-data": {"schema": {"type": "object", "properties": {
                         "files": {"type": "array", "items": {"type": "string", "format": "binary"}}}}}}},
                     "responses": {"201": {"description": "run report; each file adds `name`, `id`, `full_number`, "
                                                          "`state` (its outcome in Vietnamese); the report adds "
                                                          "`upload` (its id) and `status` (/api/uploads/{upload})"},
                                   "202": {"description": "accepted, not filed yet: the same report with `counts.pending` "
                                                          "and every file `pending`; `Location` is its status"},
                                   "507": {"description": "the upload cannot be stored (disk full): nothing kept"},
                                   "413": {"description": "upload over the size limit"},
                                   "415": {"description": "a file whose extension is not a letter format"}}}},
        "/api/uploads/{upload}": {
            "get": {"summary": N_("Where each file of an upload is now: `outcome` one of `pending` (waiting for the "
                                  "archive), `done`, `duplicate` (with `duplicate_of`), `quarantined` (with `reason` "
                                  "and `message`); `state` says it in the reader's language; `id`, `key`, "
                                  "`full_number` once filed"),
                    "parameters": [{"name": "upload", "in": "path", "required": True, "schema": {"type": "string"},
                                    "description": "the `upload` of the upload's answer"}],
                    "responses": {"200": {"description": "{upload, time, counts, pending, files}"},
                                  "404": {"description": "unknown upload"}}}},
        "/api/letters/{ref}": {
            "get": {"summary": N_("One letter record (vanban.letter/1) with corrections applied, plus `corrections`"),
                    "parameters": [_REF], "responses": {"200": {"description": "record"},
                                                        "300": {"description": "ambiguous"}, "404": {"description": "unknown"}}},
            "patch": {"summary": N_("Correct fields: a JSON object {field: value}; `by` names the clerk"),
                      "parameters": [_REF], "requestBody": {"content": {"application/json": {"schema": {"type": "object"}}}},
                      "responses": {"200": {"description": "the corrected record"}, "400": {"description": "bad field"}}}},
        "/api/letters/{ref}/reextract": {
            "post": {"summary": N_("Read the stored original again (corrections still win), in a worker with the "
                                "batch's limits (serve --timeout, --memory-mb)"), "parameters": [_REF],
                     "responses": {"200": {"description": "the record"},
                                   "422": {"description": "the original cannot be read (memory cap, unreadable): record unchanged"},
                                   "504": {"description": "reading took longer than --timeout: record unchanged"}}}},
        "/api/graph/{ref}": {
            "get": {"summary": N_("The neighbourhood (node-link JSON: nodes with key, type, date, stub; typed edges)"),
                    "parameters": [_REF, {"name": "depth", "in": "query", "schema": {"type": "integer"}}],
                    "responses": {"200": {"description": "graph"}}}},
        "/api/register": {
            "get": {"summary": N_("Rows of the incoming register (số đến in order within the year)"),
                    "parameters": [{"name": "year", "in": "query", "schema": {"type": "integer"}},
                                   {"name": "issuer", "in": "query", "schema": {"type": "string"}},
                                   {"name": "type", "in": "query", "schema": {"type": "string"}}],
                    "responses": {"200": {"description": "rows"}}}},
        "/api/openapi.json": {"get": {"summary": N_("This description"), "responses": {"200": {"description": "OpenAPI"}}}},
    },
}
