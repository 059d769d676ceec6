"""The desk's page templates (Jinja, autoescaped) and its one script. Plain HTML and CSS that work without
JavaScript; the script only adds upload progress."""

LAYOUT = """<!DOCTYPE html>
<html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="csrf-token" content="{{ csrf }}">
<title>{{ title }} · vanban</title>
<style>
body{font-family:"Liberation Sans",Arial,sans-serif;margin:0;color:#222;background:#fafafa}
header{background:#1f4e8c;color:#fff;padding:.5em 1.2em;display:flex;gap:1.5em;align-items:center}
header a{color:#fff;text-decoration:none;font-weight:bold} header .brand{font-size:1.2em;margin-right:1em}
main{padding:1em 1.5em} h1{font-size:1.35em;margin:.2em 0 .6em}
table{border-collapse:collapse;background:#fff} td,th{border:1px solid #ccc;padding:.25em .5em;vertical-align:top}
th{background:#eef2f7;text-align:left} .muted{color:#666} .stub{color:#777;font-style:italic}
.review{display:grid;grid-template-columns:minmax(0,1.1fr) minmax(0,1fr);gap:1.2em}
.original img{width:100%;border:1px solid #bbb;margin-bottom:.6em;background:#fff}
.original iframe{width:100%;height:70vh;border:1px solid #bbb;background:#fff}
.field{margin:.35em 0;padding:.35em .5em;background:#fff;border:1px solid #ddd;border-radius:4px}
.field label{display:block;font-weight:bold;font-size:.85em;color:#334}
.field input,.field textarea{width:100%;box-sizing:border-box;font:inherit;padding:.2em}
.field.doubtful{border-color:#c77700;background:#fff6e5}
.field.doubtful label::after{content:" · check this field";color:#a35f00;font-weight:normal}
.field.corrected{border-color:#2e7d32;background:#eef8ee}
.note{font-size:.8em;color:#555} .conf{font-size:.8em;color:#a35f00}
.actions button{margin:.6em .4em 0 0;padding:.4em .9em} form.inline{display:inline}
.drop{border:2px dashed #1f4e8c;padding:1.2em;background:#fff;max-width:40em}
progress{width:100%} .error{color:#b3261e}
.snippet{font-size:.85em;color:#444;margin-top:.2em} mark{background:#fff0a8} nav.pages{margin:.8em 0}
</style></head><body>
<header><span class="brand">vanban</span><a href="/">Inbox</a><a href="/letters">Letters</a>
<a href="/register">Register</a><a href="/api">API</a></header>
<main>{{BODY}}</main>
<script src="/static/desk.js"></script></body></html>"""

ERROR = """<h1>{{ code }} {{ name }}</h1><p class="error">{{ message }}</p><p><a href="/">Back to the inbox</a></p>"""

INBOX = """<h1>Inbox</h1>
<form class="drop" id="upload" action="/upload" method="post" enctype="multipart/form-data">
<input type="hidden" name="csrf" value="{{ csrf }}">
<p>Letters to file (PDF, DOCX, DOC, images, TXT; at most {{ limit }} MB in one upload). They go through the
same reading, limits and quarantine as the nightly batch.</p>
<input type="file" name="files" multiple required> <button type="submit">Upload and file</button>
<progress id="progress" max="100" value="0" hidden></progress><p id="status" class="muted"></p>
</form>
<h2>Latest letters received</h2>
{% if recent %}<table><tr><th>Số đến</th><th>Ngày đến</th><th>Số, ký hiệu</th><th>Tác giả</th><th>Trích yếu</th></tr>
{% for r in recent %}<tr><td>{{ r.number }}/{{ r.year }}</td><td>{{ r.received }}</td>
<td><a href="/letters/{{ r.id }}">{{ r.full_number or "(no number)" }}</a></td><td>{{ r.issuer or "" }}</td>
<td>{{ r.title }}</td></tr>{% endfor %}</table>{% else %}<p class="muted">No letter yet.</p>{% endif %}"""

UPLOADED = """<h1>Upload filed</h1>
<p>{{ report.files|length }} file(s): {% for k, v in report.counts.items() if v %}{{ v }} {{ k.replace("_", " ") }}{% if not loop.last %}, {% endif %}{% endfor %}.</p>
<table><tr><th>File</th><th>Outcome</th><th>Letter</th></tr>
{% for f in report.files %}<tr><td>{{ f.name }}</td><td>{{ f.outcome.replace("_", " ") }}{% if f.reason %} ({{ f.reason }}){% endif %}</td>
<td>{% if f.id %}<a href="/letters/{{ f.id }}">{{ f.key or "open" }}</a>{% else %}—{% endif %}</td></tr>{% endfor %}</table>
<p><a href="/">Upload more</a></p>"""

