"""The HTML export: one page that opens offline, in any browser, years from now. An inline SVG drawn from a
deterministic layered layout (no JavaScript, no fonts or scripts to fetch, inline CSS), then the same
documents as a table, which screen readers and text search can use.

Layout: columns left to right in the direction citations point. Around a centre document: the documents
that cite it on the left (one column per hop), the centre, what it rests on on the right. The whole graph:
each document's column is its longest citation chain down to a document that cites nothing, so every edge
points right. Within a column, documents sit near the mean height of their neighbours in the column drawn
before (one barycentre sweep), ties by date and key: the same graph always gives the same picture.
"""
from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Callable

from pipeline.errors import UsageError

MAX_NODES = 2_000  # beyond this an SVG is unreadable and heavy: ask for a neighbourhood instead
BOX_W, BOX_H, COL_W, ROW_H, MARGIN = 200, 42, 300, 58, 30
FAMILIES = {  # edge colour by what the citation does to the cited document
    "changes": ("amends", "replaces", "repeals", "terminates", "suspends", "corrects", "consolidates"),
    "basis": ("legal_basis", "implements", "details", "guides"),
}
PAGE_CSS = """
body{font-family:"Times New Roman",Liberation Serif,serif;margin:1.5em;color:#222}
h1{font-size:1.3em;margin:0 0 .3em} p.note{margin:.2em 0 1em;color:#555}
table{border-collapse:collapse;margin-top:1.2em;font-size:.9em} td,th{border:1px solid #ccc;padding:.2em .5em}
"""
# the drawing's own rules: the standalone page and the desk's graph view (inside the desk's layout) share them
GRAPH_CSS = """
ul.legend{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:1.2em;margin:0 0 1em}
ul.legend li{display:flex;align-items:center;gap:.4em}
.graph{overflow:auto;border:1px solid #ddd}
svg text{font-family:"Times New Roman",Liberation Serif,serif}
.node rect{fill:#eef4ff;stroke:#1f4e8c;stroke-width:1.2}
.node.stub rect{fill:#f2f2f2;stroke:#888;stroke-dasharray:5 3}
.node.stub text{fill:#666}
.node.centre rect{fill:#fff3c4;stroke:#a66f00;stroke-width:2.4}
.node .num{font-size:13px;font-weight:bold} .node .sub{font-size:10px;fill:#555}
.edge{fill:none;stroke:#8a8a8a;stroke-width:1.1} .edge.basis{stroke:#1f4e8c} .edge.changes{stroke:#b3261e}
.rel{font-size:9px;fill:#444;paint-order:stroke;stroke:#fff;stroke-width:3px}
table.documents{margin-top:1.2em} tr.stub td{color:#666;font-style:italic}
"""
CSS = PAGE_CSS + GRAPH_CSS


def _same(text: str) -> str:
    return text


@dataclass(frozen=True)
class Wording:
    """The page's words. The defaults are the offline export's (English, ISO dates, relation keys, a key
    column); the desk passes its gettext, Vietnamese relation names and dd/mm/yyyy dates. `_` is called on
    every sentence of the page (its msgids are extracted from this file into the desk's catalogue)."""

    _: Callable[[str], str] = _same
    relation: Callable[[str], str] = _same
    date: Callable[[str | None], str | None] = field(default=lambda iso: iso)
    keys: bool = True  # a key column in the table and the key in each node's tooltip


PLAIN = Wording()


def esc(value) -> str:
    """Escaped for HTML text and attributes; '://' is written as an entity so that no URL appears in the
    page's source even when a document's subject quotes one (nothing to fetch, nothing to flag)."""
    return html.escape("" if value is None else str(value), quote=True).replace("://", ":&#47;&#47;")


def _columns(g: nx.DiGraph) -> dict[int, int]:
    """node → column, 0 = leftmost."""
    import networkx as nx

    if "centre" in g.graph:
        col = {n: (a.get("depth", 0) if a.get("side") == "cited" else -a.get("depth", 0)) for n, a in g.nodes(data=True)}
    else:
        c = nx.condensation(g)
        level: dict[int, int] = {}
        for comp in reversed(list(nx.topological_sort(c))):
            level[comp] = 1 + max((level[s] for s in c.successors(comp)), default=-1)
        col = {n: -level[c.graph["mapping"][n]] for n in g}
    low = min(col.values(), default=0)
    return {n: v - low for n, v in col.items()}


def _rows(g: nx.DiGraph, col: dict[int, int]) -> dict[int, int]:
    """node → row within its column: barycentre of neighbours already placed, then newest, then key."""
    import networkx as nx

    by_col: dict[int, list[int]] = {}
    for n, c in col.items():
        by_col.setdefault(c, []).append(n)
    start = col[g.graph["centre"]] if "centre" in g.graph else 0
    sweep = sorted(by_col, key=lambda c: (abs(c - start), c))
    row: dict[int, int] = {}
    for c in sweep:
        def weight(n: int) -> tuple:
            placed = [row[m] for m in nx.all_neighbors(g, n) if m in row]
            attrs = g.nodes[n]
            return (sum(placed) / len(placed) if placed else 0.0, "~" if attrs.get("date") is None else "",
                    _neg(attrs.get("date") or ""), attrs.get("key") or "", n)
        for i, n in enumerate(sorted(by_col[c], key=weight)):
            row[n] = i
    return row


