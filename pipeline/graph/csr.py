"""The whole citation graph as arrays, for chain/impact over big closures.

Read once per archive state (the signature build.py keys its networkx cache on) and kept in this process:
  * the refs as two CSR adjacency arrays over document positions (ids sorted ascending): forward
    (citing → cited) and backward (cited → citing), each edge with its relation as a small code;
  * a columnar snapshot of the documents (key, full_number, doc_type, issuer, date, stub) stored in the
    records' order within a depth (ORDER_SQL: date newest first, keyless last, key, id), so a document's
    row number there is its sort rank and a closure sorts with one numpy lexsort on (depth, rank).

On the synthetic archive of 1M documents / 4M refs this costs ~6 s to read (≈1.6 s edges, ≈4 s documents)
and ~250 MB; a breadth-first walk then takes tenths of a second where SQLite took seconds, and the records
come from the arrays instead of one SQLite row per document. queries.py builds it only when a closure turns
out big (see `queries.WALK_LIMIT`), so small answers on any archive never pay for it.

Each CLI call is a new process, so the index is also kept on disk beside the database
(`<db>.graph-cache.npz`, see `_load`/`_save`): numbers as plain arrays, strings as one UTF-8 blob (NUL-separated) with
a None mask (no pickle), tagged with the archive's lasting signature (`_disk_key`). A later process loads it
in a fraction of a second when the tag matches; otherwise, or if the file is missing, unreadable, truncated
or of another format, it reads the archive and rewrites the file (written to a temporary file, then renamed;
skipped quietly where the folder is read-only).
"""
from __future__ import annotations

import gc
import json
import os
import tempfile
from dataclasses import dataclass

import numpy as np

from pipeline.graph.base import ORDER_SQL, cursor, snapshot
from pipeline.graph.build import _signature

# the contract's relations; anything else found in refs is added on the fly (second read)
RELATIONS = ("repeals", "terminates", "replaces", "amends", "suspends", "corrects", "consolidates", "legal_basis",
             "implements", "details", "guides", "replies_to", "follows_up", "proposed_by", "attached_to", "refers_to")
_CACHE: dict[str, tuple[tuple, "Index"]] = {}  # database name → (signature, index): one state per database
_CACHE_SIZE = 2
FORMAT = 2  # of the disk cache: bump when what _save writes changes
SUFFIX = ".graph-cache.npz"


@dataclass
class Index:
    ids: np.ndarray          # document ids, ascending: a document's position
    lut: np.ndarray | None   # id → position (-1: none) when ids are dense enough, else searchsorted
    fwd: tuple               # (indptr, neighbour positions, relation codes): what each position cites
    bwd: tuple               # the same for what cites each position
    relations: np.ndarray    # relation code → name (object array)
    rank: np.ndarray         # position → row in the columns below (the order within a depth)
    texts: tuple             # in rank order: key, full_number, doc_type, issuer, date: object arrays
    stub: np.ndarray         # in rank order: bool

    def position(self, doc_id: int) -> int:
        if self.lut is not None:
            return int(self.lut[doc_id]) if 0 <= doc_id < len(self.lut) else -1
        p = int(np.searchsorted(self.ids, doc_id))
        return p if p < len(self.ids) and self.ids[p] == doc_id else -1


def cached(db) -> Index | None:
    """The index of the archive's current state if this process already holds it."""
    key = _signature(db)
    hit = _CACHE.get(key[0])
    return hit[1] if hit and hit[0] == key else None


def index(db) -> Index:
    """The index of the archive's current state: this process's, else the disk cache's if its tag matches,
    else read now and written to disk (signature and arrays from one snapshot)."""
    with snapshot(db):
        key = _signature(db)
        hit = _CACHE.get(key[0])
        if hit and hit[0] == key:
            return hit[1]
        path, disk_key = cache_path(db), _disk_key(db, key)
        built = _load(path, disk_key) if path else None
        if built is None:
            built = _read(db)
            if path:
                _save(path, disk_key, built)
        _CACHE.pop(key[0], None)
        while len(_CACHE) >= _CACHE_SIZE:
            del _CACHE[next(iter(_CACHE))]
        _CACHE[key[0]] = (key, built)
        return built


def clear_cache() -> None:
    _CACHE.clear()


def cache_path(db) -> str | None:
    """The disk cache of a file database (None for one in memory)."""
    name = _db_file(db)
    return name + SUFFIX if name else None


def _db_file(db) -> str | None:
    for row in db.execute("PRAGMA database_list"):
        if row[1] == "main":
            return row[2] or None
    return None


def _disk_key(db, signature: tuple) -> str:
    """What tags the disk cache: build.py's signature without the file name (the archive's identity and its
    change counter are stored in the archive itself, so they hold across processes and copies)."""
    _name, archive, changes = signature
    return json.dumps([FORMAT, archive, changes])


