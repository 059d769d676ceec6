"""A synthetic archive for the citation-graph benchmark (issue 4): N documents and M references shaped like
real citation data, written into the archive's own schema (created by `Archive(path)`, so the migrations and
indexes are the application's).

Shape:
  * documents: ids 1..N in date order (2000-01-01 .. 2026-10-31, more documents in later years); a mix of
    central normative documents (Luật, Nghị định, Quyết định TTg, Thông tư: key = the folded number,
    `123/2021/ND-CP`), local normative ones (`45/2022/QD-UBND@uy-ban-nhan-dan-tinh-nghe-an`) and local or
    ministry letters (`649/2023/UBND-VP@…`, full number `649/UBND-VP`); numbers restart every year per issuer
    and symbol. About 30 % are stubs (stub = 1: known only because something cites them; mostly central
    documents, which a provincial archive rarely holds), with only the fields a citation gives.
  * references: only held documents cite; no self-loops, no duplicate (src, dst). Three kinds of edge:
    every stub is cited at least once (by a later held document); ~12 % go to ~2,000 "popular" normative
    documents with Zipf weights (the top ~50 hubs are cited thousands of times: the Luật Tổ chức chính quyền
    địa phương of this data set); the rest point back in time with an exponential lag (75 %: a few months;
    25 %: a few years), and ~0.3 % point forward (mis-dated letters; they also make a few cycles).
    Relations follow the contract vocabulary, legal_basis and refers_to most common.
  * sources, events and the FTS table stay empty; contents stays empty (the graph does not
    read them and they would only make the file bigger).

    make_archive(path, n_docs=1_000_000, n_refs=4_000_000, seed=0) -> dict (the parameters and timings)

The parameters (and the schema version) are kept in `<path>.json`; an existing archive with the same ones is
reused.
`python bench/graph_synth.py PATH [--docs N] [--refs M] [--seed S]` builds one from the command line.
"""
from __future__ import annotations

import argparse
import json
import os
import sqlite3
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from pipeline.archive.db import Archive  # noqa: E402
from pipeline.archive.schema import MIGRATIONS  # noqa: E402
from pipeline.nlp.keys import CENTRAL_CODES, issuer_slug  # noqa: E402
from pipeline.text.normalize import fold  # noqa: E402

VERSION = 1  # bump when the generated shape changes, so cached archives are rebuilt
START, END = np.datetime64("2000-01-01"), np.datetime64("2026-10-31")

PROVINCES = [
    "tỉnh An Giang", "tỉnh Bà Rịa - Vũng Tàu", "tỉnh Bắc Giang", "tỉnh Bắc Kạn", "tỉnh Bạc Liêu", "tỉnh Bắc Ninh",
    "tỉnh Bến Tre", "tỉnh Bình Định", "tỉnh Bình Dương", "tỉnh Bình Phước", "tỉnh Bình Thuận", "tỉnh Cà Mau",
    "thành phố Cần Thơ", "tỉnh Cao Bằng", "thành phố Đà Nẵng", "tỉnh Đắk Lắk", "tỉnh Đắk Nông", "tỉnh Điện Biên",
    "tỉnh Đồng Nai", "tỉnh Đồng Tháp", "tỉnh Gia Lai", "tỉnh Hà Giang", "tỉnh Hà Nam", "thành phố Hà Nội",
    "tỉnh Hà Tĩnh", "tỉnh Hải Dương", "thành phố Hải Phòng", "tỉnh Hậu Giang", "tỉnh Hòa Bình", "tỉnh Hưng Yên",
    "tỉnh Khánh Hòa", "tỉnh Kiên Giang", "tỉnh Kon Tum", "tỉnh Lai Châu", "tỉnh Lâm Đồng", "tỉnh Lạng Sơn",
    "tỉnh Lào Cai", "tỉnh Long An", "tỉnh Nam Định", "tỉnh Nghệ An", "tỉnh Ninh Bình", "tỉnh Ninh Thuận",
    "tỉnh Phú Thọ", "tỉnh Phú Yên", "tỉnh Quảng Bình", "tỉnh Quảng Nam", "tỉnh Quảng Ngãi", "tỉnh Quảng Ninh",
    "tỉnh Quảng Trị", "tỉnh Sóc Trăng", "tỉnh Sơn La", "tỉnh Tây Ninh", "tỉnh Thái Bình", "tỉnh Thái Nguyên",
    "tỉnh Thanh Hóa", "tỉnh Thừa Thiên Huế", "tỉnh Tiền Giang", "thành phố Hồ Chí Minh", "tỉnh Trà Vinh",
    "tỉnh Tuyên Quang", "tỉnh Vĩnh Long", "tỉnh Vĩnh Phúc", "tỉnh Yên Bái",
]

