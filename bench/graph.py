"""Citation-graph scale (issues 4 and 17): vanban's graph queries on a synthetic archive of 1M documents and 4M
references, next to plain networkx and python-igraph baselines in the same run.

    python bench/graph.py [--docs 1000000] [--refs 4000000] [--seed 0] [--db PATH] [--nodes 200] [--closure 20]

The archive is built by bench/graph_synth.py under outputs/bench/ (or at --db) and reused when it already exists
with the same parameters; `--db` naming an existing archive without the generator's side file benchmarks that
archive as it is. Each approach then runs in its own fresh subprocess, so its peak memory (the process's RSS
high-water mark, VmHWM: interpreter and imports included) is its own:

  networkx  sqlite3 → nx.DiGraph (every document a node, every ref an edge citing → cited); cites/cited-by =
            successors/predecessors; chain (all it rests on) = nx.descendants, impact (all that rests on it) =
            nx.ancestors; top-20 = nx.pagerank.
  igraph    sqlite3 → igraph.Graph (the same nodes and edges; skipped when python-igraph is not installed):
            cites/cited-by = successors/predecessors; chain/impact = subcomponent(mode out/in) less the node
            itself; top-20 = Graph.pagerank.
  vanban    Archive(path).db → pipeline.graph.cites / cited_by / chain / impact / top(db, 20, by="pagerank").
            Also shown: the walk alone (pipeline.graph.arrays.walk: positions, depths, relations, vias as
            arrays, as bare as the others' answers) for the same nodes.

vanban's load is the archive's open plus `pipeline.graph.warm` (the graph arrays a batch leaves ready: read
from the disk cache beside the archive when it is current, else built from the archive and written there);
the table says which. Two more processes then time what one CLI call pays for the largest chain and the
largest impact: import, open, arrays from the disk cache, the records. Both get the same nodes, chosen here before either runs: `--nodes` random
documents for cites/cited-by and `--closure` nodes for the full chain/impact (the most-cited document, the newest citing letter, then random
held documents: a stub cites nothing, so its chain is empty by construction). Every call is timed once, with
its result materialised (list()); no query runs before it is timed, and the first query after load is also
shown on its own. Result sizes are compared between the two, so a fast wrong answer shows. networkx answers with bare
id sets; vanban with the contract's graph records (key, fields, relation, depth), which costs more per node.
Targets (issue 17): cites/cited-by ≤ 5 ms (median), full chain/impact ≤ 0.3 s (worst node, in a process that
holds the graph) and ≤ 1 s for a fresh CLI call including its load, top-20 by PageRank ≤ 5 s, peak ≤ 1.5 GB.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import resource
import sqlite3
import statistics
import subprocess
from collections.abc import Sequence
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

TARGETS = {"cites": 0.005, "cited_by": 0.005, "chain": 0.3, "impact": 0.3, "fresh": 1.0, "top": 5.0, "memory": 1.5e9}
CLOSURE_BUDGET = 900.0  # seconds per function and approach; nodes left over are reported as not measured


def peak_rss() -> int:
    """Bytes: this process's resident-set high-water mark. VmHWM, not ru_maxrss: Linux carries ru_maxrss over
    an exec, so a child would inherit the parent's peak (the generator's arrays)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def timed(fn, *args, **kw):
    t = time.perf_counter()
    out = fn(*args, **kw)
    # a baseline's generator or view is made a list; vanban's closures are sequences whose records are made
    # as read (graph.arrays.Records): timed as returned, and the making of every record apart ("records")
    out = list(out) if out is not None and not isinstance(out, (list, set, dict, Sequence)) else out
    return time.perf_counter() - t, out


def run_calls(fn, nodes, budget=None, **kw):
    """[seconds], [result size] for fn(node) over nodes (stopping once `budget` seconds are spent)."""
    secs, sizes, spent = [], [], 0.0
    for node in nodes:
        if budget is not None and spent > budget:
            break
        dt, out = timed(fn, node, **kw)
        secs.append(dt)
        sizes.append(len(out))
        spent += dt
    return secs, sizes


def keys_of(db_path: str, ids: list[int]) -> list[str]:
    db = sqlite3.connect(db_path)
    out = [(db.execute("SELECT key FROM documents WHERE id = ?", (i,)).fetchone() or [None])[0] for i in ids]
    db.close()
    return out


