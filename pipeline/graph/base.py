"""Shared pieces of the graph queries: the graph record of a document, batched lookups by id, and the
breadth-first walk over refs that chain, impact and neighbourhoods use.

Many ids go to SQLite as one JSON array bound to one parameter (`json_each(?)`): no limit on the number of
host parameters, and the plan stays an indexed lookup per id. Big answers are read through a plain tuple
cursor: building a sqlite3.Row per row costs more than the lookup itself.
"""
from __future__ import annotations

import json
from contextlib import contextmanager
from typing import Iterable, Iterator

from pipeline.errors import NotFound

FIELDS = ("id", "key", "full_number", "doc_type", "issuer", "date", "stub")
DOC_COLUMNS = ", ".join(FIELDS)
FORMATS = ("graphml", "gexf", "json", "csv", "html")  # of `vanban graph export` (export.py)
CHUNK = 50_000  # frontier ids per query in the walk: bounds the size of one statement's IN list
# within one depth: newest first (SQLite sorts NULL lowest, so undated come last), keyless last, then id
ORDER_SQL = "ORDER BY d.date DESC, d.key IS NULL, d.key, d.id"


# -- the archive's state, and what this process derived from it (one cache for the whole package) ------------------
_HELD: dict[str, tuple[tuple, dict]] = {}  # database name → (signature, {kind: object}): one state per database
_HELD_SIZE = 2  # whole graphs are big: the current archive's and one other's


def db_file(db) -> str | None:
    """The database file (None for one in memory)."""
    for row in db.execute("PRAGMA database_list"):
        if row[1] == "main":
            return row[2] or None
    return None


def signature(db) -> tuple:
    """Changes whenever the graph may have: the archive's change counter, which triggers on documents and
    refs bump on every insert, update or delete (schema migration 3), whoever writes and however, and the
    archive's identity, so another archive under the same file name is never mistaken for this one. The
    file name comes first, so two connections to one archive share what is held; an in-memory database is
    known only by its connection. One row read: cheap enough to check before every query."""
    archive, changes = db.execute("SELECT archive, changes FROM state").fetchone()
    return (db_file(db) or f"memory:{id(db)}", archive, changes)


def held(db, kind: str, key: tuple | None = None):
    """What this process holds of `kind` ("arrays", "networkx") for the archive's current state, or None."""
    key = key or signature(db)
    hit = _HELD.get(key[0])
    return hit[1].get(kind) if hit and hit[0] == key else None


def hold(key: tuple, kind: str, value) -> None:
    """Keep `value` for the state `key`: anything held for an older state of the same database goes, and the
    oldest other databases' beyond _HELD_SIZE."""
    hit = _HELD.get(key[0])
    if hit is None or hit[0] != key:
        _HELD.pop(key[0], None)
        while len(_HELD) >= _HELD_SIZE:
            del _HELD[next(iter(_HELD))]
        hit = _HELD[key[0]] = (key, {})
    hit[1][kind] = value


def clear_cache() -> None:
    """Forget what this process holds (tests; a long-running server after a bulk change made elsewhere)."""
    _HELD.clear()


def doc(row, **extra) -> dict:
    """The graph record of one documents row (a sqlite3.Row or a tuple in FIELDS order)."""
    record = dict(zip(FIELDS, tuple(row)[:len(FIELDS)]))
    record["stub"] = bool(record["stub"])
    record.update({"relation": None, "depth": None}, **extra)
    return record


@contextmanager
def snapshot(db) -> Iterator[None]:
    """One consistent view for a query made of several statements (ids read, then refs read: a letter filed
    in between by another process must not give an edge to a node not read). In WAL mode a read
    transaction blocks no writer. Inside a caller's transaction, that one is used as it is."""
    if db.in_transaction:
        yield
        return
    db.execute("BEGIN")
    try:
        yield
    finally:
        db.execute("COMMIT")


def cursor(db):
    """A cursor that yields plain tuples whatever the connection's row_factory (Archive sets sqlite3.Row)."""
    cur = db.cursor()
    cur.row_factory = None
    return cur


