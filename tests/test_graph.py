"""The citation graph (pipeline.graph): queries from SQLite, pagerank, paths, the networkx graph and its cache,
and every export format, on an archive built by the real pipeline from the dev corpus and on small graphs
written straight into the refs table (cycles, exact depths, ties)."""
import ast
import csv
import json
import re
import shutil
import subprocess
import time

import networkx as nx
import pytest

from pipeline.archive import Archive
from pipeline.errors import NotFound, UsageError
from pipeline.graph import (FORMATS, build_graph, chain, cited_by, cites, clear_cache, export, format_table, impact,
                            missing, pagerank, path, top)
from pipeline.graph.status import STATUSES
from pipeline.ingest import read_document
from pipeline.nlp import extract_letter

from conftest import DEV, ROOT

CONTRACT_FIELDS = {"key", "full_number", "doc_type", "issuer", "date", "relation", "depth", "stub"}
# filed in this order on purpose: 022 before 023 and 037 before 035, so each cited letter is first a stub
CORPUS = ["022.pdf", "023.pdf", "037.pdf", "035.pdf", "001.txt", "002.txt", "003.txt", "004.txt", "005.txt",
          "006.txt", "007.txt", "033.docx"]
OCR = {"035.pdf"}  # its number and day are only in the signing stamp: without OCR it has no key


# -- archives ---------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """The real pipeline over dev letters; yields (archive, {file name: document id})."""
    archive = Archive(tmp_path_factory.mktemp("graph") / "archive.sqlite")
    ids = {}
    for name in CORPUS:
        source = DEV / "docs" / name
        ids[name] = archive.add(source, extract_letter(read_document(source, ocr=name in OCR))).document_id
    yield archive, ids
    archive.close()


def by_key(db, key):
    return db.execute("SELECT id FROM documents WHERE key = ?", (key,)).fetchone()[0]


def hand_built(tmp_path, edges, stubs=(), dates=None, extra=()):
    """An archive whose documents are named by key ("A", "B" …) and whose refs are `edges` (src, dst, relation),
    inserted with SQL. Returns (archive, {name: id})."""
    archive = Archive(tmp_path / "hand.sqlite")
    dates = dates or {}
    names = sorted({n for e in edges for n in e[:2]} | set(extra))
    ids = {}
    for name in names:
        ids[name] = archive.db.execute(
            "INSERT INTO documents (key, stub, full_number, doc_type, issuer, date, created, updated) "
            "VALUES (?, ?, ?, 'Công văn', 'SỞ Y TẾ', ?, 't', 't')",
            (name, int(name in stubs), f"{name}/SYT", dates.get(name))).lastrowid
    for src, dst, relation in edges:
        archive.db.execute("INSERT INTO refs (src_id, dst_id, relation) VALUES (?, ?, ?)", (ids[src], ids[dst], relation))
    return archive, ids


def names(rows, ids):
    back = {v: k for k, v in ids.items()}
    return [(back[r["id"]], r["depth"], r["relation"]) for r in rows]


# -- cites, cited_by, chain, impact on real letters -------------------------------------------------------
def test_022_cites_023_and_the_stub_was_resolved(corpus):
    archive, ids = corpus
    rows = cites(archive.db, ids["022.pdf"])
    assert [(r["id"], r["relation"], r["depth"], r["stub"]) for r in rows] == [(ids["023.pdf"], "implements", 1, False)]
    assert rows[0]["full_number"] == "1074/QĐ-BXD" and CONTRACT_FIELDS <= set(rows[0])
    json.dumps(rows)  # the CLI prints these as they are
    back = cited_by(archive.db, ids["023.pdf"])
    assert [(r["id"], r["relation"], r["depth"]) for r in back] == [(ids["022.pdf"], "implements", 1)]
    # the database: one document for 1074/QĐ-BXD, no longer a stub, and the event that says so
    db = archive.db
    assert db.execute("SELECT count(*), max(stub) FROM documents WHERE key = '1074/2026/QD-BXD@bxd'").fetchone()[:] == (1, 0)
    assert db.execute("SELECT count(*) FROM events WHERE kind = 'stub_resolved' AND document_id = ?",
                      (ids["023.pdf"],)).fetchone()[0] == 1