# -- the two phases (each in its own process) ---------------------------------------------------------------------
def phase_networkx(spec: dict) -> dict:
    import heapq

    import networkx as nx
    res = {"rss_imports": peak_rss(), "loadavg": [os.getloadavg()[0]]}
    t = time.perf_counter()
    db = sqlite3.connect(spec["db"])
    G = nx.DiGraph()
    G.add_nodes_from(r[0] for r in db.execute("SELECT id FROM documents"))
    G.add_edges_from(db.execute("SELECT src_id, dst_id FROM refs"))
    db.close()
    res["load"] = time.perf_counter() - t
    res["rss_load"] = peak_rss()
    print(f"  networkx: {G.number_of_nodes():,} nodes, {G.number_of_edges():,} edges in {res['load']:.1f} s", flush=True)
    res["first"] = timed(G.successors, spec["nodes"][0])[0]
    for name, fn in (("cites", G.successors), ("cited_by", G.predecessors)):
        res[name], res[name + "_n"] = run_calls(fn, spec["nodes"])
    res["rss_cites"] = peak_rss()
    for name, fn in (("chain", lambda n: nx.descendants(G, n)), ("impact", lambda n: nx.ancestors(G, n))):
        res[name], res[name + "_n"] = run_calls(fn, spec["closure"], CLOSURE_BUDGET)
        print(f"  networkx {name}: median {statistics.median(res[name]):.2f} s, max {max(res[name]):.2f} s", flush=True)
    res["rss_closure"] = peak_rss()
    res["loadavg"].append(os.getloadavg()[0])
    t = time.perf_counter()
    pr = nx.pagerank(G)
    best = heapq.nlargest(20, pr, key=pr.get)
    res["top"] = time.perf_counter() - t
    res["top_ids"] = best
    res["top_keys"] = keys_of(spec["db"], best)
    res["peak"] = peak_rss()
    res["loadavg"].append(os.getloadavg()[0])
    return res


def phase_igraph(spec: dict) -> dict:
    import igraph as ig
    import numpy as np
    res = {"rss_imports": peak_rss(), "loadavg": [os.getloadavg()[0]]}
    t = time.perf_counter()
    db = sqlite3.connect(spec["db"])
    ids = np.fromiter((r[0] for r in db.execute("SELECT id FROM documents ORDER BY id")), dtype=np.int64)
    flat = np.fromiter((v for r in db.execute("SELECT src_id, dst_id FROM refs") for v in r), dtype=np.int64)
    db.close()
    edges = np.searchsorted(ids, flat).reshape(-1, 2)
    G = ig.Graph(n=len(ids), edges=edges, directed=True)
    del flat, edges
    res["load"] = time.perf_counter() - t
    res["rss_load"] = peak_rss()
    print(f"  igraph: {G.vcount():,} nodes, {G.ecount():,} edges in {res['load']:.1f} s", flush=True)
    pos = {i: int(np.searchsorted(ids, i)) for i in spec["nodes"] + spec["closure"]}
    res["first"] = timed(G.successors, pos[spec["nodes"][0]])[0]
    for name, mode in (("cites", "out"), ("cited_by", "in")):
        res[name], res[name + "_n"] = run_calls(lambda n, mode=mode: G.neighbors(pos[n], mode=mode), spec["nodes"])
    res["rss_cites"] = peak_rss()
    for name, mode in (("chain", "out"), ("impact", "in")):
        res[name], res[name + "_n"] = run_calls(lambda n, mode=mode: G.subcomponent(pos[n], mode=mode)[1:],
                                                spec["closure"], CLOSURE_BUDGET)
        print(f"  igraph {name}: median {statistics.median(res[name]):.2f} s, max {max(res[name]):.2f} s", flush=True)
    res["rss_closure"] = peak_rss()
    res["loadavg"].append(os.getloadavg()[0])
    t = time.perf_counter()
    pr = np.array(G.pagerank(damping=0.85))
    best = ids[np.lexsort((ids, -pr))[:20]].tolist()
    res["top"] = time.perf_counter() - t
    res["top_keys"] = keys_of(spec["db"], best)
    res["peak"] = peak_rss()
    res["loadavg"].append(os.getloadavg()[0])
    return res


