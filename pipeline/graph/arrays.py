"""The whole citation graph as arrays, for what a big archive asks of all of it: closures past the SQLite walk's
size (chain, impact), PageRank, and the filters over them.

One representation, read once per archive state and held in this process (base.held, keyed on base.signature):
  * the refs as two scipy.sparse CSR matrices over document positions (ids ascending): `fwd` (citing → cited)
    and `bwd` (cited → citing), column indices sorted within each row, each stored value the edge's relation
    code + 1; breadth-first walks are scipy.sparse.csgraph's (C), PageRank is a sparse product;
  * a columnar snapshot of the documents (key, full_number, doc_type, issuer, date, stub, year) stored in the
    records' order within a depth (ORDER_SQL: date newest first, keyless last, key, id), so a document's
    row number there is its sort rank and a closure sorts with one numpy argsort on (depth, rank).

Measured on the synthetic archive of 1M documents / 4M refs (bench/graph.py, which also times networkx and
igraph on the same graph): csgraph's breadth_first_order walks the largest chain (910k documents) in ~0.07 s
where python-igraph's bfs takes ~0.3 s (it returns Python lists) after ~1.8 s to build its graph from the
arrays, which csgraph takes as they are loaded: csgraph it is, no new dependency.

Each CLI call is a new process, so the arrays are also kept on disk beside the database
(`<db>.graph-cache.npz`): numbers as plain arrays, strings as one UTF-8 blob (NUL-separated) with a None mask (no
pickle), tagged with the archive's lasting signature (`_disk_key`). A later process opens it when the tag
matches and reads each member when first used (a chain needs `fwd` and `bwd`, never PageRank's; the string
columns only for the rows it returns); otherwise, or if the file is missing, unreadable, truncated or of
another format, it reads the archive and rewrites the file (a temporary file, then renamed; skipped quietly
where the folder is read-only).
"""
from __future__ import annotations

import gc
import json
import operator
import os
import tempfile
import weakref
from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import breadth_first_order

from pipeline.graph.base import ORDER_SQL, cursor, db_file, held, hold, signature, snapshot
from pipeline.graph.filters import RELATIONS, Filters, year_of

FORMAT = 4  # of the disk cache: bump when what _save writes changes
SUFFIX = ".graph-cache.npz"
_TEXTS = ("key", "full_number")                # one string per row
_CODED = ("doc_type", "issuer", "date")        # few distinct values: the values and a code per row