def _chunks(ids: list[int]) -> Iterable[str]:
    """JSON arrays of at most CHUNK ids, one per statement."""
    for i in range(0, len(ids), CHUNK):
        yield json.dumps(ids[i:i + CHUNK])


def documents_by_id(db, ids: Iterable[int]) -> dict[int, tuple]:
    """documents rows (tuples in FIELDS order) for many ids, each an indexed rowid lookup."""
    sql = f"SELECT {DOC_COLUMNS} FROM documents WHERE id IN (SELECT value FROM json_each(?))"
    return {row[0]: row for row in cursor(db).execute(sql, (json.dumps(sorted(set(ids))),))}


def records(db, found: dict[int, tuple[int, str, int]]) -> list[dict]:
    """The graph records of a walk's result in ORDER: one query per depth, sorted by SQLite (its sorter
    beats Python's on a few hundred thousand rows); depth, relation and via come from the walk."""
    levels: dict[int, list[int]] = {}
    for node, (depth, _relation, _via) in found.items():
        levels.setdefault(depth, []).append(node)
    sql = (f"SELECT d.id, d.key, d.full_number, d.doc_type, d.issuer, d.date, d.stub FROM documents d "
           f"WHERE d.id IN (SELECT value FROM json_each(?)) {ORDER_SQL}")
    cur, rows = cursor(db), []
    for depth in sorted(levels):
        for row in cur.execute(sql, (json.dumps(levels[depth]),)):
            _depth, relation, via = found[row[0]]
            rows.append({"id": row[0], "key": row[1], "full_number": row[2], "doc_type": row[3], "issuer": row[4],
                         "date": row[5], "stub": bool(row[6]), "relation": relation, "depth": depth, "via": via})
    return rows


def require(db, doc_id: int) -> tuple:
    """The documents row of `doc_id`; a missing id is an error, not an empty answer."""
    row = cursor(db).execute(f"SELECT {DOC_COLUMNS} FROM documents WHERE id = ?", (doc_id,)).fetchone()
    if row is None:
        raise NotFound(f"no archived document has id {doc_id}")
    return row


def walk(db, doc_id: int, forward: bool, max_depth: int | None = None, limit: int | None = None,
         relations: frozenset[str] | None = None) -> dict[int, tuple[int, str, int]] | None:
    """Breadth-first over refs: node id → (depth, relation, via). Level by level, so the first depth at which
    a node is met is its shortest and a cycle ends the walk; of the edges that reach a node at that depth,
    the one from the lowest-id parent wins (deterministic whatever order SQLite returns rows in). With
    `limit`: None as soon as more than `limit` nodes are found (the caller switches to arrays.py). With
    `relations`: only edges of those relations are walked."""
    near, far = ("src_id", "dst_id") if forward else ("dst_id", "src_id")
    sql = f"SELECT {near}, {far}, relation FROM refs WHERE {near} IN (SELECT value FROM json_each(?))"
    extra: tuple = ()
    if relations is not None:
        sql += " AND relation IN (SELECT value FROM json_each(?))"
        extra = (json.dumps(sorted(relations)),)
    cur = cursor(db)
    found: dict[int, tuple[int, str, int]] = {}
    seen, frontier, depth = {doc_id}, [doc_id], 0
    while frontier and (max_depth is None or depth < max_depth):
        depth += 1
        level: dict[int, tuple[int, str]] = {}
        room = None if limit is None else limit - len(found)  # stop as soon as the walk is too big, mid-level
        for chunk in _chunks(frontier):
            for parent, child, relation in cur.execute(sql, (chunk, *extra)):
                if child not in seen and (child not in level or parent < level[child][0]):
                    level[child] = (parent, relation)
                    if room is not None and len(level) > room:
                        return None
        for child, (parent, relation) in level.items():
            found[child] = (depth, relation, parent)
        seen.update(level)
        frontier = sorted(level)
    return found