def _pack(values) -> dict:
    """Strings (or None) as one UTF-8 blob, NUL-separated (str.split is the fastest way back to a million
    strings), and a None mask. A NUL inside a value cannot be stored: ValueError, the cache is not written."""
    strs = ["" if v is None else v for v in values]
    text = "\0".join(strs)
    if text.count("\0") != max(len(strs) - 1, 0):
        raise ValueError("a NUL inside a value")
    return {"blob": np.frombuffer(text.encode("utf-8"), dtype=np.uint8),
            "nulls": np.fromiter((v is None for v in values), dtype=bool, count=len(strs))}


def _pack_coded(values) -> dict:
    """A column with few distinct values: those values packed, and a code per row."""
    seen: dict = {}
    codes = np.fromiter((seen.setdefault(v, len(seen)) for v in values), dtype=np.int32, count=len(values))
    return {**_pack(list(seen)), "codes": codes}


def _unpack(blob: np.ndarray, nulls: np.ndarray) -> np.ndarray:
    parts = blob.tobytes().decode("utf-8").split("\0") if len(nulls) else []
    if len(parts) != len(nulls):
        raise ValueError("the blob does not hold one string per row")
    out = np.empty(len(parts), dtype=object)
    out[:] = parts
    out[nulls] = None
    return out


def _unpack_coded(blob, nulls, codes) -> np.ndarray:
    """The column again, one str object per distinct value (as _dedupe shares them)."""
    values = _unpack(blob, nulls)
    if len(codes) and (codes.min() < 0 or codes.max() >= len(values)):
        raise ValueError("codes out of range")
    return values[codes]


def _save(path: str, key: str, ix: Index) -> None:
    """Write the index beside the database (atomically); any failure (a read-only folder, a full disk, a
    value that is not a string) leaves no file behind and is otherwise ignored: the cache is never needed."""
    columns = [c.tolist() for c in ix.texts]
    if not all(v is None or type(v) is str for col in columns for v in col):
        return
    arrays = {"tag": np.frombuffer(key.encode("utf-8"), dtype=np.uint8), "ids": ix.ids, "rank": ix.rank,
              "stub": ix.stub, "fwd_indptr": ix.fwd[0], "fwd_far": ix.fwd[1], "fwd_codes": ix.fwd[2],
              "bwd_indptr": ix.bwd[0], "bwd_far": ix.bwd[1], "bwd_codes": ix.bwd[2]}
    if ix.lut is not None:
        arrays["lut"] = ix.lut
    for name, values, coded in zip(("relations", "key", "full_number", "doc_type", "issuer", "date"),
                                   [ix.relations.tolist(), *columns], (False, False, False, True, True, True)):
        arrays.update({f"{name}_{part}": a for part, a in (_pack_coded if coded else _pack)(values).items()})
    folder = os.path.dirname(path) or "."
    tmp = None
    try:
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


def _load(path: str, key: str) -> Index | None:
    """The index from the disk cache if it is there, whole, and tagged `key`; else None."""
    try:
        with open(path, "rb") as f, np.load(f, allow_pickle=False) as z:  # closed even if np.load fails
            if z["tag"].tobytes().decode("utf-8") != key:
                return None
            a = {name: z[name] for name in z.files}
        ids, rank, stub = a["ids"], a["rank"], a["stub"]
        n = len(ids)
        fwd = (a["fwd_indptr"], a["fwd_far"], a["fwd_codes"])
        bwd = (a["bwd_indptr"], a["bwd_far"], a["bwd_codes"])
        cols = tuple([_unpack(a[f"{c}_blob"], a[f"{c}_nulls"]) for c in ("key", "full_number")] +
                     [_unpack_coded(a[f"{c}_blob"], a[f"{c}_nulls"], a[f"{c}_codes"]) for c in ("doc_type", "issuer", "date")])
        relations = _unpack(a["relations_blob"], a["relations_nulls"])
        lut = a.get("lut")
        for indptr, far, codes in (fwd, bwd):
            if len(indptr) != n + 1 or indptr[-1] != len(far) or len(codes) != len(far) or \
                    (len(far) and (far.min() < 0 or far.max() >= n or codes.max() >= len(relations))):
                return None
        if len(rank) != n or len(stub) != n or any(len(c) != n for c in cols) or \
                (n and (rank.min() < 0 or rank.max() >= n)):
            return None
        if lut is not None and (not n or len(lut) != ids[-1] + 1):
            return None
        return Index(ids, lut, fwd, bwd, relations, rank, cols, stub)
    except Exception:  # missing, unreadable, truncated, another format: read the archive instead
        return None


def _objects(values: tuple) -> np.ndarray:
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def _dedupe(values: tuple) -> np.ndarray:
    """An object array sharing one str per distinct value (doc_type, issuer, date repeat a lot)."""
    seen: dict = {}
    return np.array([seen.setdefault(v, v) for v in values], dtype=object)