def test_037_cites_035(corpus):
    archive, ids = corpus
    rows = {r["id"]: r for r in cites(archive.db, ids["037.pdf"])}
    assert ids["035.pdf"] in rows
    assert rows[ids["035.pdf"]]["relation"] == "legal_basis" and not rows[ids["035.pdf"]]["stub"]
    assert rows[ids["035.pdf"]]["full_number"] == "2170/QĐ-UBND"
    assert ids["037.pdf"] in {r["id"] for r in cited_by(archive.db, ids["035.pdf"])}
    assert archive.db.execute("SELECT stub FROM documents WHERE id = ?", (ids["035.pdf"],)).fetchone()[0] == 0


def test_chain_follows_citations_with_depth_relation_and_via(corpus):
    archive, ids = corpus
    rows = chain(archive.db, ids["022.pdf"])
    first, rest = rows[0], rows[1:]
    assert (first["id"], first["depth"], first["relation"]) == (ids["023.pdf"], 1, "implements")
    laws = {r["full_number"] for r in rest}
    assert {"55/2024/QH15", "64/2025/QH15", "33/2025/NĐ-CP", "235/QĐ-TTg"} <= laws
    assert all(r["depth"] == 2 and r["relation"] == "legal_basis" and r["via"] == ids["023.pdf"] and r["stub"]
               for r in rest)
    assert [r["date"] for r in rest] == sorted((r["date"] for r in rest), reverse=True)  # newest first
    # chain = what 023 rests on, one hop further
    assert {r["id"] for r in rest} == {r["id"] for r in cites(archive.db, ids["023.pdf"])}


def test_impact_lists_what_rests_on_a_law(corpus):
    archive, ids = corpus
    law = by_key(archive.db, "64/2025/QH15")
    rows = impact(archive.db, law)
    got = {r["id"]: (r["depth"], r["relation"]) for r in rows}
    assert got == {ids["023.pdf"]: (1, "legal_basis"), ids["003.txt"]: (1, "legal_basis"),
                   ids["004.txt"]: (1, "legal_basis"), ids["022.pdf"]: (2, "implements")}
    assert [r["depth"] for r in rows] == [1, 1, 1, 2]
    assert impact(archive.db, law, max_depth=1) == rows[:3]


def test_unknown_document_is_not_found(corpus):
    archive, _ = corpus
    for query in (cites, cited_by, chain, impact):
        with pytest.raises(NotFound):
            query(archive.db, 10**9)


# -- exact depths, cycles, ties on hand-built graphs ------------------------------------------------------
def test_depth_is_the_shortest_hop_count(tmp_path):
    archive, ids = hand_built(tmp_path, [("A", "B", "implements"), ("B", "C", "legal_basis"), ("C", "D", "amends"),
                                         ("A", "D", "refers_to"), ("D", "E", "replaces")])
    assert names(chain(archive.db, ids["A"]), ids) == [
        ("B", 1, "implements"), ("D", 1, "refers_to"), ("C", 2, "legal_basis"), ("E", 2, "replaces")]
    assert names(impact(archive.db, ids["E"]), ids) == [
        ("D", 1, "replaces"), ("A", 2, "refers_to"), ("C", 2, "amends"), ("B", 3, "legal_basis")]
    assert names(chain(archive.db, ids["A"], max_depth=1), ids) == [("B", 1, "implements"), ("D", 1, "refers_to")]


def test_cycles_terminate_and_the_start_is_not_listed(tmp_path):
    archive, ids = hand_built(tmp_path, [("A", "B", "replies_to"), ("B", "C", "follows_up"), ("C", "A", "replies_to"),
                                         ("C", "C", "refers_to"), ("B", "A", "refers_to")])
    started = time.perf_counter()
    assert names(chain(archive.db, ids["A"]), ids) == [("B", 1, "replies_to"), ("C", 2, "follows_up")]
    assert names(impact(archive.db, ids["A"]), ids) == [("B", 1, "refers_to"), ("C", 1, "replies_to")]
    assert time.perf_counter() - started < 1
    assert names(cites(archive.db, ids["C"]), ids) == [("A", 1, "replies_to"), ("C", 1, "refers_to")]