LETTERS = """<h1>Letters</h1>
<form method="get" action="/letters">
<input name="q" value="{{ f.q or '' }}" placeholder="đấu thầu (dau thau), phòng cháy…" size="30">
<input name="issuer" value="{{ f.issuer or '' }}" placeholder="issuer">
<input name="type" value="{{ f.doc_type or '' }}" placeholder="type (công văn…)">
<input name="year" value="{{ f.year or '' }}" placeholder="year" size="5">
<select name="relation"><option value="">any relation</option>
{% for r in ["legal_basis","implements","replies_to","follows_up","guides","details","amends","replaces","repeals","refers_to"] %}
<option value="{{ r }}" {% if f.relation == r %}selected{% endif %}>{{ r }}</option>{% endfor %}</select>
<label><input type="checkbox" name="stubs" value="1" {% if f.stubs %}checked{% endif %}> with cited documents not held</label>
<button type="submit">Search</button></form>
<p class="muted" id="total">{{ total }} kết quả{% if total %} · {{ first + 1 }}–{{ first + items|length }}{% endif %}</p>
<table><tr><th>Số, ký hiệu</th><th>Loại</th><th>Ngày</th><th>Cơ quan</th><th>Trích yếu</th></tr>
{% for i in items %}<tr class="{{ 'stub' if i.stub else '' }}"><td><a href="/letters/{{ i.id }}">{{ i.full_number or i.key or ("#" ~ i.id) }}</a>
{% if i.corrected %}<span class="note">(checked)</span>{% endif %}</td><td>{{ i.doc_type or "" }}</td>
<td>{{ i.date or "" }}</td><td>{{ i.issuer or "" }}</td><td>{{ i.subject or ("not in the archive" if i.stub else "") }}
{% if i.snippet %}<div class="snippet">{% for part, match in i.snippet %}{% if match %}<mark>{{ part }}</mark>{% else %}{{ part }}{% endif %}{% endfor %}</div>{% endif %}</td></tr>
{% endfor %}</table>
{% if pages_n > 1 %}<nav class="pages" aria-label="Trang">Trang: {% for n in range(1, pages_n + 1) %}{% if n == at %}<strong aria-current="page">{{ n }}</strong>
{% else %}<a href="{{ link(n) }}">{{ n }}</a> {% endif %}{% endfor %}</nav>{% endif %}"""

STUB = """<h1>{{ doc.full_number or doc.key }}</h1>
<p class="stub">Known only because letters cite it: not in the archive yet ({{ doc.doc_type or "" }}
{{ doc.date or "" }} {{ doc.issuer or "" }}). It becomes a letter when it arrives.</p>
<p><a href="/letters/{{ doc.id }}/graph">What cites it</a></p>
{{VALIDITY}}"""

REVIEW = """<h1>{{ rec.doc_type or "Letter" }} {{ rec.full_number or "(number blank)" }}</h1>
<p class="muted">{{ rec.issuer or "" }} · {{ rec.date or "no date" }} ·
<a href="/letters/{{ doc.id }}/graph">citation graph</a> ·
{% for s in doc.sources %}<a href="/files/{{ s.sha256 }}">original ({{ s.format }})</a>{% if not loop.last %}, {% endif %}{% endfor %}
{% if doc.sources | selectattr("searchable") | list %} · <a href="/letters/{{ doc.id }}/searchable.pdf" id="searchable">Tải bản PDF có thể tìm kiếm</a>{% endif %}
{% if rec.checked %} · <strong>checked</strong>{% endif %}</p>
{{VALIDITY}}
<div class="review">
<section class="original">
{% for n in range(1, pages_n + 1) %}<img src="/letters/{{ doc.id }}/page/{{ n }}.png" alt="page {{ n }}" loading="lazy">{% endfor %}
<h2>Text, every field highlighted where it was read</h2>
<iframe src="/letters/{{ doc.id }}/text.html" title="the text with the fields highlighted"></iframe>
</section>
<section>
<form method="post" action="/letters/{{ doc.id }}/correct" id="corrections">
<input type="hidden" name="csrf" value="{{ csrf }}">
{% for fl in fields %}
<div class="field {{ 'doubtful' if fl.doubtful and not fl.correction else '' }} {{ 'corrected' if fl.correction else '' }}" id="field-{{ fl.name }}">
<label for="in-{{ fl.name }}">{{ fl.name.replace("_", " ") }}</label>
{% if fl.multiline %}<textarea id="in-{{ fl.name }}" name="{{ fl.name }}" rows="3">{{ fl.value }}</textarea>
{% else %}<input id="in-{{ fl.name }}" name="{{ fl.name }}" value="{{ fl.value }}">{% endif %}
{% if fl.confidence is not none %}<span class="conf">OCR confidence {{ "%.2f"|format(fl.confidence) }}</span>{% endif %}
{% if fl.correction %}<div class="note">corrected by {{ fl.correction.who }} at {{ fl.correction.time[:16] }};
extracted: {{ fl.correction.extracted if fl.correction.extracted is not none else "(nothing)" }}</div>{% endif %}
</div>{% endfor %}
<div class="actions"><input name="by" placeholder="your name" size="14">
<button type="submit" name="action" value="save">Save corrections</button>
<button type="submit" name="action" value="checked">All correct: mark checked</button></div>
</form>
<form method="post" action="/letters/{{ doc.id }}/reextract" class="inline actions">
<input type="hidden" name="csrf" value="{{ csrf }}"><button type="submit">Read the original again</button></form>
<h2>References</h2>
<table><tr><th>Relation</th><th>Cited</th><th>Date</th></tr>
{% for r in rec.references %}<tr><td>{{ r.relation }}</td><td>{{ r.full_number or r.name or "" }}</td><td>{{ r.date or "" }}</td></tr>
{% else %}<tr><td colspan="3" class="muted">none</td></tr>{% endfor %}</table>
{% if rec.warnings %}<h2>Warnings</h2><ul>{% for w in rec.warnings %}<li>{{ w }}</li>{% endfor %}</ul>{% endif %}
</section></div>"""

