"""One representation of the whole graph (issue 17 item 4): pipeline/graph/arrays.py (scipy CSR matrices walked
by scipy.sparse.csgraph) answers the closures too big for the SQLite walk, with the same records; one cache
(base.held) for everything derived from an archive state; no import circle in the package. On a real archive
filed by `vanban ingest` in two runs, in this process and in fresh ones that read the disk cache."""
import ast
import json
import os
import shutil
import subprocess
import sys

import networkx as nx
import pytest

from pipeline.archive import Archive
from pipeline.graph import base, chain, clear_cache, impact
from pipeline.graph.filters import NONE, make

from conftest import DEV, ROOT

FIRST = ["022.pdf", "037.pdf", "001.txt", "003.txt", "005.txt", "007.txt"]  # 022 cites 023, 037 cites 035: stubs
SECOND = ["023.pdf", "035.pdf", "002.txt", "004.txt", "006.txt", "033.docx"]  # … resolved by the second run


def ingest(folder, db):
    run = subprocess.run([sys.executable, "-m", "pipeline", "ingest", str(folder), "--db", str(db), "--json"],
                         capture_output=True, text=True, env=dict(os.environ, PYTHONPATH=str(ROOT)), cwd=ROOT,
                         timeout=600)
    assert run.returncode == 0, run.stderr[-2000:]
    return json.loads(run.stdout)


# A fresh process, as a CLI call is: every closure from the whole-graph arrays (WALK_LIMIT 0), and whether the
# arrays came from the disk cache or from reading the archive.
FRESH = """
import json, sys
from pipeline.archive import Archive
from pipeline.graph import arrays, chain, impact, queries
queries.WALK_LIMIT = 0
read = []
real = arrays._read
arrays._read = lambda db: read.append(1) or real(db)
with Archive(sys.argv[1]) as a:
    ids = [r[0] for r in a.db.execute("SELECT id FROM documents ORDER BY id")]
    out = {f"{q.__name__} {i}": list(q(a.db, i)) for q in (chain, impact) for i in ids}
print(json.dumps({"read_archive": bool(read), "closures": out}))
"""


def fresh(db):
    run = subprocess.run([sys.executable, "-c", FRESH, str(db)], capture_output=True, text=True,
                         env=dict(os.environ, PYTHONPATH=str(ROOT)), cwd=ROOT, timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    return json.loads(run.stdout)


def walked(db, filters=NONE):
    """Every closure by the SQLite walk (nothing held: the walk answers an archive this small)."""
    clear_cache()
    ids = [r[0] for r in db.execute("SELECT id FROM documents ORDER BY id")]
    return {f"{q.__name__} {i} {d}": q(db, i, d, filters) for q in (chain, impact) for i in ids for d in (None, 1, 2)}


def by_arrays(db, filters=NONE):
    from pipeline.graph import arrays
    clear_cache()
    arrays.graph(db)  # held: every closure of this state is answered from the arrays
    ids = [r[0] for r in db.execute("SELECT id FROM documents ORDER BY id")]
    out = {f"{q.__name__} {i} {d}": q(db, i, d, filters) for q in (chain, impact) for i in ids for d in (None, 1, 2)}
    assert base.held(db, "arrays") is not None
    clear_cache()
    return out


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory):
    root = tmp_path_factory.mktemp("arrays")
    first, second = root / "first", root / "second"
    first.mkdir(), second.mkdir()
    for name in FIRST:
        shutil.copy(DEV / "docs" / name, first / name)
    for name in SECOND:
        shutil.copy(DEV / "docs" / name, second / name)
    return root, first, second