def test_ties_go_to_the_lowest_id_parent_and_order_is_depth_date_key(tmp_path):
    archive, ids = hand_built(
        tmp_path, [("S", "P", "implements"), ("S", "Q", "guides"), ("P", "X", "amends"), ("Q", "X", "repeals"),
                   ("S", "Z1", "refers_to"), ("S", "Z2", "refers_to"), ("S", "Z3", "refers_to")],
        dates={"P": "2020-01-01", "Q": "2024-01-01", "Z1": "2024-01-01"})
    rows = chain(archive.db, ids["S"])
    # depth 1 newest first (Q and Z1 share a day: by key), then P, then the undated by key; then depth 2
    assert [n for n, _, _ in names(rows, ids)] == ["Q", "Z1", "P", "Z2", "Z3", "X"]
    x = rows[-1]
    assert x["via"] == min(ids["P"], ids["Q"]) and x["relation"] == "amends" and x["depth"] == 2


# -- missing and top ---------------------------------------------------------------------------------------
def test_missing_lists_stubs_by_citing_documents(corpus):
    archive, ids = corpus
    rows = missing(archive.db, n=500)
    db = archive.db
    stubs = db.execute("SELECT count(DISTINCT dst_id) FROM refs JOIN documents d ON d.id = dst_id WHERE d.stub = 1")
    assert len(rows) == stubs.fetchone()[0] and all(r["stub"] for r in rows)
    for r in rows:
        assert r["cited_by"] == db.execute("SELECT count(DISTINCT src_id) FROM refs WHERE dst_id = ?", (r["id"],)).fetchone()[0]
    counts = [r["cited_by"] for r in rows]
    assert counts == sorted(counts, reverse=True)
    assert (rows[0]["full_number"], rows[0]["cited_by"]) == ("64/2025/QH15", 3)
    assert not {ids["023.pdf"], ids["035.pdf"]} & {r["id"] for r in rows}  # resolved stubs are not missing
    assert len(missing(archive.db, n=2)) == 2


def test_top_cited_counts_citing_documents(corpus):
    archive, _ = corpus
    rows = top(archive.db, n=5, by="cited")
    assert rows[0]["full_number"] == "64/2025/QH15" and rows[0]["score"] == rows[0]["cited_by"] == 3
    assert [r["score"] for r in rows] == sorted((r["score"] for r in rows), reverse=True)
    with pytest.raises(UsageError):
        top(archive.db, by="fame")


def nx_graph(db):
    g = nx.DiGraph()
    g.add_nodes_from(r[0] for r in db.execute("SELECT id FROM documents"))
    g.add_edges_from(db.execute("SELECT src_id, dst_id FROM refs").fetchall())
    return g


def test_pagerank_equals_networkx(tmp_path, corpus):
    # cycles, a self-citation, dangling documents (cite nothing) and an isolated one
    archive, ids = hand_built(tmp_path, [("A", "B", "r"), ("B", "C", "r"), ("C", "A", "r"), ("D", "C", "r"),
                                         ("E", "E", "r"), ("E", "F", "r"), ("G", "F", "r"), ("A", "F", "r")],
                              extra=["H"])
    for db in (archive.db, corpus[0].db):
        expected = nx.pagerank(nx_graph(db), alpha=0.85, tol=1e-6)
        got = pagerank(db)
        assert set(got) == set(expected)
        assert max(abs(got[n] - expected[n]) for n in expected) < 1e-6
        assert abs(sum(got.values()) - 1) < 1e-9
        best = top(db, n=3)
        assert best[0]["id"] == max(expected, key=lambda n: (expected[n], -n)) and "score" in best[0]


# -- path ----------------------------------------------------------------------------------------------
def test_path_in_each_direction(tmp_path):
    archive, ids = hand_built(tmp_path, [("A", "B", "implements"), ("B", "C", "legal_basis"), ("D", "C", "guides"),
                                         ("X", "Y", "refers_to")])
    db = archive.db
    forward = path(db, ids["A"], ids["C"])
    assert [(r["id"], r["depth"], r["relation"], r["step"]) for r in forward] == [
        (ids["A"], 0, None, None), (ids["B"], 1, "implements", "cites"), (ids["C"], 2, "legal_basis", "cites")]
    assert {r["direction"] for r in forward} == {"cites"}
    backward = path(db, ids["C"], ids["A"])
    assert [r["id"] for r in backward] == [ids["C"], ids["B"], ids["A"]]
    assert {r["direction"] for r in backward} == {"cited_by"}
    assert [r["relation"] for r in backward] == [None, "legal_basis", "implements"]
    linked = path(db, ids["A"], ids["D"])
    assert [r["id"] for r in linked] == [ids["A"], ids["B"], ids["C"], ids["D"]]
    assert {r["direction"] for r in linked} == {"linked"} and linked[-1]["step"] == "cited_by"
    assert path(db, ids["A"], ids["X"]) == []
    assert [r["id"] for r in path(db, ids["A"], ids["A"])] == [ids["A"]]