def item_id(item):
    """The document a graph-query result item names: its key (or id) from a dict, Row, tuple or plain value."""
    if isinstance(item, sqlite3.Row):
        item = dict(item)
    if isinstance(item, dict):
        for k in ("key", "id", "doc_id", "document_id"):
            if item.get(k) is not None:
                return item[k]
        return None
    if isinstance(item, (tuple, list)) and item:
        return item[0]
    return item


def phase_vanban(spec: dict) -> dict:
    res = {"rss_start": peak_rss(), "loadavg": [os.getloadavg()[0]]}
    t = time.perf_counter()
    from pipeline.archive.db import Archive
    from pipeline.graph import chain, cited_by, cites, impact, top
    res["import"] = time.perf_counter() - t
    res["rss_imports"] = peak_rss()
    from pipeline.graph import arrays, warm
    cache = Path(spec["db"] + arrays.SUFFIX)
    before = cache.stat().st_mtime_ns if cache.is_file() else None
    t = time.perf_counter()
    archive = Archive(spec["db"])
    db = archive.db
    res["open"] = time.perf_counter() - t
    warm(db)  # what a batch leaves ready: the graph arrays, from the disk cache when it is current
    res["load"] = time.perf_counter() - t
    after = cache.stat().st_mtime_ns if cache.is_file() else None
    res["arrays_from"] = "disk cache" if before is not None and before == after else "the archive"
    res["rss_load"] = peak_rss()
    res["first"] = timed(cites, db, spec["nodes"][0])[0]
    for name, fn in (("cites", cites), ("cited_by", cited_by)):
        res[name], res[name + "_n"] = run_calls(lambda n, fn=fn: fn(db, n), spec["nodes"])
    res["rss_cites"] = peak_rss()
    for name, fn in (("chain", chain), ("impact", impact)):
        res[name], res[name + "_n"] = run_calls(lambda n, fn=fn: fn(db, n), spec["closure"], CLOSURE_BUDGET)
        print(f"  vanban {name}: median {statistics.median(res[name]):.2f} s, max {max(res[name]):.2f} s", flush=True)
    for name, fn in (("chain", chain), ("impact", impact)):  # the largest answer's every record, made
        largest = spec["closure"][max(range(len(res[name + "_n"])), key=res[name + "_n"].__getitem__)]
        rows = fn(db, largest)
        t = time.perf_counter()
        assert sum(1 for _ in rows) == len(rows)
        res[name + "_records"] = time.perf_counter() - t
    g = arrays.graph(db)
    for name, forward in (("chain", True), ("impact", False)):
        res[name + "_walk"], _ = run_calls(lambda n, f=forward: arrays.walk(g, g.position(n), f, None)[0],
                                           spec["closure"], CLOSURE_BUDGET)
    res["rss_closure"] = peak_rss()
    res["loadavg"].append(os.getloadavg()[0])
    res["top"], best = timed(top, db, n=20, by="pagerank")
    res["top_again"] = timed(top, db, n=20, by="pagerank")[0]  # shown, not judged: does it cache?
    idents = [item_id(b) for b in best]
    res["top_keys"] = keys_of(spec["db"], idents) if all(isinstance(i, int) for i in idents) else idents
    res["top_raw"] = [repr(b)[:200] for b in best[:3]]
    res["peak"] = peak_rss()
    res["loadavg"].append(os.getloadavg()[0])
    archive.close()
    return res


def phase_fresh(spec: dict) -> dict:
    """One CLI call's cost for the largest chain (or impact) the vanban phase met: import, open, arrays from the
    disk cache that phase left, the answer and its first 50 records; then, apart, every record made."""
    t = time.perf_counter()
    from pipeline.archive.db import Archive
    import pipeline.graph as graph
    archive = Archive(spec["db"])
    t1 = time.perf_counter()
    rows = getattr(graph, spec["fresh"])(archive.db, spec["largest"])
    n, page = len(rows), rows[:50]  # the answer and its first screen, as the desk or a table shows it
    t2 = time.perf_counter()
    made = sum(1 for _ in rows)  # every record made, as `--json` does before it prints
    t3 = time.perf_counter()
    archive.close()
    assert made == n and len(page) == min(50, n)
    return {"import_open": t1 - t, "chain": t2 - t1, "all": t3 - t2, "n": n, "peak": peak_rss()}


