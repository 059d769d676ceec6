"""Exports of the citation graph (contract: `vanban graph export --format … --output PATH [--around KEY]`).

graphml  yEd, Gephi, Cytoscape, networkx          gexf  Gephi
json     networkx node_link_data (D3 and friends)  csv   a folder for `neo4j-admin database import`
html     one self-contained page (page.py): an SVG drawing, readable offline, with nothing to load

Every node carries `status`: its validity today (graph/status.py: in_force, amended, partly_repealed, repealed,
replaced, not_yet_in_force, unknown).

GraphML and GEXF cannot hold a missing value (networkx refuses None, Gephi chokes on it), so unknown text
becomes "" there; JSON keeps null, which is what the archive means by unknown.
"""
from __future__ import annotations

import csv
import json
import os
from pathlib import Path

from pipeline.errors import UsageError, VanbanError
from pipeline.graph.base import FORMATS
from pipeline.graph.build import build_graph
from pipeline.graph.page import render_page
from pipeline.graph.status import statuses

NODE_HEADER = ["id:ID", "key", "full_number", "doc_type", "issuer", "date", "stub:boolean", ":LABEL", "status"]
EDGE_HEADER = [":START_ID", ":END_ID", ":TYPE", "relation"]


def label(node: int, attrs: dict) -> str:
    """What a person reads on a node: the printed number, else the key (a law cited by name), else the id."""
    return attrs.get("full_number") or attrs.get("key") or f"{attrs.get('doc_type') or 'document'} #{node}"


def _plain(g: nx.DiGraph, rename: dict | None = None) -> nx.DiGraph:
    """A copy whose attribute values are all str, int or bool (None → ""), with a `label` on every node."""
    import networkx as nx

    rename = rename or {}

    def clean(attrs: dict) -> dict:
        return {rename.get(k, k): ("" if v is None else v) for k, v in attrs.items()
                if isinstance(v, (str, int, bool)) or v is None}
    out = nx.DiGraph()
    out.graph.update(clean(g.graph))
    out.add_nodes_from((n, clean(a) | {"label": label(n, a)}) for n, a in g.nodes(data=True))
    out.add_edges_from((s, d, clean(a)) for s, d, a in g.edges(data=True))
    return out


def _replace(tmp: Path, output: Path) -> Path:
    """Readers never see a half-written file: write beside it, then rename over it."""
    os.replace(tmp, output)
    return output


def _graphml(g: nx.DiGraph, output: Path) -> Path:
    import networkx as nx

    tmp = output.with_name(output.name + ".part")
    nx.write_graphml(_plain(g), tmp, encoding="utf-8")
    return _replace(tmp, output)


def _gexf(g: nx.DiGraph, output: Path) -> Path:
    import networkx as nx

    tmp = output.with_name(output.name + ".part")
    # networkx's GEXF writer renames an attribute called "key" to "networkx_key": name it ourselves
    nx.write_gexf(_plain(g, {"key": "doc_key"}), tmp, encoding="utf-8")
    return _replace(tmp, output)


def node_link(g: nx.DiGraph) -> dict:
    """node_link_data with the edge list under "edges" (networkx ≥ 3.4's name; older ones call it link=)."""
    import networkx as nx

    try:
        return nx.node_link_data(g, edges="edges")
    except TypeError:  # networkx < 3.4
        return nx.node_link_data(g, link="edges")


def _json(g: nx.DiGraph, output: Path) -> Path:
    tmp = output.with_name(output.name + ".part")
    tmp.write_text(json.dumps(node_link(g), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return _replace(tmp, output)


def _csv(g: nx.DiGraph, output: Path) -> Path:
    """nodes.csv and edges.csv with neo4j-admin import headers: a stub also gets the label Stub, and the
    relationship type is the relation in upper case (LEGAL_BASIS), kept as a property too."""
    output.mkdir(exist_ok=True)
    with open(output / "nodes.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(NODE_HEADER)
        for n, a in sorted(g.nodes(data=True)):
            w.writerow([n, a.get("key") or "", a.get("full_number") or "", a.get("doc_type") or "",
                        a.get("issuer") or "", a.get("date") or "", "true" if a.get("stub") else "false",
                        "Document;Stub" if a.get("stub") else "Document", a.get("status") or ""])
    with open(output / "edges.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(EDGE_HEADER)
        for s, d, a in sorted(g.edges(data=True), key=lambda e: (e[0], e[1])):
            w.writerow([s, d, a["relation"].upper(), a["relation"]])
    return output


def _html(g: nx.DiGraph, output: Path) -> Path:
    tmp = output.with_name(output.name + ".part")
    tmp.write_text(render_page(g, label), encoding="utf-8")
    return _replace(tmp, output)


WRITERS = {"graphml": _graphml, "gexf": _gexf, "json": _json, "csv": _csv, "html": _html}


def export(db, fmt: str, output: str | os.PathLike, around: int | None = None, depth: int | None = 1) -> Path:
    """Write the whole graph, or with `around` (a document id) its neighbourhood up to `depth` hops each way,
    to `output` in `fmt`; returns the path written (a folder for csv)."""
    import networkx as nx

    if fmt not in WRITERS:
        raise UsageError(f"unknown export format {fmt!r} (one of {', '.join(FORMATS)})")
    output = Path(output)
    _check_output(fmt, output)
    g = build_graph(db, around=around, depth=depth) if around is not None else build_graph(db)
    g = g.copy()  # the built graph is cached: the status of today is this export's own attribute
    nx.set_node_attributes(g, {n: r["status"] for n, r in statuses(db, list(g.nodes)).items()}, "status")
    try:
        return WRITERS[fmt](g, output)
    except OSError as exc:  # a folder not writable by this user, a full disk
        raise VanbanError(f"--output {output}: cannot be written ({exc.strerror or exc})") from None


def _check_output(fmt: str, output: Path) -> None:
    """The folder to write in must exist (no folders are made outside what was asked: a typo'd path is an
    error, not a new tree); csv writes a folder, every other format a file."""
    parent = output.parent
    if not parent.is_dir():
        raise UsageError(f"--output {output}: no folder {parent} to write in" + (" (a file)" if parent.exists() else ""))
    if fmt == "csv" and output.exists() and not output.is_dir():
        raise UsageError(f"--output {output}: a file is there; csv writes a folder (nodes.csv, edges.csv)")
    if fmt != "csv" and output.is_dir():
        raise UsageError(f"--output {output}: a folder is there; {fmt} writes a file")