def test_path_between_real_letters(corpus):
    archive, ids = corpus
    law = by_key(archive.db, "64/2025/QH15")
    rows = path(archive.db, ids["022.pdf"], law)
    assert [r["id"] for r in rows] == [ids["022.pdf"], ids["023.pdf"], law]
    assert rows[0]["direction"] == "cites" and [r["relation"] for r in rows[1:]] == ["implements", "legal_basis"]


# -- the networkx graph ----------------------------------------------------------------------------------------
def test_build_graph_matches_the_tables_and_is_cached(tmp_path):
    clear_cache()
    archive, ids = hand_built(tmp_path, [("A", "B", "implements"), ("B", "C", "legal_basis")], stubs={"C"})
    db = archive.db
    g = build_graph(db)
    assert g.number_of_nodes() == db.execute("SELECT count(*) FROM documents").fetchone()[0] == 3
    assert g.number_of_edges() == db.execute("SELECT count(*) FROM refs").fetchone()[0] == 2
    assert g.edges[ids["A"], ids["B"]]["relation"] == "implements"
    assert g.nodes[ids["C"]]["stub"] is True and g.nodes[ids["A"]]["key"] == "A"
    assert {"key", "full_number", "doc_type", "issuer", "date", "stub", "subject"} <= set(g.nodes[ids["A"]])
    assert build_graph(db) is g  # reused
    db.execute("INSERT INTO refs (src_id, dst_id, relation) VALUES (?, ?, 'refers_to')", (ids["A"], ids["C"]))
    g2 = build_graph(db)
    assert g2 is not g and g2.number_of_edges() == 3
    db.execute("UPDATE documents SET stub = 0 WHERE id = ?", (ids["C"],))  # a stub resolved: same counts,
    assert build_graph(db).nodes[ids["C"]]["stub"] is False  # no event logged, yet the change counter moved


def test_neighbourhood_is_chain_and_impact_within_depth(corpus):
    archive, ids = corpus
    db = archive.db
    centre = ids["023.pdf"]
    g = build_graph(db, around=centre, depth=1)
    expected = {centre} | {r["id"] for r in chain(db, centre, 1)} | {r["id"] for r in impact(db, centre, 1)}
    assert set(g) == expected and g.graph["centre"] == centre
    assert g.nodes[ids["022.pdf"]]["side"] == "citing" and g.nodes[centre]["side"] == "centre"
    whole = build_graph(db)
    assert set(g.edges) == set(whole.subgraph(expected).edges)
    wider = build_graph(db, around=centre, depth=2)
    assert set(wider) >= set(g) and wider.nodes[ids["022.pdf"]]["depth"] == 1


# -- exports ---------------------------------------------------------------------------------------------
def counts(db):
    return tuple(db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("documents", "refs"))


@pytest.mark.parametrize("around", [False, True])
def test_exports_parse_back_with_networkx(corpus, tmp_path, around):
    archive, ids = corpus
    db = archive.db
    kwargs = {"around": ids["023.pdf"], "depth": 2} if around else {}
    expected = build_graph(db, **({"around": ids["023.pdf"], "depth": 2} if around else {}))
    n, m = expected.number_of_nodes(), expected.number_of_edges()
    if not around:
        assert (n, m) == counts(db)
    graphml = nx.read_graphml(export(db, "graphml", tmp_path / "g.graphml", **kwargs))
    gexf = nx.read_gexf(export(db, "gexf", tmp_path / "g.gexf", **kwargs))
    data = json.loads(export(db, "json", tmp_path / "g.json", **kwargs).read_text(encoding="utf-8"))
    linked = nx.node_link_graph(data, edges="edges")
    for g in (graphml, gexf, linked):
        assert (g.number_of_nodes(), g.number_of_edges()) == (n, m) and g.is_directed()
    for g in (graphml, gexf):
        for _, attrs in g.nodes(data=True):
            assert None not in attrs.values() and isinstance(attrs["stub"], bool) and attrs["label"]
        assert {a["relation"] for _, _, a in g.edges(data=True)} <= {a["relation"] for *_, a in expected.edges(data=True)}
    assert graphml.nodes[str(ids["023.pdf"])]["full_number"] == "1074/QĐ-BXD"
    assert gexf.nodes[str(ids["023.pdf"])]["doc_key"] == "1074/2026/QD-BXD@bxd"
    raw = (tmp_path / "g.json").read_text(encoding="utf-8")
    assert "1074/QĐ-BXD" in raw  # UTF-8, not \u escapes


