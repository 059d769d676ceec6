"""The citation graph as a networkx.DiGraph, for what needs a whole graph (paths, exports).

Nodes are documents.id with the attributes key, full_number, doc_type, issuer, date, stub (bool), subject;
an edge citing → cited carries `relation`. Building the whole graph reads two tables, so it is cached in
this process with the graph's arrays (base.held: one cache, keyed on the archive's state, base.signature). A neighbourhood
(`around`) is read with the indexed walks of queries.py instead, so it never needs the whole graph.
"""
from __future__ import annotations

import json

from pipeline.graph.base import held, hold, require, signature, snapshot, walk

NODE_COLUMNS = "id, key, full_number, doc_type, issuer, date, stub, subject"


def _attrs(row) -> dict:
    return {"key": row["key"], "full_number": row["full_number"], "doc_type": row["doc_type"],
            "issuer": row["issuer"], "date": row["date"], "stub": bool(row["stub"]), "subject": row["subject"]}


def _whole(db) -> nx.DiGraph:
    import networkx as nx

    g = nx.DiGraph()
    with snapshot(db):  # every edge's ends among the nodes read
        g.add_nodes_from((r["id"], _attrs(r)) for r in db.execute(f"SELECT {NODE_COLUMNS} FROM documents"))
        g.add_edges_from((s, d, {"relation": rel})
                         for s, d, rel in db.execute("SELECT src_id, dst_id, relation FROM refs"))
    return g


def _neighbourhood(db, around: int, depth: int | None) -> nx.DiGraph:
    """The centre, what it rests on and what rests on it up to `depth` hops, and every edge among them.
    Each node records `depth` (hops from the centre) and `side` (centre | cited | citing; a node on both
    sides, through a cycle, goes to the nearer, the cited side on a tie) for the drawing."""
    import networkx as nx

    centre = require(db, around)
    up, down = walk(db, around, True, depth), walk(db, around, False, depth)
    place = {around: (0, "centre")}
    for found, side in ((up, "cited"), (down, "citing")):
        for node, (hops, _relation, _via) in found.items():
            if node not in place or hops < place[node][0]:
                place[node] = (hops, side)
    ids = json.dumps(sorted(place))
    g = nx.DiGraph(centre=around)
    rows = db.execute(f"SELECT {NODE_COLUMNS} FROM documents WHERE id IN (SELECT value FROM json_each(?))", (ids,))
    g.add_nodes_from((r["id"], _attrs(r) | {"depth": place[r["id"]][0], "side": place[r["id"]][1]}) for r in rows)
    # src by index, dst filtered here: with both as IN lists SQLite may probe every (src, dst) pair
    edges = db.execute("SELECT src_id, dst_id, relation FROM refs WHERE src_id IN (SELECT value FROM json_each(?))", (ids,))
    g.add_edges_from((s, d, {"relation": rel}) for s, d, rel in edges if d in place)
    g.graph["centre_key"] = centre[1] or ""  # FIELDS order: id, key, …
    return g


def build_graph(db, around: int | None = None, depth: int | None = None) -> nx.DiGraph:
    """The whole citation graph (cached: treat it as read-only), or with `around` the neighbourhood of one
    document up to `depth` hops each way (None: no limit)."""
    if around is not None:
        with snapshot(db):
            return _neighbourhood(db, around, depth)
    with snapshot(db):  # the signature and the graph from the same state
        key = signature(db)
        graph = held(db, "networkx", key)
        if graph is None:
            graph = _whole(db)
            hold(key, "networkx", graph)
    return graph