def _neg(date: str) -> str:
    """A string that sorts in the reverse order of an ISO date (newest first)."""
    return "".join(chr(ord("9") - ord(ch) + ord("0")) if ch.isdigit() else ch for ch in date)


def _short(text: str, n: int = 28) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def _node_svg(n: int, a: dict, x: int, y: int, label: Callable, centre, link: Callable | None = None,
              w: Wording = PLAIN) -> str:
    _ = w._
    cls = "node" + (" stub" if a.get("stub") else "") + (" centre" if n == centre else "")
    date = w.date(a.get("date"))
    sub = " · ".join(v for v in (a.get("doc_type"), date) if v) or (_("stub") if a.get("stub") else "")
    key = a.get("key") if w.keys else None
    title = "\n".join(v for v in (label(n, a), key, a.get("doc_type"), a.get("issuer"), date,
                                  a.get("subject"), _("not in the archive (stub)") if a.get("stub") else None) if v)
    body = (f'<title>{esc(title)}</title><rect x="{x}" y="{y}" width="{BOX_W}" height="{BOX_H}" rx="5"/>'
            f'<text class="num" x="{x + 8}" y="{y + 17}">{esc(_short(label(n, a)))}</text>'
            f'<text class="sub" x="{x + 8}" y="{y + 33}">{esc(_short(sub, 38))}</text>')
    if link:  # the desk: each document opens its own page
        body = f'<a href="{esc(link(n))}">{body}</a>'
    return f'<g class="{cls}" id="n{n}">{body}</g>'


def _bezier(points: tuple, t: float) -> tuple[float, float]:
    (x0, y0), (x1, y1), (x2, y2), (x3, y3) = points
    a, b, c, d = (1 - t) ** 3, 3 * (1 - t) ** 2 * t, 3 * (1 - t) * t ** 2, t ** 3
    return a * x0 + b * x1 + c * x2 + d * x3, a * y0 + b * y1 + c * y2 + d * y3


def _edge_svg(p: dict, s: int, d: int, relation: str, near_target: bool, w: Wording = PLAIN) -> str:
    """A cubic curve from the citing box to the cited one, arrowhead at the cited end. The relation is
    written near the less crowded end (`near_target`), where edges fanning out of one box have parted."""
    (sx, sy), (dx, dy) = p[s], p[d]
    y1, y2 = sy + BOX_H / 2, dy + BOX_H / 2
    if sx < dx:
        x1, x2, bend1, bend2 = sx + BOX_W, dx - 2, 60, -60
    elif sx > dx:
        x1, x2, bend1, bend2 = sx, dx + BOX_W + 2, -60, 60
    else:  # same column (a cycle, or siblings): loop out to the right
        x1, x2, bend1, bend2 = sx + BOX_W, dx + BOX_W + 2, 70, 70
    curve = ((x1, y1), (x1 + bend1, y1), (x2 + bend2, y2), (x2, y2))
    lx, ly = _bezier(curve, 0.78 if near_target else 0.22)
    family = next((f for f, rels in FAMILIES.items() if relation in rels), "other")
    _, (c1x, c1y), (c2x, c2y), _ = curve
    name = w.relation(relation)
    return (f'<path class="edge {family}" marker-end="url(#arrow-{family})" '
            f'd="M{x1:.0f},{y1:.0f} C{c1x:.0f},{c1y:.0f} {c2x:.0f},{c2y:.0f} {x2:.0f},{y2:.0f}">'
            f'<title>{esc(name)}</title></path>'
            f'<text class="rel" x="{lx:.0f}" y="{ly - 3:.0f}" text-anchor="middle">{esc(name)}</text>')


def _markers() -> str:
    colours = {"basis": "#1f4e8c", "changes": "#b3261e", "other": "#8a8a8a"}
    return "<defs>" + "".join(
        f'<marker id="arrow-{f}" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" '
        f'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="{c}"/></marker>'
        for f, c in colours.items()) + "</defs>"


def layout(g: nx.DiGraph) -> dict[int, tuple[int, int]]:
    """node → (column, row)."""
    col = _columns(g)
    row = _rows(g, col)
    return {n: (col[n], row[n]) for n in g}