def test_csv_export_is_neo4j_admin_import(corpus, tmp_path):
    archive, _ = corpus
    folder = export(archive.db, "csv", tmp_path / "neo4j")
    with open(folder / "nodes.csv", encoding="utf-8", newline="") as f:
        nodes = list(csv.reader(f))
    with open(folder / "edges.csv", encoding="utf-8", newline="") as f:
        edges = list(csv.reader(f))
    assert nodes[0] == ["id:ID", "key", "full_number", "doc_type", "issuer", "date", "stub:boolean", ":LABEL", "status"]
    assert edges[0] == [":START_ID", ":END_ID", ":TYPE", "relation"]
    assert (len(nodes) - 1, len(edges) - 1) == counts(archive.db)
    known = {row[0] for row in nodes[1:]}
    assert all(row[0] in known and row[1] in known for row in edges[1:])
    assert all(row[6] in ("true", "false") and row[7] in ("Document", "Document;Stub") for row in nodes[1:])
    assert all(row[8] in STATUSES for row in nodes[1:]) and {row[8] for row in nodes[1:]} >= {"in_force", "unknown"}
    assert all(row[2] == row[3].upper() for row in edges[1:])


def test_html_export_is_self_contained_and_escaped(tmp_path):
    archive, ids = hand_built(tmp_path, [("A", "B", "implements"), ("B", "C", "legal_basis"), ("D", "B", "amends")],
                              stubs={"C"})
    archive.db.execute("UPDATE documents SET issuer = ?, subject = ? WHERE id = ?",
                       ('<script>alert("x")</script> & Co', "see https://example.org/x", ids["D"]))
    page = export(archive.db, "html", tmp_path / "g.html", around=ids["B"], depth=1).read_text(encoding="utf-8")
    for banned in ("http://", "https://", "<script", "<link", "src=", "@import"):
        assert banned not in page
    assert "&lt;script&gt;" in page and "B/SYT" in page and "<svg" in page
    assert len(re.findall(r'<g class="node[^"]*" id="n\d+"', page)) == 4 and page.count("</path>") == 3
    assert 'class="node stub"' in page and "marker-end" in page and "legal_basis" in page
    assert "Citation graph around B/SYT" in page
    whole = export(archive.db, "html", tmp_path / "all.html").read_text(encoding="utf-8")
    assert len(re.findall(r'<g class="node[^"]*" id="n\d+"', whole)) == 4 and whole.count("</path>") == 3


def test_export_rejects_unknown_format(corpus, tmp_path):
    with pytest.raises(UsageError):
        export(corpus[0].db, "pdf", tmp_path / "x.pdf")
    assert set(FORMATS) == {"graphml", "gexf", "json", "csv", "html"}