# -- the parent: archive, nodes, subprocesses, table --------------------------------------------------------------
def choose_nodes(db_path: str, n_nodes: int, n_closure: int, seed: int) -> tuple[list[int], list[int], dict]:
    db = sqlite3.connect(db_path)
    ids = [r[0] for r in db.execute("SELECT id FROM documents")]
    held = [r[0] for r in db.execute("SELECT id FROM documents WHERE stub = 0")]
    hub, hub_in = db.execute("SELECT dst_id, count(*) c FROM refs GROUP BY dst_id ORDER BY c DESC LIMIT 1").fetchone()
    newest = db.execute("SELECT max(src_id) FROM refs").fetchone()[0]
    db.close()
    rng = random.Random(seed)
    nodes = rng.sample(ids, min(n_nodes, len(ids)))
    rest = [i for i in rng.sample(held, min(n_closure + 2, len(held))) if i not in (hub, newest)]
    closure = [hub, newest] + rest[:max(n_closure - 2, 0)]
    return nodes, closure, {"hub": hub, "hub_in_degree": hub_in, "newest": newest}


def run_phase(name: str, spec_path: str, env=None) -> dict | None:
    with tempfile.NamedTemporaryFile("r", suffix=".json", delete=False) as f:
        out = f.name
    try:
        cmd = [sys.executable, str(Path(__file__).resolve()), "--phase", name, "--spec", spec_path, "--out", out]
        proc = subprocess.run(cmd, cwd=ROOT)
        if proc.returncode != 0:
            print(f"  {name} phase failed (exit {proc.returncode})")
            return None
        return json.loads(Path(out).read_text())
    finally:
        os.unlink(out)


def fmt_s(x: float | None) -> str:
    if x is None:
        return "-"
    if x < 1e-3:
        return f"{x * 1e6:.0f} µs"
    if x < 1:
        return f"{x * 1e3:.1f} ms"
    return f"{x:.2f} s"


def stats(xs: list[float]) -> tuple[float, float, float]:
    xs = sorted(xs)
    return statistics.median(xs), xs[min(len(xs) - 1, int(0.95 * len(xs)))], xs[-1]