# (weight, shape, doc_type, symbol as printed, issuer: a fixed name or a "{p}" pattern over PROVINCES,
#  probability of being a stub, normative?)
TEMPLATES = [
    (0.004, "law", "Luật", "QH", "Quốc hội", 0.85, True),
    (0.030, "normative", "Nghị định", "NĐ-CP", "Chính phủ", 0.85, True),
    (0.010, "normative", "Nghị quyết", "NQ-CP", "Chính phủ", 0.85, True),
    (0.030, "normative", "Quyết định", "QĐ-TTg", "Thủ tướng Chính phủ", 0.85, True),
    (0.005, "normative", "Chỉ thị", "CT-TTg", "Thủ tướng Chính phủ", 0.85, True),
    (0.012, "normative", "Thông tư", "TT-BTC", "Bộ Tài chính", 0.85, True),
    (0.008, "normative", "Thông tư", "TT-BNV", "Bộ Nội vụ", 0.85, True),
    (0.008, "normative", "Thông tư", "TT-BGDĐT", "Bộ Giáo dục và Đào tạo", 0.85, True),
    (0.006, "normative", "Thông tư", "TT-BXD", "Bộ Xây dựng", 0.85, True),
    (0.006, "normative", "Thông tư", "TT-BYT", "Bộ Y tế", 0.85, True),
    (0.015, "admin", "Công văn", "BTC-CST", "Bộ Tài chính", 0.6, False),
    (0.010, "admin", "Công văn", "BNV-CCVC", "Bộ Nội vụ", 0.6, False),
    (0.010, "admin", "Công văn", "VPCP-KGVX", "Văn phòng Chính phủ", 0.6, False),
    (0.100, "local", "Quyết định", "QĐ-UBND", "Ủy ban nhân dân {p}", 0.25, True),
    (0.030, "local", "Nghị quyết", "NQ-HĐND", "Hội đồng nhân dân {p}", 0.25, True),
    (0.150, "admin", "Công văn", "UBND-VP", "Ủy ban nhân dân {p}", 0.18, False),
    (0.080, "admin", "Công văn", "UBND-KT", "Ủy ban nhân dân {p}", 0.18, False),
    (0.070, "admin", "Công văn", "UBND-KGVX", "Ủy ban nhân dân {p}", 0.18, False),
    (0.050, "admin", "Công văn", "UBND-NC", "Ủy ban nhân dân {p}", 0.18, False),
    (0.080, "admin", "Kế hoạch", "KH-UBND", "Ủy ban nhân dân {p}", 0.18, False),
    (0.040, "admin", "Báo cáo", "BC-UBND", "Ủy ban nhân dân {p}", 0.18, False),
    (0.040, "admin", "Thông báo", "TB-UBND", "Ủy ban nhân dân {p}", 0.18, False),
    (0.050, "admin", "Tờ trình", "TTr-SNV", "Sở Nội vụ {p}", 0.18, False),
    (0.080, "admin", "Công văn", "SGDĐT-VP", "Sở Giáo dục và Đào tạo {p}", 0.18, False),
    (0.067, "admin", "Công văn", "STC-QLNS", "Sở Tài chính {p}", 0.18, False),
]

RELATIONS = ["legal_basis", "implements", "proposed_by", "replies_to", "follows_up", "guides", "details", "amends",
             "replaces", "repeals", "terminates", "suspends", "corrects", "consolidates", "attached_to", "refers_to"]
TRIGGER = {"legal_basis": "Căn cứ", "implements": "Thực hiện", "proposed_by": "Xét đề nghị tại", "replies_to": "Trả lời",
           "follows_up": "Tiếp theo", "guides": "Hướng dẫn thi hành", "details": "Quy định chi tiết",
           "amends": "Sửa đổi, bổ sung", "replaces": "Thay thế", "repeals": "Bãi bỏ", "terminates": "Hết hiệu lực",
           "suspends": "Tạm ngưng hiệu lực", "corrects": "Đính chính", "consolidates": "Hợp nhất",
           "attached_to": "Kèm theo", "refers_to": "Theo"}