def test_arrays_and_the_sqlite_walk_agree_and_the_disk_cache_follows_the_archive(two_runs):
    root, first, second = two_runs
    db_path = root / "archive.sqlite"
    cache = root / "archive.sqlite.graph-cache.npz"
    ingest(first, db_path)
    archive = Archive(db_path)
    db = archive.db
    filters = (NONE, make(relations=["căn_cứ"]), make(issuers=["UBND tỉnh Lào Cai"]), make(types=["Luật"], years="2025"))
    for f in filters:
        assert by_arrays(db, f) == walked(db, f)
    # the closures are the reachable sets networkx finds on the same tables
    g = nx.DiGraph()
    g.add_nodes_from(r[0] for r in db.execute("SELECT id FROM documents"))
    g.add_edges_from(db.execute("SELECT src_id, dst_id FROM refs").fetchall())
    for i in g:
        assert {r["id"] for r in chain(db, i)} == nx.descendants(g, i)
        assert {r["id"] for r in impact(db, i)} == nx.ancestors(g, i)

    cache.unlink()  # written by by_arrays in this process: a fresh process with none
    before = fresh(db_path)  # no cache: read from the archive, then written beside it
    assert before["read_archive"] and cache.exists()
    again = fresh(db_path)
    assert not again["read_archive"] and again["closures"] == before["closures"]
    plain = {f"{q.__name__} {i}": q(db, i) for q in (chain, impact) for i in g}
    assert before["closures"] == json.loads(json.dumps(plain))

    report = ingest(second, db_path)  # stubs resolved, new documents and edges: the cache is stale
    assert report["stubs_resolved"] >= 2 and report["new_edges"] > 0
    after = fresh(db_path)
    assert after["read_archive"] and after["closures"] != before["closures"]
    ids = [r[0] for r in db.execute("SELECT id FROM documents ORDER BY id")]
    plain = {f"{q.__name__} {i}": q(db, i) for q in (chain, impact) for i in ids}
    assert after["closures"] == json.loads(json.dumps(plain))  # = the SQLite walk of the new state
    assert not fresh(db_path)["read_archive"]
    for f in filters:
        assert by_arrays(db, f) == walked(db, f)
    archive.close()


def test_one_cache_for_every_form_of_the_graph_and_it_follows_each_change(two_runs):
    """The networkx graph (paths, exports) and the arrays (closures, PageRank) are held together for one
    archive state: a change drops both, clear_cache() forgets both."""
    from pipeline.graph import arrays, build_graph, pagerank, top
    root, first, _ = two_runs
    db_path = root / "one-cache.sqlite"
    ingest(first, db_path)
    with Archive(db_path) as archive:
        db = archive.db
        clear_cache()
        g, ix = build_graph(db), arrays.graph(db)
        assert base.held(db, "networkx") is g and base.held(db, "arrays") is ix
        assert build_graph(db) is g and arrays.graph(db) is ix
        cited = top(db, n=1)[0]["id"]
        rank = pagerank(db)[cited]
        assert base.held(db, "arrays") is ix  # PageRank from the same arrays
        db.execute("DELETE FROM refs WHERE dst_id = ?", (cited,))
        assert base.held(db, "networkx") is None and base.held(db, "arrays") is None
        assert pagerank(db)[cited] < rank and top(db, n=1)[0]["id"] != cited
        assert base.held(db, "arrays") is not ix and build_graph(db) is not g
        clear_cache()
        assert base.held(db, "networkx") is None and base.held(db, "arrays") is None


def test_no_import_circle_in_the_graph_package():
    """build.py and csr.py imported each other (csr read build's signature; build's clear_cache reached into
    csr). Every import between the package's modules, at any depth of a function, goes one way."""
    folder = ROOT / "pipeline" / "graph"
    edges = {}
    for path in folder.glob("*.py"):
        name = path.stem
        tree = ast.parse(path.read_text(encoding="utf-8"))
        deps = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                if node.module.startswith("pipeline.graph."):
                    deps.add(node.module.split(".")[2])
                elif node.module == "pipeline.graph":
                    deps |= {a.name for a in node.names if (folder / f"{a.name}.py").exists()}
            elif isinstance(node, ast.Import):
                deps |= {a.name.split(".")[2] for a in node.names if a.name.startswith("pipeline.graph.")}
        edges[name] = deps - {name}
    g = nx.DiGraph([(a, b) for a, deps in edges.items() for b in deps if b != "__init__" and a != "__init__"])
    assert nx.is_directed_acyclic_graph(g), list(nx.simple_cycles(g))
    assert not (folder / "csr.py").exists()  # the hand-made CSR and BFS are gone