class Graph:
    """The arrays of one archive state. Members come from the archive (`_read`) or, one by one as first used,
    from the disk cache (`_open`)."""

    def __init__(self, n: int, ids: np.ndarray, parts: dict | None = None, z=None):
        self.n, self.ids = n, ids
        self._parts = dict(parts or {})
        self._z = z  # the open disk cache, read lazily
        self._masks: dict = {}

    def _member(self, name: str):
        if name not in self._parts:
            self._parts[name] = _load_member(self._z, name, self.n)
        return self._parts[name]

    @property
    def lut(self):
        return self._member("lut")

    @property
    def fwd(self) -> sp.csr_matrix:
        return self._member("fwd")

    @property
    def bwd(self) -> sp.csr_matrix:
        return self._member("bwd")

    @property
    def relations(self) -> np.ndarray:
        return self._member("relations")

    @property
    def rank(self) -> np.ndarray:
        return self._member("rank")

    @property
    def stub(self) -> np.ndarray:
        return self._member("stub")

    @property
    def year(self) -> np.ndarray:
        return self._member("year")

    def text(self, name: str) -> np.ndarray:
        return self._member(name)

    def coded(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        return self._member(name)

    def position(self, doc_id: int) -> int:
        lut = self.lut
        if lut is not None:
            return int(lut[doc_id]) if 0 <= doc_id < len(lut) else -1
        p = int(np.searchsorted(self.ids, doc_id))
        return p if p < self.n and self.ids[p] == doc_id else -1

    def walked(self, forward: bool, relations: frozenset[str] | None) -> tuple[sp.csr_matrix, sp.csr_matrix]:
        """(the matrix walked, its transpose) for a direction, with only the edges of `relations` (kept per
        relation set: a filtered copy costs a pass over the edges)."""
        held = self._walked(relations)
        return (held[0], held[1]) if forward else (held[1], held[0])

    def back_rows(self, forward: bool, relations: frozenset[str] | None) -> np.ndarray:
        """The row of each stored edge of the transpose `walked` gives (kept beside it once asked)."""
        held, at = self._walked(relations), (3 if forward else 2)
        if held[at] is None:
            held[at] = _rows(held[at - 2])
        return held[at]

    def _walked(self, relations: frozenset[str] | None) -> list:
        """[citing → cited, cited → citing, rows of the first, rows of the second] of `relations`' edges."""
        key = ("walked", relations)
        if key not in self._masks:
            if len(self._masks) >= 4:  # each relation set holds a filtered copy of the edges: a few at most
                self._masks.clear()
            if relations is None:
                pair = (self.fwd, self.bwd)
            else:
                codes = np.flatnonzero(np.isin(self.relations, sorted(relations))) + 1
                pair = tuple(_only(m, codes) for m in (self.fwd, self.bwd))
            self._masks[key] = [*pair, None, None]
        return self._masks[key]


def _rows(m: sp.csr_matrix) -> np.ndarray:
    """The row of each stored entry of a CSR matrix (its COO row), int32."""
    return np.repeat(np.arange(m.shape[0], dtype=np.int32), np.diff(m.indptr))


def _only(m: sp.csr_matrix, codes: np.ndarray) -> sp.csr_matrix:
    keep = np.isin(m.data, codes)
    rows = _rows(m)[keep]
    indptr = np.zeros(m.shape[0] + 1, dtype=m.indptr.dtype)
    np.cumsum(np.bincount(rows, minlength=m.shape[0]), out=indptr[1:])
    out = sp.csr_matrix((m.data[keep], m.indices[keep], indptr), shape=m.shape)
    out.has_sorted_indices = True
    return out


# -- the one entry point -------------------------------------------------------------------------------------------
def cached(db) -> Graph | None:
    """The arrays of the archive's current state if this process already holds them."""
    return held(db, "arrays")


def graph(db) -> Graph:
    """The arrays of the archive's current state: this process's, else the disk cache's if its tag matches,
    else read now and written to disk (signature and arrays from one snapshot)."""
    with snapshot(db):
        key = signature(db)
        g = held(db, "arrays", key)
        if g is not None:
            return g
        path, disk_key = cache_path(db), _disk_key(key)
        g = _open(path, disk_key) if path else None
        if g is None:
            g = _read(db)
            if path:
                _save(path, disk_key, g)
        hold(key, "arrays", g)
        return g


def cache_path(db) -> str | None:
    """The disk cache of a file database (None for one in memory)."""
    name = db_file(db)
    return name + SUFFIX if name else None


def _disk_key(key: tuple) -> str:
    """What tags the disk cache: the signature without the file name (the archive's identity and its change
    counter are stored in the archive itself, so they hold across processes and copies)."""
    _name, archive, changes = key
    return json.dumps([FORMAT, archive, changes])


# -- reading the archive ---------------------------------------------------------------------------------------------
def _objects(values) -> np.ndarray:
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def _code(values) -> tuple[np.ndarray, np.ndarray]:
    """(distinct values as an object array, a code per row)."""
    seen: dict = {}
    codes = np.fromiter((seen.setdefault(v, len(seen)) for v in values), dtype=np.int32, count=len(values))
    return _objects(list(seen)), codes


def _read(db) -> Graph:
    cur = cursor(db)
    rows = cur.execute(f"SELECT d.id, d.key, d.full_number, d.doc_type, d.issuer, d.date, d.stub, d.year "
                       f"FROM documents d {ORDER_SQL}").fetchall()
    cols = list(zip(*rows)) if rows else [()] * 8
    del rows
    ordered_ids = np.array(cols[0], dtype=np.int64)
    parts = {"key": _objects(cols[1]), "full_number": _objects(cols[2]), "doc_type": _code(cols[3]),
             "issuer": _code(cols[4]), "date": _code(cols[5]),
             "stub": np.array([bool(s) for s in cols[6]], dtype=bool),
             "year": np.array([year_of(d, y) or 0 for d, y in zip(cols[5], cols[7])], dtype=np.int16)}
    del cols
    rank = np.argsort(ordered_ids, kind="stable")
    ids = ordered_ids[rank]
    n = len(ids)
    lut = None
    if n and ids[0] >= 0 and ids[-1] < 4 * n + 1024:
        lut = np.full(int(ids[-1]) + 1, -1, dtype=np.int64)
        lut[ids] = np.arange(n)
    src, dst, codes, relations = _edges(db, int(ids[-1]) if n else 0)
    to_pos = (lambda a: lut[a]) if lut is not None else (lambda a: np.searchsorted(ids, a))
    src, dst = to_pos(src), to_pos(dst)
    parts.update(lut=lut, rank=rank, relations=_objects(relations), fwd=_matrix(src, dst, codes, n),
                 bwd=_matrix(dst, src, codes, n))
    return Graph(n, ids, parts)


def _edges(db, max_id: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[str]]:
    """All refs as (src ids, dst ids, relation codes). With ids below 2^26 each row comes back from SQLite as
    one packed integer (no Python tuple or str per edge): about twice as fast."""
    relations = list(RELATIONS)
    while True:
        case = "CASE relation " + " ".join(f"WHEN ? THEN {i}" for i in range(len(relations))) + " ELSE 255 END"
        n = db.execute("SELECT count(*) FROM refs").fetchone()[0]
        cur = cursor(db)
        if max_id < 1 << 26 and len(relations) < 255:
            packed = np.fromiter((r[0] for r in cur.execute(
                f"SELECT (src_id << 34) | (dst_id << 8) | {case} FROM refs", relations)), dtype=np.int64, count=n)
            src, dst, codes = packed >> 34, (packed >> 8) & ((1 << 26) - 1), (packed & 255).astype(np.uint8)
        else:
            flat = np.fromiter((v for r in cur.execute(f"SELECT src_id, dst_id, {case} FROM refs", relations)
                                for v in r), dtype=np.int64, count=3 * n)
            src, dst, codes = flat[0::3], flat[1::3], flat[2::3].astype(np.uint8)
        if not (codes == 255).any():
            return src, dst, codes, relations
        known = set(relations)  # a relation outside the contract: learn them all, read again
        relations += sorted({r[0] for r in cur.execute("SELECT DISTINCT relation FROM refs")} - known)
        if len(relations) >= 255:
            raise ValueError("more than 254 distinct relations in refs")


def _matrix(near: np.ndarray, far: np.ndarray, codes: np.ndarray, n: int) -> sp.csr_matrix:
    """Edges near → far as an n×n CSR matrix, indices sorted within each row (refs has one row per pair: no
    duplicate to sum), the value relation code + 1 (csgraph walks float64 matrices: stored so, no copy per walk)."""
    order = np.lexsort((far, near))
    near, far, codes = near[order], far[order], codes[order]
    indptr = np.zeros(n + 1, dtype=np.int32 if len(near) < 2**31 else np.int64)
    np.cumsum(np.bincount(near, minlength=n), out=indptr[1:])
    m = sp.csr_matrix((codes.astype(np.float64) + 1, far.astype(np.int32), indptr), shape=(n, n))
    m.has_sorted_indices = True
    return m


# -- the disk cache -------------------------------------------------------------------------------------------------
def _pack(values) -> dict:
    """Strings (or None) as one UTF-8 blob, NUL-separated (str.split is the fastest way back to a million
    strings), where each ends (so that one row's string can be decoded alone: Texts), and a None mask. A NUL
    inside a value cannot be stored: ValueError, the cache is not written."""
    values = list(values)
    if not all(v is None or type(v) is str for v in values):
        raise ValueError("a value that is not a string")
    strs = ["" if v is None else v for v in values]
    text = "\0".join(strs)
    if text.count("\0") != max(len(strs) - 1, 0):
        raise ValueError("a NUL inside a value")
    blob = np.frombuffer(text.encode("utf-8"), dtype=np.uint8)
    ends = np.append(np.flatnonzero(blob == 0), len(blob)) if strs else np.zeros(0, dtype=np.int64)
    return {"blob": blob, "ends": ends.astype(np.int64),
            "nulls": np.fromiter((v is None for v in values), dtype=bool, count=len(strs))}


def _unpack(blob: np.ndarray, nulls: np.ndarray) -> np.ndarray:
    parts = blob.tobytes().decode("utf-8").split("\0") if len(nulls) else []
    if len(parts) != len(nulls):
        raise ValueError("the blob does not hold one string per row")
    out = _objects(parts)
    out[nulls] = None
    return out


class Texts:
    """A string column of the disk cache, decoded by the rows asked for (`texts[rows]`, an object array, as
    the column read from the archive answers): a fresh process answering a closure decodes the strings of
    the records it makes, not the million of the archive (~0.3 s)."""

    WHOLE = 8  # past 1/8 of the rows asked for in all, the whole column is decoded once (str.split: ~20x faster
    #            a string than one decode each) and kept, as the column read from the archive is

    def __init__(self, blob: bytes, ends: np.ndarray, nulls: np.ndarray):
        self._blob, self._ends, self._nulls = blob, ends, nulls
        self._asked, self._all = 0, None

    def __len__(self) -> int:
        return len(self._ends)

    def __getitem__(self, rows) -> np.ndarray:
        rows = np.asarray(rows, dtype=np.int64)
        self._asked += len(rows)
        if self._all is None and self._asked * self.WHOLE > len(self):
            self._all = _unpack(np.frombuffer(self._blob, dtype=np.uint8), self._nulls)
        if self._all is not None:
            return self._all[rows]
        ends = self._ends[rows]
        starts = np.where(rows > 0, self._ends[np.maximum(rows - 1, 0)] + 1, 0)
        blob = self._blob
        out = _objects([blob[a:b].decode("utf-8") for a, b in zip(starts.tolist(), ends.tolist())])
        out[self._nulls[rows]] = None
        return out

    def __iter__(self):
        return iter(self[np.arange(len(self))])


def _save(path: str, key: str, g: Graph) -> None:
    """Write the arrays beside the database (atomically); any failure (a read-only folder, a full disk, a
    value that is not a string) leaves no file behind and is otherwise ignored: the cache is never needed."""
    folder = os.path.dirname(path) or "."
    tmp = None
    try:
        arrays = {"tag": np.frombuffer(key.encode("utf-8"), dtype=np.uint8), "ids": g.ids, "rank": g.rank,
                  "stub": g.stub, "year": g.year}
        for name in ("fwd", "bwd"):
            m = g._member(name)
            arrays.update({f"{name}_indptr": m.indptr, f"{name}_indices": m.indices,
                           f"{name}_codes": (m.data - 1).astype(np.uint8)})
        if g.lut is not None:
            arrays["lut"] = g.lut
        arrays.update({f"relations_{k}": v for k, v in _pack(g.relations).items()})
        for name in _TEXTS:
            arrays.update({f"{name}_{k}": v for k, v in _pack(g.text(name)).items()})
        for name in _CODED:
            values, codes = g.coded(name)
            arrays.update({f"{name}_{k}": v for k, v in _pack(values).items()}, **{f"{name}_codes": codes})
        fd, tmp = tempfile.mkstemp(prefix=os.path.basename(path) + ".", suffix=".tmp", dir=folder)
        with os.fdopen(fd, "wb") as f:
            np.savez(f, **arrays)
        try:  # readable as the database is (mkstemp's mode is 0600)
            os.chmod(tmp, os.stat(path.removesuffix(SUFFIX)).st_mode & 0o666)
        except OSError:
            pass
        os.replace(tmp, path)
        tmp = None
    except (OSError, ValueError):
        pass
    finally:
        if tmp:
            try:
                os.unlink(tmp)
            except OSError:
                pass


class _Damaged(Exception):
    """The disk cache does not hold what its tag promises."""


def _open(path: str, key: str) -> Graph | None:
    """The arrays of the disk cache if it is there, whole and tagged `key` (its members are read when first
    used, each checked then); else None."""
    f = None
    try:  # held open while the arrays are (the members are read from it as first used), closed with them
        f = open(path, "rb")
        z = np.load(f, allow_pickle=False)
    except Exception:  # missing, empty, unreadable, truncated, another format: read the archive instead
        if f is not None:
            f.close()
        return None
    try:
        if z["tag"].tobytes().decode("utf-8") != key:
            raise _Damaged
        ids = z["ids"]
        g = Graph(len(ids), ids, z=z)
        for name in ("fwd", "bwd", "rank", "relations", "lut"):  # small or needed by every walk: checked now
            g._member(name)
        weakref.finalize(g, f.close)
        return g
    except Exception:
        z.close()
        f.close()
        return None


def _load_member(z, name: str, n: int):
    """One member of the disk cache, checked. A member that turns out damaged after the file was opened (it
    was checked whole by the zip's CRC when read) raises: the caller's query fails rather than answer wrong."""
    if z is None:
        raise KeyError(name)
    if name == "lut":
        if "lut" not in z.files:
            return None
        lut = z["lut"]
        if not n or len(lut) != z["ids"][-1] + 1:
            raise _Damaged("lut")
        return lut
    if name in ("fwd", "bwd"):
        indptr, indices, codes = (z[f"{name}_{k}"] for k in ("indptr", "indices", "codes"))
        if len(indptr) != n + 1 or indptr[-1] != len(indices) or len(codes) != len(indices) or \
                (len(indices) and (indices.min() < 0 or indices.max() >= n)):
            raise _Damaged(name)
        m = sp.csr_matrix((codes.astype(np.float64) + 1, indices, indptr), shape=(n, n))
        m.has_sorted_indices = True
        return m
    if name == "relations":
        return _unpack(z["relations_blob"], z["relations_nulls"])
    if name in _TEXTS:
        blob, ends, nulls = z[f"{name}_blob"], z[f"{name}_ends"], z[f"{name}_nulls"]
        if len(ends) != n or len(nulls) != n or (n and (ends[-1] != len(blob) or (np.diff(ends) <= 0).any())):
            raise _Damaged(name)
        out = Texts(blob.tobytes(), ends, nulls)
    elif name in _CODED:
        values, codes = _unpack(z[f"{name}_blob"], z[f"{name}_nulls"]), z[f"{name}_codes"]
        if len(codes) != n or (n and (codes.min() < 0 or codes.max() >= len(values))):
            raise _Damaged(name)
        return values, codes
    else:  # rank, stub, year
        out = z[name]
    if len(out) != n or (name == "rank" and n and (out.min() < 0 or out.max() >= n)):
        raise _Damaged(name)
    return out


# -- closures --------------------------------------------------------------------------------------------------------
def walk(g: Graph, start: int, forward: bool, max_depth: int | None,
         relations: frozenset[str] | None = None) -> tuple[np.ndarray, ...]:
    """Breadth-first from position `start` by scipy.sparse.csgraph: (positions, depths, relation codes, via
    positions) of every node reached, the start excluded, in the walk's order. Each node is kept at its
    shortest depth and a cycle ends the walk; of the edges reaching a node at that depth, the one from the
    lowest-id parent wins (as base.walk), which csgraph's predecessor (the first parent dequeued) is not from
    depth 3 on, so it is chosen here: the first of the node's parents (sorted) one level up."""
    m, back = g.walked(forward, relations)
    order, pred = breadth_first_order(m, start, directed=True, return_predecessors=True)
    reached = len(order)
    empty = np.zeros(0, dtype=np.int64)
    if reached <= 1 or max_depth == 0:
        return empty, empty, empty.astype(np.uint8), empty
    # BFS order is level order, and a node's parent is dequeued before the node's level: the parents' places
    # in the order never decrease, so each level ends where the parents' places pass the previous level's end
    place = np.full(g.n, -1, dtype=np.int32)
    place[order] = np.arange(reached, dtype=np.int32)
    parent_place = place[pred[order[1:]]]
    bounds = [0, 1]
    while bounds[-1] < reached and (max_depth is None or len(bounds) <= max_depth + 1):
        bounds.append(1 + int(np.searchsorted(parent_place, bounds[-1], side="left")))
    reached = bounds[-1]
    depth = np.repeat(np.arange(len(bounds) - 1, dtype=np.int32), np.diff(bounds))
    nodes, levels = order[1:reached], depth[1:]
    place.fill(-1)  # now each node's depth (-1: not reached)
    place[order[:reached]] = depth
    # the parent: over `back`'s own arrays (row = node, its parents ascending), the first edge of each row whose
    # parent lies one level up. Unreached rows (-1) have no parent at -2; the start's row (0) is never read.
    # (A copy of the reached rows, back[nodes], and a search per row cost as much as the walk itself.)
    back_rows = g.back_rows(forward, relations)
    good = np.flatnonzero(place[back.indices] + 1 == place[back_rows])
    row = back_rows[good]  # ascending
    lead = np.ones(len(good), dtype=bool)
    np.not_equal(row[1:], row[:-1], out=lead[1:])
    first = np.zeros(g.n, dtype=np.int32)
    first[row[lead]] = good[lead]
    first = first[nodes]  # every reached node has a parent one level up: its row's first such edge
    return nodes, levels, (back.data[first] - 1).astype(np.uint8), back.indices[first]


def keep_mask(g: Graph, rows: np.ndarray, filters: Filters) -> np.ndarray:
    """Which of the documents at `rows` (rank order) pass the filters on documents."""
    ok = np.ones(len(rows), dtype=bool)
    if filters.types:
        values, codes = g.coded("doc_type")
        ok &= np.fromiter((filters.type_ok(v) for v in values), dtype=bool, count=len(values))[codes[rows]]
    if filters.years:
        low, high = filters.years
        year = g.year[rows]
        ok &= year > 0
        if low is not None:
            ok &= year >= low
        if high is not None:
            ok &= year <= high
    if filters.issuers:
        values, codes = g.coded("issuer")
        ok &= np.fromiter((v is None or filters.issuer_ok(v, None) for v in values), dtype=bool,
                          count=len(values))[codes[rows]]
        blank = np.flatnonzero(np.fromiter((v is None for v in values), dtype=bool, count=len(values)))
        none = np.flatnonzero(ok & np.isin(codes[rows], blank))  # no issuer recorded: the key says it
        if len(none):
            ok[none] = [filters.issuer_ok(None, k) for k in g.text("key")[rows[none]].tolist()]
    return ok


class Records(Sequence):
    """The graph records of a walk's result, ordered by depth then ORDER_SQL, made when read. A closure of most of
    a million-document archive is one argsort here; making its 900k dicts at once cost ~0.35 s in a process and
    the strings of every document a fresh process had to decode first. A record (the contract's graph record)
    is built when indexed or iterated, in batches; `len`, slices and `==` with a list behave as the list's."""

    _BATCH = 8192

    def __init__(self, g: Graph, pos: np.ndarray, depth: np.ndarray, rel: np.ndarray, via: np.ndarray):
        rows = g.rank[pos]
        # by depth, then rank, in linear time: the results in rank order (a mark per document), then a stable
        # sort on the depth, a small integer (numpy's radix sort): 0.02 s for 900k, a third of one argsort
        mark = np.zeros(g.n, dtype=bool)
        mark[rows] = True
        at = np.empty(g.n, dtype=np.int32)
        at[rows] = np.arange(len(rows), dtype=np.int32)
        by_rank = at[mark]
        small = np.int16 if not len(depth) or depth.max() < 2**15 else np.int64  # a chain deeper than 32k hops?
        # the walk's arrays stay as they are, read through the order a batch at a time when records are made
        self._g, self._order = g, by_rank[np.argsort(depth[by_rank].astype(small), kind="stable")]
        self._rows, self._pos, self._rel, self._depth, self._via = rows, pos, rel, depth, via

    def __len__(self) -> int:
        return len(self._order)

    def _make(self, i: slice | np.ndarray) -> list[dict]:
        g, at = self._g, self._order[i]
        sel = self._rows[at]
        doc_type, issuer, date = (values[codes[sel]] for values, codes in (g.coded(c) for c in _CODED))
        columns = (g.ids[self._pos[at]].tolist(), g.text("key")[sel].tolist(), g.text("full_number")[sel].tolist(),
                   doc_type.tolist(), issuer.tolist(), date.tolist(), g.stub[sel].tolist(),
                   g.relations[self._rel[at]].tolist(), self._depth[at].tolist(), g.ids[self._via[at]].tolist())
        paused = gc.isenabled()
        gc.disable()  # the dicts hold no cycles; the collector's full passes over a growing heap cost seconds
        try:
            return [{"id": i, "key": k, "full_number": f, "doc_type": t, "issuer": s, "date": d, "stub": b,
                     "relation": r, "depth": h, "via": v} for i, k, f, t, s, d, b, r, h, v in zip(*columns)]
        finally:
            if paused:
                gc.enable()

    def __getitem__(self, i):
        if isinstance(i, slice):
            start, stop, step = i.indices(len(self))
            return self._make(slice(start, stop) if step == 1 else np.arange(start, stop, step))
        n = len(self)
        j = operator.index(i)
        if not -n <= j < n:
            raise IndexError("record index out of range")
        return self._make(slice(j % n, j % n + 1))[0]

    def __iter__(self):
        for start in range(0, len(self), self._BATCH):
            yield from self._make(slice(start, start + self._BATCH))

    def __eq__(self, other):
        if isinstance(other, (Records, list, tuple)):
            return len(self) == len(other) and list(self) == list(other)
        return NotImplemented

    def __repr__(self) -> str:
        return f"<{len(self)} graph records>"


def closure(g: Graph, doc_id: int, forward: bool, max_depth: int | None, filters: Filters) -> Records:
    """The graph records of chain (forward) or impact of `doc_id`: the walk over `filters.relations`' edges,
    then the documents that pass the other filters."""
    pos, depth, rel, via = walk(g, g.position(doc_id), forward, max_depth, filters.relations)
    if filters.documents and len(pos):
        ok = keep_mask(g, g.rank[pos], filters)
        pos, depth, rel, via = pos[ok], depth[ok], rel[ok], via[ok]
    return Records(g, pos, depth, rel, via)


# -- PageRank -------------------------------------------------------------------------------------------------------
def pagerank(g: Graph, alpha: float = 0.85, tol: float = 1e-6, max_iter: int = 100,
             relations: frozenset[str] | None = None) -> np.ndarray:
    """networkx.pagerank's own iteration (its _pagerank_scipy) over the citing → cited matrix (of `relations`'
    edges): uniform start and teleport, a dangling document (one that cites nothing) spreads its rank over
    all documents, stop when the L1 change < N·tol. After max_iter the last estimate is kept (networkx would
    raise). The score of each position."""
    n = g.n
    if n == 0:
        return np.zeros(0)
    a, _ = g.walked(True, relations)
    out = np.diff(a.indptr).astype(np.float64)  # one stored value per citing/cited pair
    inv = np.divide(1.0, out, out=np.zeros(n), where=out != 0)
    m = sp.csr_matrix((np.repeat(inv, np.diff(a.indptr)), a.indices, a.indptr), shape=(n, n))
    dangling = out == 0
    x = np.full(n, 1.0 / n)
    for _ in range(max_iter):
        last = x
        x = alpha * (m.T @ x + x[dangling].sum() / n) + (1 - alpha) / n
        if np.abs(x - last).sum() < n * tol:
            break
    return x


def best(g: Graph, score: np.ndarray, n: int, filters: Filters) -> list[tuple[int, float]]:
    """(id, score) of the `n` best documents that pass the filters on documents: score descending, ties by id
    (float ties are not stable)."""
    kept = np.flatnonzero(keep_mask(g, g.rank, filters)) if filters.documents else np.arange(g.n)
    top = kept[np.lexsort((g.ids[kept], -score[kept]))[:max(n, 0)]]
    return list(zip(g.ids[top].tolist(), score[top].tolist()))