def report(nx_res: dict | None, ig_res: dict | None, vb_res: dict | None, n_nodes: int, n_closure: int) -> list[str]:
    rows = [("", "networkx", "igraph", "vanban", "target", "verdict")]
    lines = []
    approaches = (nx_res, ig_res, vb_res)

    def cells(f):
        out = []
        for res in approaches:
            try:
                out.append(f(res) if res else "-")
            except (KeyError, ValueError, IndexError, TypeError, statistics.StatisticsError):
                out.append("-")
        return tuple(out)

    def verdict(value, target):
        if value is None:
            return "not run"
        return "met" if value <= target else "MISSED"

    def vb(f):
        try:
            return f(vb_res) if vb_res else None
        except (KeyError, ValueError, IndexError, TypeError, statistics.StatisticsError):
            return None

    gb = lambda key: (lambda r: f"{r[key] / 1e9:.2f} GB")
    rows.append(("load (vanban: open + graph arrays)", *cells(lambda r: fmt_s(r["load"]) if "open" not in r else
                 f"{fmt_s(r['open'])} + {fmt_s(r['load'] - r['open'])} (arrays from {r['arrays_from']})"), "", ""))
    rows.append(("RSS after imports", *cells(gb("rss_imports")), "", ""))
    rows.append(("RSS after load / open", *cells(gb("rss_load")), "", ""))
    rows.append(("peak memory (whole run)", *cells(gb("peak")), "≤ 1.5 GB", verdict(vb(lambda r: r["peak"]), TARGETS["memory"])))
    rows.append(("  peak after cites / closure", *cells(lambda r: f"{r['rss_cites'] / 1e9:.2f} / {r['rss_closure'] / 1e9:.2f} GB"), "", ""))
    rows.append(("first query after open", *cells(lambda r: fmt_s(r["first"])), "", ""))
    for name, label in (("cites", "cites"), ("cited_by", "cited-by")):
        f = lambda r, name=name: "{} / {} / {}".format(*map(fmt_s, stats(r[name])))
        rows.append((f"{label} median/p95/max ({n_nodes})", *cells(f), "≤ 5 ms median",
                     verdict(vb(lambda r: stats(r[name])[0]), TARGETS[name])))
    for name in ("chain", "impact"):
        f = lambda r, name=name: "{} / {}".format(*map(fmt_s, stats(r[name])[::2])) + \
            (f" ({len(r[name])} of {n_closure})" if len(r[name]) < n_closure else "")
        rows.append((f"{name} median/max ({n_closure} nodes)", *cells(f), "≤ 0.3 s worst",
                     verdict(vb(lambda r: max(r[name])), TARGETS[name])))
        walk = lambda r, name=name: "{} / {}".format(*map(fmt_s, stats(r[name + "_walk"])[::2]))
        rows.append((f"  {name}: the walk alone (arrays)", "", "", cells(walk)[2], "", ""))
        made = vb(lambda r, name=name: r.get(name + "_records"))
        if made is not None:
            rows.append((f"  {name}: then every record of the largest made", "", "", f"+ {fmt_s(made)}", "", ""))
    rows.append(("top-20 by PageRank", *cells(lambda r: fmt_s(r["top"]) + (f" (again: {fmt_s(r['top_again'])})"
                                                                          if "top_again" in r else "")),
                 "≤ 5 s", verdict(vb(lambda r: r["top"]), TARGETS["top"])))
    for kind in ("chain", "impact"):
        fresh = vb(lambda r, kind=kind: r["fresh_" + kind])
        if fresh:
            total = fresh["import_open"] + fresh["chain"]
            rows.append((f"one CLI call: largest {kind}", "", "",
                         f"{fmt_s(total)} = {fmt_s(fresh['import_open'])} import+open + {fmt_s(fresh['chain'])} "
                         f"({fresh['n']:,} documents; peak {fresh['peak'] / 1e9:.2f} GB)", "≤ 1 s",
                         verdict(total, TARGETS["fresh"])))
            if "all" in fresh:
                rows.append((f"  then every record made (--json)", "", "", f"+ {fmt_s(fresh['all'])}", "", ""))
    widths = [max(len(r[i]) for r in rows) for i in range(6)]
    for i, r in enumerate(rows):
        lines.append("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip())
        if i == 0:
            lines.append("  ".join("-" * w for w in widths))

    named = (("networkx", nx_res), ("igraph", ig_res), ("vanban", vb_res))
    busy = [f"{name} {' → '.join(f'{x:.1f}' for x in r['loadavg'])}" for name, r in named if r and r.get("loadavg")]
    if busy:
        lines.append("")
        lines.append(f"1-min load average at start → after closure → end ({os.cpu_count()} cores; this benchmark alone adds ~1): "
                     + "; ".join(busy))
        if any(max(r["loadavg"]) > os.cpu_count() - 0.3 for _, r in named if r and r.get("loadavg")):
            lines.append("  WARNING: other work was running on the machine: timings are inflated (rerun on a quiet machine)")
    for other, res in (("networkx", nx_res), ("igraph", ig_res)):
        if res and vb_res:
            lines.append("")
            lines.append(f"result sizes (vanban vs {other}; a different size is a different answer):")
            for name in ("cites", "cited_by", "chain", "impact"):
                a, b = vb_res[name + "_n"], res[name + "_n"]
                same = sum(x == y for x, y in zip(a, b))
                diff = [(x, y) for x, y in zip(a, b) if x != y][:3]
                lines.append(f"  {name:9s} same on {same} of {min(len(a), len(b))} nodes"
                             + (f"; e.g. vanban {diff[0][0]:,} vs {other} {diff[0][1]:,}" if diff else "")
                             + (f" (sizes {min(b):,}..{max(b):,})" if name in ("chain", "impact") and b else ""))
    lines.append("")
    lines.append("top-5 by PageRank:")
    keys = [r["top_keys"] if r else [] for _, r in named]
    w = max([len(str(k)) for ks in keys for k in ks[:5]] + [8])
    lines.append("  " + "  ".join(name.ljust(w) for name, _ in named).rstrip())
    for i in range(5):
        lines.append("  " + "  ".join((str(ks[i]) if i < len(ks) else "-").ljust(w) for ks in keys).rstrip())
    vk = keys[2]
    for (name, _), ks in zip(named[:2], keys[:2]):
        if ks and vk:
            lines.append(f"  {name} vs vanban: top-20 overlap {len(set(map(str, ks)) & set(map(str, vk)))} of 20; "
                         f"top-5 in the same order: {'yes' if list(map(str, ks[:5])) == list(map(str, vk[:5])) else 'no'}")
    return lines


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs", type=int, default=1_000_000)
    ap.add_argument("--refs", type=int, default=4_000_000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--db", help="the archive to build or reuse (default: outputs/bench/graph-<docs>x<refs>-s<seed>.sqlite)")
    ap.add_argument("--nodes", type=int, default=200, help="random documents for cites/cited-by")
    ap.add_argument("--closure", type=int, default=20, help="documents for the full chain/impact")
    ap.add_argument("--skip", choices=["networkx", "igraph", "vanban"], action="append", default=[])
    ap.add_argument("--phase", choices=["networkx", "igraph", "vanban", "fresh"], help=argparse.SUPPRESS)
    ap.add_argument("--spec", help=argparse.SUPPRESS)
    ap.add_argument("--out", help=argparse.SUPPRESS)
    a = ap.parse_args(argv)

    if a.phase:
        spec = json.loads(Path(a.spec).read_text())
        res = {"networkx": phase_networkx, "igraph": phase_igraph, "vanban": phase_vanban,
               "fresh": phase_fresh}[a.phase](spec)
        Path(a.out).write_text(json.dumps(res))
        return 0

    from graph_synth import make_archive
    db = Path(a.db) if a.db else ROOT / "outputs" / "bench" / f"graph-{a.docs}x{a.refs}-s{a.seed}.sqlite"
    if db.exists() and not db.with_name(db.name + ".json").exists():
        print(f"using the existing archive {db} as it is")
        built = {}
    else:
        built = make_archive(db, a.docs, a.refs, a.seed)
    from pipeline.archive.db import Archive
    Archive(db).close()  # a pending schema migration runs here, untimed, not in the vanban phase's open
    con = sqlite3.connect(db)
    n_docs, = con.execute("SELECT count(*) FROM documents").fetchone()
    n_refs, = con.execute("SELECT count(*) FROM refs").fetchone()
    con.close()
    nodes, closure, info = choose_nodes(str(db), a.nodes, a.closure, a.seed)
    print(f"archive: {db} — {n_docs:,} documents, {n_refs:,} references"
          + (f"; generator {built.get('seconds')} s" if built else "")
          + f"; most-cited document {info['hub']} ({info['hub_in_degree']:,} citations)")

    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump({"db": str(db), "nodes": nodes, "closure": closure}, f)
        spec_path = f.name
    try:
        nx_res = ig_res = vb_res = None
        if "networkx" not in a.skip:
            print("networkx phase …", flush=True)
            nx_res = run_phase("networkx", spec_path)
        if "igraph" not in a.skip:
            try:
                import igraph  # noqa: F401
            except ImportError:
                print("igraph phase: python-igraph is not installed (pip install python-igraph) — not run")
            else:
                print("igraph phase …", flush=True)
                ig_res = run_phase("igraph", spec_path)
        if "vanban" not in a.skip:
            if not (ROOT / "pipeline" / "graph").exists():
                print("vanban phase: pipeline/graph does not exist yet — not run")
            else:
                print("vanban phase …", flush=True)
                vb_res = run_phase("vanban", spec_path)
                for kind in ("chain", "impact"):
                    if vb_res and vb_res[kind + "_n"]:
                        spec = json.loads(Path(spec_path).read_text())
                        spec["largest"] = closure[max(range(len(vb_res[kind + "_n"])), key=vb_res[kind + "_n"].__getitem__)]
                        spec["fresh"] = kind
                        Path(spec_path).write_text(json.dumps(spec))
                        vb_res["fresh_" + kind] = run_phase("fresh", spec_path)
    finally:
        os.unlink(spec_path)

    print()
    print(f"Citation graph, {n_docs:,} documents / {n_refs:,} references, one process per approach "
          f"(Python {sys.version.split()[0]}, {os.cpu_count()} cores)")
    print("\n".join(report(nx_res, ig_res, vb_res, a.nodes, a.closure)))
    if vb_res and vb_res.get("top_raw"):
        print(f"  (vanban top() items look like: {vb_res['top_raw'][0]})")
    results = db.with_name(db.stem + "-results.json")
    results.write_text(json.dumps({"db": str(db), "documents": n_docs, "refs": n_refs, "generator": built,
                                   "closure_nodes": closure, "info": info, "networkx": nx_res, "igraph": ig_res,
                                   "vanban": vb_res},
                                  indent=1, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