# relation probabilities when the cited document is normative / an administrative letter
P_NORMATIVE = [0.52, 0.10, 0.00, 0.00, 0.00, 0.05, 0.03, 0.025, 0.01, 0.01, 0.005, 0.002, 0.003, 0.002, 0.01, 0.233]
P_ADMIN = [0.04, 0.14, 0.08, 0.14, 0.08, 0.02, 0.00, 0.00, 0.00, 0.00, 0.00, 0.00, 0.002, 0.00, 0.05, 0.448]

SUBJECTS = ["tăng cường công tác cải cách hành chính", "triển khai thực hiện chương trình chuyển đổi số",
            "ban hành quy chế làm việc", "phê duyệt kế hoạch sử dụng đất", "hướng dẫn quyết toán ngân sách",
            "tổ chức kỳ thi tốt nghiệp trung học phổ thông", "phòng, chống dịch bệnh", "quản lý trật tự xây dựng",
            "bố trí vốn đầu tư công", "kiện toàn ban chỉ đạo", "tuyển dụng viên chức", "thu hồi đất",
            "điều chỉnh giá dịch vụ", "công tác thi đua, khen thưởng", "bảo đảm an toàn giao thông",
            "sắp xếp đơn vị hành chính cấp xã", "quy định chức năng, nhiệm vụ", "phân cấp quản lý tài sản công",
            "báo cáo tình hình kinh tế - xã hội", "chính sách hỗ trợ hộ nghèo"]
SIGNERS = ["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường", "Phạm Quốc Hiệu", "Hoàng Thị Dung", "Vũ Minh Đức",
           "Đặng Văn Giang", "Bùi Thị Hà", "Đỗ Văn Hùng", "Ngô Thị Lan", "Dương Văn Long", "Lý Thị Mai"]
AUTHORITIES = [("KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"), ("TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH", "CHỦ TỊCH"),
               ("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"), ("KT. BỘ TRƯỞNG", "THỨ TRƯỞNG"), ("TM. CHÍNH PHỦ", "THỦ TƯỚNG")]

N_POPULAR, N_HUBS = 2000, 50  # normative documents with Zipf weights; the top 50 (laws, decrees) are the hubs
POPULAR_SHARE, ZIPF_S = 0.12, 1.0
FORWARD_SHARE = 0.003
BATCH = 200_000


def params_of(n_docs: int, n_refs: int, seed: int) -> dict:
    """What identifies a built archive: a new schema migration makes a new one (migrating 4M refs on the first
    open would otherwise land in a timed phase)."""
    return {"version": VERSION, "schema": max(v for v, _, _ in MIGRATIONS), "n_docs": int(n_docs),
            "n_refs": int(n_refs), "seed": int(seed)}