def test_html_opens_in_headless_chromium_offline(corpus, tmp_path):
    binary = shutil.which("chromium") or shutil.which("chromium-browser")
    if binary is None:
        pytest.skip("chromium is not installed (scripts/install-system-packages.sh installs it)")
    archive, ids = corpus
    page = export(archive.db, "html", tmp_path / "around.html", around=ids["023.pdf"], depth=2)
    result = subprocess.run(
        [binary, "--headless=new", "--no-sandbox", "--disable-gpu", f"--user-data-dir={tmp_path / 'profile'}",
         "--no-first-run", "--disable-extensions", "--dump-dom", page.resolve().as_uri()],
        capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "1074/QĐ-BXD" in result.stdout and "<svg" in result.stdout


# -- the table and the architecture ---------------------------------------------------------------------------
def test_format_table_aligns_columns(corpus):
    archive, ids = corpus
    text = format_table(chain(archive.db, ids["022.pdf"]))
    lines = text.splitlines()
    assert lines[0].split() == ["depth", "relation", "number", "type", "date", "issuer"]
    assert lines[1].split()[:3] == ["1", "implements", "1074/QĐ-BXD"]
    assert all(line.endswith("stub") for line in lines[2:])
    column = lines[0].index("number")
    assert all(line[column - 2:column] == "  " for line in lines)
    assert "64/2025/QH15" in format_table(missing(archive.db)) and format_table([]) == "(no documents)"
    assert "← legal_basis" in format_table(path(archive.db, by_key(archive.db, "64/2025/QH15"), ids["022.pdf"]))


def test_graph_libraries_stay_in_the_graph_package():
    for file in sorted((ROOT / "pipeline").rglob("*.py")):
        tree = ast.parse(file.read_text(encoding="utf-8"))
        used = {a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        used |= {n.module.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module and not n.level}
        inside = "pipeline/graph/" in file.as_posix()
        if file.as_posix().endswith(("pipeline/ingest/scan/digits.py", "pipeline/ingest/scan/engines.py")):
            # the digit reader's network and the OCR engine's outputs run in NumPy
            assert not used & {"networkx"}, file
        elif not inside:
            assert not used & {"networkx", "scipy", "numpy"}, file
        else:
            assert not used & {"sqlite3", "click"}, file


def test_queries_stay_fast_on_a_bigger_archive(tmp_path):
    """50k documents, 200k refs: direct lookups in milliseconds, a full chain/impact well under a second."""
    archive = Archive(tmp_path / "big.sqlite")
    db = archive.db
    n = 50_000
    db.execute("BEGIN")
    db.executemany("INSERT INTO documents (id, key, stub, date, created, updated) VALUES (?, ?, 0, ?, 't', 't')",
                   ((i, f"K{i}", f"20{i % 25:02d}-01-01") for i in range(1, n + 1)))
    db.executemany("INSERT OR IGNORE INTO refs (src_id, dst_id, relation) VALUES (?, ?, 'refers_to')",
                   ((i, max(1, (i * 7919 + k * 104729) % i), ) for i in range(2, n + 1) for k in range(4)))
    db.execute("COMMIT")
    started = time.perf_counter()
    for i in range(1000, 1100):
        cites(db, i), cited_by(db, i)
    assert (time.perf_counter() - started) / 200 < 0.005
    for query, node, limit in ((chain, n, 1.0), (impact, 1, 2.0)):  # impact(1): every document, 50k rows
        started = time.perf_counter()
        rows = query(db, node)
        assert rows and time.perf_counter() - started < limit


def test_array_closures_equal_the_indexed_walk(tmp_path, corpus, monkeypatch):
    """chain/impact answered from arrays.py (WALK_LIMIT 0) give the same records as the SQLite walk:
    depths, ties, cycles, max_depth, order — on the hand-built graphs and the real letters."""
    from pipeline.graph import queries
    tie, _ = hand_built(tmp_path / "tie", [("S", "P", "implements"), ("S", "Q", "guides"), ("P", "X", "amends"),
                                           ("Q", "X", "repeals"), ("S", "Z1", "refers_to"), ("S", "Z2", "refers_to")],
                        dates={"P": "2020-01-01", "Q": "2024-01-01", "Z1": "2024-01-01"})
    cyc, _ = hand_built(tmp_path / "cyc", [("A", "B", "replies_to"), ("B", "C", "follows_up"), ("C", "A", "replies_to"),
                                           ("C", "C", "refers_to"), ("B", "A", "refers_to"), ("A", "D", "refers_to")])
    for archive in (tie, cyc, corpus[0]):
        db = archive.db
        clear_cache()  # arrays held from an earlier test would answer every closure
        every = [r[0] for r in db.execute("SELECT id FROM documents")]
        cases = [(q, i, d) for q in (chain, impact) for i in every for d in (None, 1, 2)]
        walked = [q(db, i, d) for q, i, d in cases]
        monkeypatch.setattr(queries, "WALK_LIMIT", 0)
        assert [q(db, i, d) for q, i, d in cases] == walked
        monkeypatch.setattr(queries, "WALK_LIMIT", 5_000)


# -- the arrays' disk cache -------------------------------------------------------------------------------------
def filed(archive, name):
    source = DEV / "docs" / name
    return archive.add(source, extract_letter(read_document(source, ocr=name in OCR))).document_id


def test_array_cache_is_written_reused_and_invalidated_by_a_new_letter(tmp_path, monkeypatch):
    """A big closure writes the arrays beside the database; a fresh process (no in-process cache, another
    connection) answers from that file without reading the archive; filing one more letter (here the one 022
    cites: its stub is resolved, no document is added) makes the file stale, so it is read again and rewritten."""
    from pipeline.graph import arrays, queries
    monkeypatch.setattr(queries, "WALK_LIMIT", 0)
    clear_cache()
    archive = Archive(tmp_path / "archive.sqlite")
    first = filed(archive, "022.pdf")
    cache = tmp_path / ("archive.sqlite" + arrays.SUFFIX)
    assert not cache.exists()
    before = chain(archive.db, first)
    assert cache.exists() and not list(tmp_path.glob("*.tmp"))
    written = cache.stat().st_mtime_ns

    clear_cache()
    fresh = Archive(tmp_path / "archive.sqlite")
    real_read = arrays._read
    monkeypatch.setattr(arrays, "_read", lambda db: pytest.fail("read the archive despite a valid cache"))
    assert chain(fresh.db, first) == before and impact(fresh.db, first) == impact(archive.db, first)
    assert cache.stat().st_mtime_ns == written

    cited = filed(archive, "023.pdf")
    assert archive.db.execute("SELECT max(id) FROM documents").fetchone()[0] >= cited
    clear_cache()
    with pytest.raises(BaseException):  # the file no longer matches: the archive must be read
        chain(fresh.db, first)
    monkeypatch.setattr(arrays, "_read", real_read)
    after = chain(fresh.db, first)
    assert after != before and not next(r for r in after if r["id"] == cited)["stub"]
    monkeypatch.setattr(queries, "WALK_LIMIT", 5_000)
    assert after == chain(fresh.db, first)  # the SQLite walk agrees
    assert cache.stat().st_mtime_ns != written
    monkeypatch.setattr(arrays, "_read", lambda db: pytest.fail("read the archive despite a valid cache"))
    monkeypatch.setattr(queries, "WALK_LIMIT", 0)
    clear_cache()
    assert chain(Archive(tmp_path / "archive.sqlite").db, first) == after


@pytest.mark.parametrize("damage", ["garbage", "truncated", "empty", "other_format", "directory_read_only"])
def test_a_bad_or_unwritable_array_cache_is_rebuilt_quietly(tmp_path, monkeypatch, damage):
    from pipeline.graph import arrays, queries
    archive, ids = hand_built(tmp_path, [("A", "B", "implements"), ("B", "C", "legal_basis"), ("C", "A", "refers_to"),
                                         ("B", "D", "amends")], stubs={"D"}, dates={"B": "2024-01-01"})
    db = archive.db
    expected = {(q, i): q(db, i) for q in (chain, impact) for i in ids.values()}
    monkeypatch.setattr(queries, "WALK_LIMIT", 0)
    cache = tmp_path / ("hand.sqlite" + arrays.SUFFIX)
    clear_cache()
    assert chain(db, ids["A"]) == expected[chain, ids["A"]] and cache.exists()
    whole = cache.read_bytes()
    if damage == "garbage":
        cache.write_bytes(b"not a numpy archive" * 100)
    elif damage == "truncated":
        cache.write_bytes(whole[:len(whole) // 2])
    elif damage == "empty":
        cache.write_bytes(b"")
    elif damage == "other_format":
        monkeypatch.setattr(arrays, "FORMAT", arrays.FORMAT + 1)
    else:
        cache.unlink()
        def refuse(*args, **kwargs):
            raise PermissionError("read-only folder")
        monkeypatch.setattr(arrays.tempfile, "mkstemp", refuse)
    clear_cache()
    assert {(q, i): q(db, i) for q in (chain, impact) for i in ids.values()} == expected
    if damage == "directory_read_only":
        assert not cache.exists() and not list(tmp_path.glob("*.tmp"))
    else:  # rewritten whole, and then used
        monkeypatch.setattr(arrays, "_read", lambda db: pytest.fail("read the archive despite a valid cache"))
        clear_cache()
        assert chain(db, ids["B"]) == expected[chain, ids["B"]]