def _read(db) -> Index:
    cur = cursor(db)
    rows = cur.execute(f"SELECT d.id, d.key, d.full_number, d.doc_type, d.issuer, d.date, d.stub "
                       f"FROM documents d {ORDER_SQL}").fetchall()
    cols = list(zip(*rows)) if rows else [()] * 7
    del rows
    ordered_ids = np.array(cols[0], dtype=np.int64)
    texts = (_objects(cols[1]), _objects(cols[2]), _dedupe(cols[3]), _dedupe(cols[4]), _dedupe(cols[5]))
    stub = np.array([bool(s) for s in cols[6]], dtype=bool)
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
    return Index(ids, lut, _csr(src, dst, codes, n), _csr(dst, src, codes, n), np.array(relations, dtype=object),
                 rank, texts, stub)


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


def _csr(near: np.ndarray, far: np.ndarray, codes: np.ndarray, n: int) -> tuple:
    """Edges grouped by `near` (stable: refs' primary-key order kept within a group)."""
    if len(near) > 1 and not (np.diff(near) >= 0).all():
        order = np.argsort(near, kind="stable")
        near, far, codes = near[order], far[order], codes[order]
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(near, minlength=n), out=indptr[1:])
    return indptr, far.astype(np.int32 if n < 2**31 else np.int64), codes


def bfs(ix: Index, start: int, forward: bool, max_depth: int | None, relations=None) -> tuple:
    """Breadth-first from position `start`: (positions, depths, relation codes, via positions) of every node
    reached, the start excluded. Level by level, so each node is kept at its shortest depth and a cycle ends
    the walk; of the edges reaching a node at that depth, the one from the lowest-id parent wins (as
    base.walk: the frontier is ascending, so the lowest edge slot of a child is its lowest parent's)."""
    indptr, far, codes = ix.fwd if forward else ix.bwd
    n = len(ix.ids)
    allowed = None if relations is None else np.isin(ix.relations, sorted(relations))
    seen = np.zeros(n, dtype=bool)
    seen[start] = True
    mark = first = None  # allocated at the first big level: a small walk never pays O(n) per level
    none = np.iinfo(np.int64).max
    frontier = np.array([start], dtype=np.int64)
    out_pos, out_depth, out_rel, out_via = [], [], [], []
    depth = 0
    while len(frontier) and (max_depth is None or depth < max_depth):
        depth += 1
        starts = indptr[frontier]
        counts = indptr[frontier + 1] - starts
        total = int(counts.sum())
        if not total:
            break
        ends = np.cumsum(counts)
        # edge slots of the whole frontier: starts[i] .. starts[i] + counts[i], concatenated in frontier order
        slots = np.arange(total, dtype=np.int64)
        slots += np.repeat(starts - (ends - counts), counts)
        child = far[slots]
        fresh = ~seen[child]
        if allowed is not None:  # only edges of these relations are walked
            fresh &= allowed[codes[slots]]
        fresh = np.flatnonzero(fresh)  # indexes into this level's edges
        if not len(fresh):
            break
        reached = child[fresh]
        if len(reached) * 64 < n:  # small level: sort it
            level, at = np.unique(reached, return_index=True)  # first occurrence = lowest slot
            edge = fresh[at]
        else:  # big level: scatter, then read the level off a mark array (ascending by construction)
            if first is None:
                mark, first = np.zeros(n, dtype=bool), np.full(n, none, dtype=np.int64)
            np.minimum.at(first, reached, fresh)
            mark[reached] = True
            level = np.flatnonzero(mark)
            mark[level] = False
            edge = first[level]
            first[level] = none
        seen[level] = True
        out_pos.append(level)
        out_depth.append(np.full(len(level), depth, dtype=np.int64))
        out_rel.append(codes[slots[edge]])
        out_via.append(frontier[np.searchsorted(ends, edge, side="right")])
        frontier = level
    if not out_pos:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, np.zeros(0, dtype=np.uint8), empty
    return tuple(np.concatenate(a) for a in (out_pos, out_depth, out_rel, out_via))


def closure(ix: Index, doc_id: int, forward: bool, max_depth: int | None, relations=None) -> list[dict]:
    """The graph records of chain (forward) or impact of `doc_id`, in ORDER_SQL within each depth. The
    cyclic garbage collector is paused while the dicts are made: they hold no cycles, and its full passes
    over a growing heap cost ~0.25 s per 900k records."""
    pos, depth, rel, via = bfs(ix, ix.position(doc_id), forward, max_depth, relations)
    rows = ix.rank[pos]
    order = np.argsort(depth * len(ix.ids) + rows, kind="stable")  # by depth, then rank: one integer key
    sel = rows[order]
    columns = (ix.ids[pos[order]].tolist(), *(c[sel].tolist() for c in ix.texts), ix.stub[sel].tolist(),
               ix.relations[rel[order]].tolist(), depth[order].tolist(), ix.ids[via[order]].tolist())
    paused = gc.isenabled()
    gc.disable()
    try:
        return [{"id": i, "key": k, "full_number": f, "doc_type": t, "issuer": s, "date": d, "stub": b,
                 "relation": r, "depth": h, "via": v} for i, k, f, t, s, d, b, r, h, v in zip(*columns)]
    finally:
        if paused:
            gc.enable()
