"""The citation graph as a networkx.DiGraph, for what needs a whole graph (paths, exports).

Nodes are documents.id with the attributes key, full_number, doc_type, issuer, date, stub (bool), subject;
an edge citing → cited carries `relation`. Building the whole graph reads two tables, so it is cached in
this process: the cache key changes whenever the archive does (see `_signature`). A neighbourhood
(`around`) is read with the indexed walks of queries.py instead, so it never needs the whole graph.
"""
from __future__ import annotations

import json

import networkx as nx

from pipeline.graph.base import require, snapshot, walk

NODE_COLUMNS = "id, key, full_number, doc_type, issuer, date, stub, subject"
_CACHE: dict[tuple, nx.DiGraph] = {}
_CACHE_SIZE = 2  # whole graphs are big: keep the current one and one other archive's


def _db_name(db) -> str:
    """The database file, so two connections to one archive share a cached graph; an in-memory database is
    known only by its connection."""
    for row in db.execute("PRAGMA database_list"):
        if row[1] == "main" and row[2]:
            return row[2]
    return f"memory:{id(db)}"


def _signature(db) -> tuple:
    """Changes whenever the graph may have: the archive's change counter, which triggers on documents and
    refs bump on every insert, update or delete (schema migration 3), whoever writes and however, and the
    archive's identity, so another archive under the same file name is never mistaken for this one.
    One row read: cheap enough to check before every query."""
    archive, changes = db.execute("SELECT archive, changes FROM state").fetchone()
    return (_db_name(db), archive, changes)


def _attrs(row) -> dict:
    return {"key": row["key"], "full_number": row["full_number"], "doc_type": row["doc_type"],
            "issuer": row["issuer"], "date": row["date"], "stub": bool(row["stub"]), "subject": row["subject"]}


def _whole(db) -> nx.DiGraph:
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
        key = _signature(db)
        graph = _CACHE.get(key)
        if graph is None:
            graph = _whole(db)
            _remember(key, graph)
    return graph


def _remember(key: tuple, graph: nx.DiGraph) -> None:
    """Keep `graph`, drop older states of the same database, and the oldest others beyond _CACHE_SIZE."""
    for old in [k for k in _CACHE if k[0] == key[0]]:
        del _CACHE[old]
    while len(_CACHE) >= _CACHE_SIZE:
        del _CACHE[next(iter(_CACHE))]
    _CACHE[key] = graph


def clear_cache() -> None:
    """Forget cached whole graphs and graph arrays (tests; a long-running server after a bulk change made
    elsewhere)."""
    from pipeline.graph import csr  # csr reads the signature from here
    _CACHE.clear()
    csr.clear_cache()