# the status at today and its evidence (graph/status.py), on a letter's page and a stub's
VALIDITY = """{% if validity %}<div class="validity" id="validity"><p>Hiệu lực: <strong>{{ validity.summary }}</strong>
<span class="muted">(suy ra từ văn bản, ngày {{ validity.today }})</span></p>
{% if validity.record.note %}<p class="note">{{ validity.record.note }}</p>{% endif %}
{% if validity.record.by %}<table><tr><th>Văn bản</th><th>Tác động</th><th>Phạm vi</th><th>Từ ngày</th><th>Câu</th></tr>
{% for a in validity.record.by %}<tr><td><a href="/letters/{{ a.id }}">{{ a.full_number or a.key or ("#" ~ a.id) }}</a></td>
<td>{{ validity.relations[a.relation] }}</td><td>{{ "toàn bộ" if a.scope == "whole" else a.scope }}</td>
<td>{{ validity.vi_date(a.effective) or "chưa rõ" }}</td><td class="note">{{ a.sentence }}</td></tr>{% endfor %}</table>{% endif %}
</div>{% endif %}"""
STUB = STUB.replace("{{VALIDITY}}", VALIDITY)
REVIEW = REVIEW.replace("{{VALIDITY}}", VALIDITY)

REGISTER = """<h1>Sổ đăng ký văn bản đến</h1>
<form method="get" action="/register">
<select name="year"><option value="">every year</option>{% for y in years %}<option {% if f.year == y %}selected{% endif %}>{{ y }}</option>{% endfor %}</select>
<input name="issuer" value="{{ f.issuer or '' }}" placeholder="tác giả"> <input name="type" value="{{ f.doc_type or '' }}" placeholder="tên loại">
<input name="q" value="{{ f.q or '' }}" placeholder="words"> <button type="submit">Filter</button>
<a href="/register.csv?{{ request.query_string.decode() }}">CSV</a> · <a href="/register.xlsx?{{ request.query_string.decode() }}">XLSX</a></form>
<table><tr>{% for key, heading in columns %}<th>{{ heading }}</th>{% endfor %}</tr>
{% for r in rows %}<tr>{% for key, heading in columns %}<td>{% if key == "full_number" %}<a href="/letters/{{ r.id }}">{{ r[key] or "(no number)" }}</a>
{% elif key == "number" %}{{ r.number }}/{{ r.year }}{% else %}{{ r[key] or "" }}{% endif %}</td>{% endfor %}</tr>{% endfor %}</table>"""

API = """<h1>JSON API</h1><p>OpenAPI description: <a href="/api/openapi.json">/api/openapi.json</a>. Scripts send
the header <code>X-Vanban-Client</code> (any value) with POST and PATCH, and <code>Authorization: Bearer TOKEN</code>
when the desk serves beyond this machine.</p>
<table><tr><th>Method</th><th>Path</th><th>What</th></tr>
{% for path, ops in spec.paths.items() %}{% for method, op in ops.items() %}<tr><td>{{ method.upper() }}</td><td><code>{{ path }}</code></td>
<td>{{ op.summary }}</td></tr>{% endfor %}{% endfor %}</table>"""

JS = r"""// vanban desk: upload progress (the page works without it)
(function () {
  var form = document.getElementById("upload");
  if (!form || !window.XMLHttpRequest || !window.FormData) return;
  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    var bar = document.getElementById("progress"), status = document.getElementById("status");
    var xhr = new XMLHttpRequest();
    bar.hidden = false;
    xhr.upload.onprogress = function (e) {
      if (e.lengthComputable) { bar.value = Math.round(100 * e.loaded / e.total); }
      status.textContent = "sending… " + bar.value + " %";
    };
    xhr.upload.onload = function () { status.textContent = "reading and filing the letters…"; };
    xhr.onload = function () {
      document.open(); document.write(xhr.responseText); document.close();
    };
    xhr.onerror = function () { status.textContent = "the upload failed"; };
    xhr.open("POST", form.action);
    xhr.send(new FormData(form));
  });
})();
"""
