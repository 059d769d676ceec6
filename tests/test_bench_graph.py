"""The graph benchmark's synthetic archive (bench/graph_synth.py) has the shape of real citation data."""
import importlib.util
import sqlite3
import statistics
import sys

import pytest

from conftest import ROOT

sys.path.insert(0, str(ROOT / "bench"))
from graph_synth import make_archive  # noqa: E402

N_DOCS, N_REFS = 2_000, 8_000


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    path = tmp_path_factory.mktemp("graph") / "synth.sqlite"
    info = make_archive(path, N_DOCS, N_REFS, seed=1, verbose=False)
    assert not info["reused"]
    assert make_archive(path, N_DOCS, N_REFS, seed=1, verbose=False)["reused"]  # same parameters: kept
    db = sqlite3.connect(path)
    yield path, db
    db.close()


def test_counts_and_fields(archive):
    _, db = archive
    assert db.execute("SELECT count(*) FROM documents").fetchone()[0] == N_DOCS
    assert db.execute("SELECT count(*) FROM refs").fetchone()[0] == N_REFS
    assert db.execute("SELECT min(id), max(id) FROM documents").fetchone() == (1, N_DOCS)
    stubs = db.execute("SELECT avg(stub) FROM documents").fetchone()[0]
    assert 0.2 < stubs < 0.4
    assert db.execute("SELECT count(*) FROM documents WHERE key IS NULL OR created IS NULL").fetchone()[0] == 0
    keys = [k for k, in db.execute("SELECT key FROM documents")]
    assert any("/ND-CP" in k and "@" not in k for k in keys)
    assert any("/QD-UBND@uy-ban-nhan-dan-" in k for k in keys)
    dates = [d for d, in db.execute("SELECT date FROM documents WHERE stub = 0 ORDER BY id")]
    assert dates == sorted(dates) and dates[0] >= "2000" and dates[-1] < "2027"  # ids in date order
    relations = dict(db.execute("SELECT relation, count(*) FROM refs GROUP BY relation"))
    top2 = sorted(relations, key=relations.get, reverse=True)[:2]
    assert set(top2) == {"legal_basis", "refers_to"}


def test_graph_shape(archive):
    _, db = archive
    assert db.execute("SELECT count(*) FROM refs WHERE src_id = dst_id").fetchone()[0] == 0
    assert db.execute("SELECT count(*) FROM refs r JOIN documents d ON d.id = r.src_id WHERE d.stub = 1"
                      ).fetchone()[0] == 0  # only held documents cite
    older = db.execute("SELECT avg(dst_id < src_id) FROM refs").fetchone()[0]
    assert older > 0.95
    indeg = [c for _, c in db.execute("SELECT dst_id, count(*) FROM refs GROUP BY dst_id")]
    assert max(indeg) > 20 * statistics.median(indeg)  # hubs
    lags = sorted(s - d for s, d in db.execute("SELECT src_id, dst_id FROM refs WHERE dst_id < src_id"))
    assert statistics.median(lags) < N_DOCS / 4  # most citations are to recent documents


@pytest.mark.skipif(importlib.util.find_spec("pipeline.graph") is None, reason="pipeline.graph not written yet")
def test_graph_module_answers(archive):
    from pipeline.archive.db import Archive
    from pipeline.graph import cited_by, cites
    path, db = archive
    src, n = db.execute("SELECT src_id, count(*) FROM refs GROUP BY src_id ORDER BY 2 DESC LIMIT 1").fetchone()
    hub, m = db.execute("SELECT dst_id, count(*) FROM refs GROUP BY dst_id ORDER BY 2 DESC LIMIT 1").fetchone()
    with Archive(path) as a:
        assert len(list(cites(a.db, src))) == n
        assert len(list(cited_by(a.db, hub))) == m