def test_a_large_closure_is_a_sequence_of_the_same_records_made_as_read(two_runs, tmp_path):
    """A closure answered from the arrays is made lazily (arrays.Records: its records built when read, a fresh
    process decoding only the strings of the rows it makes, arrays.Texts); it reads as the SQLite walk's list
    reads: len, indexing from either end, slices, iteration, == with a list, and `--json` on the command line."""
    from pipeline.graph import arrays
    root, first, _ = two_runs
    db_path = root / "lazy.sqlite"
    ingest(first, db_path)
    with Archive(db_path) as archive:
        db = archive.db
        ids = [r[0] for r in db.execute("SELECT id FROM documents ORDER BY id")]
        every = walked(db)
        plain = {i: every[f"chain {i} None"] for i in ids}
        keyed = [r[0] for r in db.execute("SELECT id FROM documents WHERE key IS NOT NULL ORDER BY id")]
        start = max(keyed, key=lambda i: len(plain[i]))
        want = plain[start]
        assert len(want) >= 3
        clear_cache()
        got = arrays.closure(arrays.graph(db), start, True, None, NONE)
        assert isinstance(got, arrays.Records) and len(got) == len(want)
        assert got == want and want == got and list(got) == want and got != want[:-1]
        assert got[0] == want[0] and got[-1] == want[-1] and got[1:3] == want[1:3] and got[::-1] == want[::-1]
        with pytest.raises(IndexError):
            got[len(want)]
        assert got[-len(want)] == want[0]
        # a fresh process, strings from the disk cache's Texts: the same rows, and the CLI's JSON is the list
        cache = root / "lazy.sqlite.graph-cache.npz"
        assert cache.exists()
        script = ("import json, sys\nfrom pipeline.archive import Archive\nfrom pipeline.graph import arrays\n"
                  "from pipeline.graph.filters import NONE\n"
                  "with Archive(sys.argv[1]) as a:\n    g = arrays.graph(a.db)\n"
                  "    assert isinstance(g.text('key'), arrays.Texts)\n"
                  "    print(json.dumps(list(arrays.closure(g, int(sys.argv[2]), True, None, NONE))))\n")
        run = subprocess.run([sys.executable, "-c", script, str(db_path), str(start)], capture_output=True,
                             text=True, env=dict(os.environ, PYTHONPATH=str(ROOT)), cwd=ROOT, timeout=300)
        assert run.returncode == 0, run.stderr[-2000:]
        assert json.loads(run.stdout) == json.loads(json.dumps(want))
        key = db.execute("SELECT key FROM documents WHERE id = ?", (start,)).fetchone()[0]
    run = subprocess.run([sys.executable, "-m", "pipeline", "graph", "chain", key, "--db", str(db_path), "--json"],
                         capture_output=True, text=True, env=dict(os.environ, PYTHONPATH=str(ROOT)), cwd=ROOT,
                         timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    assert json.loads(run.stdout) == json.loads(json.dumps(want))


def test_texts_decode_the_rows_asked_for_and_a_damaged_column_is_not_used(tmp_path):
    """The disk cache's string columns: each row's string by its end offset, None kept, empty strings kept;
    offsets that do not fit the blob make the member damaged (the query fails rather than answer wrong)."""
    import numpy as np
    from pipeline.graph import arrays
    values = ["30/2020/NĐ-CP", None, "", "Quyết định 1074/QĐ-BXD", "ỦY BAN"]
    packed = arrays._pack(values)
    texts = arrays.Texts(packed["blob"].tobytes(), packed["ends"], packed["nulls"])
    texts.WHOLE = 1  # one row at a time until as many rows as the column holds were asked for
    assert texts[np.array([4])].tolist() == ["ỦY BAN"] and texts[np.array([], dtype=np.int64)].tolist() == []
    assert texts[np.array([0, 1, 2])].tolist() == ["30/2020/NĐ-CP", None, ""] and texts._all is None
    assert texts[np.array([3, 4])].tolist() == ["Quyết định 1074/QĐ-BXD", "ỦY BAN"] and texts._all is not None
    assert len(texts) == 5 and list(texts) == values
    z = {"key_blob": packed["blob"], "key_ends": packed["ends"], "key_nulls": packed["nulls"]}
    assert list(arrays._load_member(z, "key", 5)) == values
    for broken in (packed["ends"][:-1], packed["ends"] - 1, packed["ends"][::-1].copy()):
        with pytest.raises(arrays._Damaged):
            arrays._load_member(dict(z, key_ends=broken), "key", len(broken))