def make_archive(path, n_docs: int = 1_000_000, n_refs: int = 4_000_000, seed: int = 0, verbose: bool = True) -> dict:
    """Build (or reuse) the synthetic archive at `path`; returns its parameters plus `seconds` and `reused`."""
    path = Path(path)
    side = path.with_name(path.name + ".json")
    want = params_of(n_docs, n_refs, seed)
    if path.exists() and side.exists():
        try:
            have = json.loads(side.read_text())
        except ValueError:
            have = {}
        if {k: have.get(k) for k in want} == want:
            if verbose:
                print(f"reusing {path} ({n_docs:,} documents, {n_refs:,} references; built in {have.get('seconds')} s)")
            return have | {"reused": True}
    if n_refs > 0.8 * n_docs * (n_docs - 1) / 2:
        raise ValueError("too many references for so few documents")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".building")
    for p in (side, tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm"), Path(f"{tmp}-journal")):
        p.unlink(missing_ok=True)
    t0 = time.perf_counter()
    Archive(tmp).close()  # the application's schema and migrations
    rng = np.random.default_rng(seed)
    docs = _documents(rng, n_docs)
    t_docs = time.perf_counter()
    src, dst = _edges(rng, docs, n_refs)
    t_edges = time.perf_counter()
    if verbose:
        print(f"  generated {n_docs:,} documents in {t_docs - t0:.1f} s, {len(src):,} references in {t_edges - t_docs:.1f} s")
    _write(tmp, rng, docs, src, dst, verbose)
    os.replace(tmp, path)
    seconds = round(time.perf_counter() - t0, 1)
    info = want | {"seconds": seconds, "stubs": int(docs["stub"].sum()), "bytes": path.stat().st_size}
    side.write_text(json.dumps(info, indent=1))
    if verbose:
        print(f"built {path} ({n_docs:,} documents, {n_refs:,} references, {info['bytes'] / 1e6:.0f} MB) in {seconds} s")
    return info | {"reused": False}


# -- documents ---------------------------------------------------------------------------------------------------
def _documents(rng, n: int) -> dict:
    """Column arrays (index i = document id i + 1), ids in date order."""
    span = int((END - START).astype(int))
    # density growing linearly over time (3x more documents per day at the end than at the start)
    a = 2.0
    u = np.sort(rng.random(n))
    t = (-1 + np.sqrt(1 + 2 * a * u * (1 + a / 2))) / a
    day = np.minimum((t * span).astype(np.int64), span)
    dates = START + day.astype("timedelta64[D]")
    year = dates.astype("datetime64[Y]").astype(int) + 1970
    weights = np.array([t[0] for t in TEMPLATES])
    tpl = rng.choice(len(TEMPLATES), size=n, p=weights / weights.sum())
    local = np.array(["{p}" in t[4] for t in TEMPLATES])
    prov = np.where(local[tpl], rng.integers(0, len(PROVINCES), size=n), 0)
    # numbers restart every year per (template, issuer): the rank of the document in its group, in id order
    group = (tpl.astype(np.int64) * 100 + (year - 2000)) * len(PROVINCES) + prov
    order = np.argsort(group, kind="stable")
    g = group[order]
    first = np.r_[0, np.flatnonzero(g[1:] != g[:-1]) + 1]
    starts = np.repeat(first, np.diff(np.r_[first, n]))
    number = np.empty(n, dtype=np.int64)
    number[order] = np.arange(n) - starts + 1
    stub = (rng.random(n) < np.array([t[5] for t in TEMPLATES])[tpl]).astype(np.int8)
    normative = np.array([t[6] for t in TEMPLATES])[tpl]
    return {"n": n, "tpl": tpl, "prov": prov, "year": year, "number": number, "stub": stub, "normative": normative,
            "date": dates.astype(str), "central_normative": np.isin(tpl, np.arange(10))}


def _doc_strings(docs: dict) -> tuple[list, list, list, list]:
    """key, full_number, doc_type, issuer of every document (lists, index = id - 1)."""
    issuers = {}
    for ti, (_, shape, doc_type, symbol, issuer, _, _) in enumerate(TEMPLATES):
        for pi, p in enumerate(PROVINCES if "{p}" in issuer else PROVINCES[:1]):
            name = issuer.replace("{p}", p)
            issuers[ti, pi] = (name, issuer_slug(name))
    sym_fold = [fold(t[3]).replace(" ", "") for t in TEMPLATES]
    keys, numbers, types, names = [], [], [], []
    for ti, pi, y, num in zip(docs["tpl"].tolist(), docs["prov"].tolist(), docs["year"].tolist(), docs["number"].tolist()):
        _, shape, doc_type, symbol, _, _, _ = TEMPLATES[ti]
        name, slug = issuers[ti, pi]
        if shape == "law":
            legislature = 10 + (y - 1997) // 5  # QH10 1997-2001, QH11 2002-2006, … (close enough)
            full = f"{num}/{y}/QH{legislature}"
            key = full
        elif shape == "normative":
            full = f"{num}/{y}/{symbol}"
            key = f"{num}/{y}/{sym_fold[ti]}"
        elif shape == "local":
            full = f"{num}/{y}/{symbol}"
            key = f"{num}/{y}/{sym_fold[ti]}@{slug}"
        else:  # a letter; a central body's code stands for its slug (pipeline.nlp.keys.document_key)
            full = f"{num}/{symbol}"
            code = sym_fold[ti].split("-")[0]
            key = f"{num}/{y}/{sym_fold[ti]}@{code.lower() if code in CENTRAL_CODES else slug}"
        keys.append(key)
        numbers.append(full)
        types.append(doc_type)
        names.append(name)
    return keys, numbers, types, names


# -- references --------------------------------------------------------------------------------------------------
def _edges(rng, docs: dict, m: int) -> tuple[np.ndarray, np.ndarray]:
    """m distinct (src, dst) pairs (ids), sorted by (src, dst)."""
    n = docs["n"]
    ids = np.arange(1, n + 1)
    held = ids[docs["stub"] == 0]
    stubs = ids[docs["stub"] == 1]
    scale_short, scale_long = max(n / 100, 3), max(n / 8, 10)

    # 1. every stub is cited by a later held document (exponential lag), when there is one
    lag = np.ceil(rng.exponential(scale_short, size=len(stubs))).astype(np.int64)
    pos = np.searchsorted(held, stubs + lag)
    ok = pos < len(held)
    cover_src, cover_dst = held[pos[ok]], stubs[ok]

    # 2. popular normative documents (Zipf weights), cited by held documents later than them
    # the ~50 most popular are laws and decrees (the hubs), the rest any central normative document
    early = ids < 0.7 * n
    decrees = ids[np.isin(docs["tpl"], [0, 1]) & early]
    hubs = rng.choice(decrees, size=min(N_HUBS, len(decrees)), replace=False)
    pool = np.setdiff1d(ids[docs["central_normative"] & early], hubs)
    popular = np.concatenate([hubs, rng.choice(pool, size=min(N_POPULAR - len(hubs), len(pool)), replace=False)])
    zipf = 1.0 / np.arange(1, len(popular) + 1) ** ZIPF_S
    n_pop = int(POPULAR_SHARE * m)
    hub = popular[rng.choice(len(popular), size=n_pop, p=zipf / zipf.sum())]
    lo = np.searchsorted(held, hub, side="right")
    ok = lo < len(held)
    hub, lo = hub[ok], lo[ok]
    pop_src = held[lo + (rng.random(len(lo)) * (len(held) - lo)).astype(np.int64)]
    pop_dst = hub

    # out-degree propensity of held documents (lognormal: a few letters cite dozens of documents)
    w = rng.lognormal(0.0, 0.8, size=len(held))
    w /= w.sum()

    def regular(k: int) -> tuple[np.ndarray, np.ndarray]:
        s = held[rng.choice(len(held), size=k, p=w)]
        scale = np.where(rng.random(k) < 0.75, scale_short, scale_long)
        lag = np.ceil(rng.exponential(scale)).astype(np.int64)
        forward = rng.random(k) < FORWARD_SHARE
        d = np.where(forward, s + np.ceil(lag / 50).astype(np.int64), s - lag)
        ok = (d >= 1) & (d <= n) & (d != s)
        return s[ok], d[ok]

    fixed = np.unique(np.concatenate([cover_src, pop_src]) * (n + 1) + np.concatenate([cover_dst, pop_dst]))
    if len(fixed) > m:
        fixed = np.sort(rng.choice(fixed, size=m, replace=False))
    codes = fixed
    need = m - len(codes)
    while need > 0:
        s, d = regular(int(need * 1.15) + 100)
        new = np.setdiff1d(np.unique(s * (n + 1) + d), codes, assume_unique=True)
        if len(new) > need:
            new = rng.choice(new, size=need, replace=False)
        codes = np.union1d(codes, new)
        need = m - len(codes)
    return codes // (n + 1), codes % (n + 1)


# -- writing -----------------------------------------------------------------------------------------------------
def _write(path: Path, rng, docs: dict, src: np.ndarray, dst: np.ndarray, verbose: bool) -> None:
    n = docs["n"]
    t0 = time.perf_counter()
    keys, fulls, types, names = _doc_strings(docs)
    stub = docs["stub"].tolist()
    dates = docs["date"].tolist()
    # a stub's date is known only when some citation gave it (about 60 %)
    date_known = (rng.random(n) < 0.6) | (docs["stub"] == 0)
    dates = [d if k else None for d, k in zip(dates, date_known.tolist())]
    years, tpl, prov = docs["year"].tolist(), docs["tpl"].tolist(), docs["prov"].tolist()
    subj = rng.integers(0, len(SUBJECTS), size=n).tolist()
    signer = rng.integers(0, len(SIGNERS), size=n).tolist()
    auth = rng.integers(0, len(AUTHORITIES), size=n).tolist()
    created = "2026-11-01T00:00:00+00:00"
    db = sqlite3.connect(path, isolation_level=None)
    for pragma in ("journal_mode = OFF", "synchronous = OFF", "cache_size = -400000", "temp_store = MEMORY",
                   "foreign_keys = OFF"):
        db.execute(f"PRAGMA {pragma}")
    # secondary indexes and the change-counter triggers are dropped during the load and made again with the
    # schema's own statements; the counter then moves once per row written, as the triggers would have
    indexes = db.execute("SELECT name, sql, type FROM sqlite_master WHERE type IN ('index', 'trigger') "
                         "AND sql IS NOT NULL AND tbl_name IN ('documents', 'refs')").fetchall()
    db.execute("BEGIN")
    for name, _, kind in indexes:
        db.execute(f"DROP {kind.upper()} {name}")

    def doc_rows():
        for i in range(n):
            ti = tpl[i]
            _, shape, _, symbol, _, _, _ = TEMPLATES[ti]
            full = fulls[i]
            number = full.split("/", 1)[0]
            sym = full.rsplit("/", 1)[1]
            if stub[i]:
                yield (i + 1, keys[i], 1, full, number, sym, years[i], types[i], names[i], None, None, dates[i],
                       None, None, None, None, None, None, None, created, created)
            else:
                a = AUTHORITIES[auth[i]]
                place = PROVINCES[prov[i]].split(" ", 1)[1] if "{p}" in TEMPLATES[ti][4] else "Hà Nội"
                parent = f"ỦY BAN NHÂN DÂN {PROVINCES[prov[i]].upper()}" if names[i].startswith("Sở") else None
                yield (i + 1, keys[i], 0, full, number, sym, years[i], types[i], names[i].upper(), parent, place,
                       dates[i], SUBJECTS[subj[i]], SIGNERS[signer[i]], a[0], a[1], "[]", "[]", "[]",
                       created, created)

    # the first columns of each table, as migrations 1-5 made them (later migrations add columns at the end,
    # which stay NULL here)
    doc_cols = ", ".join(r[1] for r in db.execute("PRAGMA table_info(documents)").fetchall()[:21])
    db.executemany(f"INSERT INTO documents ({doc_cols}) VALUES (" + ", ".join("?" * 21) + ")", doc_rows())
    t1 = time.perf_counter()
    if verbose:
        print(f"  wrote documents in {t1 - t0:.1f} s")

    m = len(src)
    normative = docs["normative"][dst - 1]
    rel = np.empty(m, dtype=np.int64)
    for mask, p in ((normative, P_NORMATIVE), (~normative, P_ADMIN)):
        p = np.array(p) / np.sum(p)
        rel[mask] = rng.choice(len(RELATIONS), size=int(mask.sum()), p=p)
    start = rng.integers(200, 3000, size=m)

    def ref_rows():
        for lo in range(0, m, BATCH):
            s_, d_, r_, st_ = (x[lo:lo + BATCH].tolist() for x in (src, dst, rel, start))
            for s, d, r, st in zip(s_, d_, r_, st_):
                j = d - 1
                relation = RELATIONS[r]
                text = f"{TRIGGER[relation]} {types[j]} số {fulls[j]}"
                yield (s, d, relation, fulls[j], dates[j], types[j], names[j], None, text, st, st + len(text))

    ref_cols = ", ".join(r[1] for r in db.execute("PRAGMA table_info(refs)").fetchall()[:11])
    db.executemany(f"INSERT INTO refs ({ref_cols}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", ref_rows())
    t2 = time.perf_counter()
    for _, sql, _ in indexes:
        db.execute(sql)
    db.execute("UPDATE state SET changes = changes + ?", (n + m,))
    db.execute("COMMIT")
    t3 = time.perf_counter()
    db.execute("PRAGMA journal_mode = WAL")  # as the application leaves it
    db.close()
    if verbose:
        print(f"  wrote references in {t2 - t1:.1f} s, rebuilt {len(indexes)} indexes in {t3 - t2:.1f} s")


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("path")
    ap.add_argument("--docs", type=int, default=1_000_000)
    ap.add_argument("--refs", type=int, default=4_000_000)
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args(argv)
    make_archive(a.path, a.docs, a.refs, a.seed)


if __name__ == "__main__":
    main()