def render_svg(g: nx.DiGraph, label: Callable, grid: dict[int, tuple[int, int]], link: Callable | None = None,
               w: Wording = PLAIN) -> str:
    col, row = {n: c for n, (c, _) in grid.items()}, {n: r for n, (_, r) in grid.items()}
    pos = {n: (MARGIN + col[n] * COL_W, MARGIN + row[n] * ROW_H) for n in g}
    width = MARGIN * 2 + (max(col.values(), default=0)) * COL_W + BOX_W + 80
    height = MARGIN * 2 + (max(row.values(), default=0)) * ROW_H + BOX_H
    centre = g.graph.get("centre")
    edges = "".join(_edge_svg(pos, s, d, a.get("relation") or "", g.in_degree(d) <= g.out_degree(s), w)
                    for s, d, a in sorted(g.edges(data=True)))
    nodes = "".join(_node_svg(n, g.nodes[n], *pos[n], label, centre, link, w) for n in sorted(g))
    name = esc(w._("citation graph"))
    return (f'<svg role="img" aria-label="{name}" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}">{_markers()}<g class="edges">{edges}</g>{nodes}</svg>')


def _legend(w: Wording = PLAIN) -> str:
    _ = w._

    def swatch(inner: str) -> str:
        return f'<svg width="46" height="22" viewBox="0 0 46 22" aria-hidden="true">{inner}</svg>'
    box = '<g class="node{}"><rect x="2" y="2" width="42" height="18" rx="4"/></g>'
    line = '<path class="edge {0}" d="M2,11 L38,11" marker-end="url(#arrow-{0})"/>'

    def names(relations) -> str:
        return ", ".join(w.relation(r) for r in relations)
    items = [(box.format(""), _("a letter in the archive")), (box.format(" centre"), _("the centre document")),
             (box.format(" stub"), _("cited, not in the archive (stub)")),
             (line.format("basis"), _("rests on: %(relations)s") % {"relations": names(FAMILIES["basis"])}),
             (line.format("changes"), _("changes: %(relations)s") % {"relations": names(FAMILIES["changes"])}),
             (line.format("other"), _("other citations (%(relations)s …)")
              % {"relations": names(("replies_to", "follows_up", "refers_to"))})]
    return '<ul class="legend">' + "".join(f"<li>{swatch(i)}<span>{esc(t)}</span></li>" for i, t in items) + "</ul>"


def _table(g: nx.DiGraph, label: Callable, grid: dict[int, tuple[int, int]], w: Wording = PLAIN) -> str:
    """The drawn documents in drawing order (column by column, top to bottom)."""
    _ = w._
    headings = [_("number"), _("type"), _("date"), _("issuer")] + ([_("key")] if w.keys else []) + [_("cites"),
                                                                                                  _("cited by")]
    head = "<tr>" + "".join(f"<th>{esc(h)}</th>" for h in headings) + "</tr>"
    stub = ' class="stub"'
    body = "".join(
        f'<tr{stub if a.get("stub") else ""}><td>{esc(label(n, a))}</td><td>{esc(a.get("doc_type"))}</td>'
        f'<td>{esc(w.date(a.get("date")))}</td><td>{esc(a.get("issuer"))}</td>'
        + (f'<td>{esc(a.get("key"))}</td>' if w.keys else "") +
        f"<td>{g.out_degree(n)}</td><td>{g.in_degree(n)}</td></tr>"
        for n, a in sorted(g.nodes(data=True), key=lambda na: grid[na[0]]))
    return f'<table class="documents">{head}{body}</table>'


def render_parts(g: nx.DiGraph, label: Callable, link: Callable | None = None, w: Wording = PLAIN) -> dict:
    """The page's pieces: `title` and `note` (text), `legend`, `svg` and `table` (HTML). The offline page puts
    them in a page of their own, the desk inside its layout. `link(node)`, when given, makes each drawn
    document a link (the desk)."""
    if g.number_of_nodes() > MAX_NODES:
        raise UsageError("the graph has %(count)d documents; an HTML drawing takes at most %(max)d: export a "
                         "neighbourhood (--around KEY --depth N) or use graphml/gexf",
                         count=g.number_of_nodes(), max=MAX_NODES)
    _ = w._
    centre, grid = g.graph.get("centre"), layout(g)
    title = (_("Citation graph around %(label)s") % {"label": label(centre, g.nodes[centre])} if centre in g
             else _("Citation graph"))
    counts = {"documents": g.number_of_nodes(), "citations": g.number_of_edges()}
    note = (_("%(documents)d documents, %(citations)d citations. Arrows point from the citing document to the "
              "cited one: documents citing the centre are on its left, what it rests on on its right.") if centre in g
            else _("%(documents)d documents, %(citations)d citations. Arrows point from the citing document to the "
                   "cited one.")) % counts
    return {"title": title, "note": note, "legend": _legend(w), "svg": render_svg(g, label, grid, link, w),
            "table": _table(g, label, grid, w)}


def render_page(g: nx.DiGraph, label: Callable, link: Callable | None = None) -> str:
    """The whole page as a string (the offline export)."""
    p = render_parts(g, label, link)
    return (f'<!DOCTYPE html>\n<html lang="vi"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>{esc(p["title"])}</title>'
            f"<style>{CSS}</style></head><body><h1>{esc(p['title'])}</h1><p class=\"note\">{esc(p['note'])}</p>"
            f'{p["legend"]}<div class="graph">{p["svg"]}</div>{p["table"]}</body></html>\n')
