"""Search benchmark: build the index from the corpus, run every question, print one JSON line last."""

from __future__ import annotations

import argparse
import json
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from content.pack import BUNDLED_PACK, STATUTES_PART, write_pack  # noqa: E402
from content.search import FaqLike, SearchEngine  # noqa: E402
from content.search_index import Bm25Index, top_k  # noqa: E402
from content.search_text import clean_query, is_cjk  # noqa: E402
from content.statute_corpus import read_articles, to_jsonl  # noqa: E402
from content.statutes import StatuteLibrary, cn_to_int, find_corpus_dir, parse_articles  # noqa: E402

CITATION = re.compile(r"《([^》]+)》\s*第([零〇一二两三四五六七八九十百千万\d]+)条")
Ranker = Callable[[str], list[int]]


def say(message: str) -> None:
    """Progress on stderr, so the last stdout line stays the JSON result."""
    print(message, file=sys.stderr, flush=True)


def cited_targets(library: StatuteLibrary, citations: Sequence[str]) -> set[tuple[str, int]]:
    """(corpus law name, article number) for each 《民法典》第一千零七十六条 style citation."""
    targets: set[tuple[str, int]] = set()
    for citation in citations:
        match = CITATION.search(citation)
        if not match:
            continue
        law = library.find_law(match.group(1))
        number = cn_to_int(match.group(2))
        if law and number:
            targets.add((law, number))
    return targets


def evaluate(
    library: StatuteLibrary, ranker: Ranker, questions: list[dict[str, object]], label: str
) -> dict[str, float]:
    """Recall@10 (share of cited articles in the top 10, averaged), MRR and latency of a ranker."""
    recalls: list[float] = []
    reciprocal: list[float] = []
    times: list[float] = []
    for done, question in enumerate(questions, 1):
        started = time.perf_counter()
        ranked = ranker(str(question["question"]))
        times.append((time.perf_counter() - started) * 1000)
        targets = cited_targets(library, question.get("cited_laws") or [])  # type: ignore[arg-type]
        if targets:
            got = [(library.articles[d].law, library.articles[d].number) for d in ranked[:10]]
            recalls.append(len(targets & set(got)) / len(targets))
            reciprocal.append(next((1 / (i + 1) for i, g in enumerate(got) if g in targets), 0.0))
        if done % 1000 == 0:
            say(f"  {label}: {done}/{len(questions)}")
    return {
        "recall_at_10": float(np.mean(recalls)) if recalls else 0.0,
        "mrr": float(np.mean(reciprocal)) if reciprocal else 0.0,
        "ms_p50": float(np.percentile(times, 50)),
        "ms_p95": float(np.percentile(times, 95)),
        "judged": len(recalls),
    }


def jieba_baseline(library: StatuteLibrary) -> tuple[Ranker, float]:
    """A plain BM25 over jieba tokens of the article text (the baseline the issue names)."""
    import jieba

    jieba.setLogLevel(60)
    started = time.perf_counter()
    token_lists = []
    for i, article in enumerate(library.articles):
        token_lists.append([t for t in jieba.lcut(article.text) if t.strip()])
        if i % 10000 == 0:
            say(f"  jieba tokenising {i}/{len(library.articles)}")
    index, vocabulary = Bm25Index.from_token_lists(token_lists)
    build_s = time.perf_counter() - started

    def rank(text: str) -> list[int]:
        ids = sorted({vocabulary[t] for t in jieba.lcut(text) if t in vocabulary})
        return [d for d, _ in top_k(index.score(np.array(ids, dtype=np.uint64)), 10)]

    return rank, build_s


def fts5_variant(library: StatuteLibrary, workdir: Path) -> tuple[Ranker, dict[str, float]]:
    """The same bigram terms in SQLite FTS5 (bm25() ranking), for comparison with the numpy index."""

    def bigrams(text: str) -> str:
        text = "".join(ch if is_cjk(ch) else " " for ch in text)
        return " ".join(run[i : i + 2] for run in text.split() for i in range(len(run) - 1))

    path = workdir / "fts5.sqlite3"
    started = time.perf_counter()
    db = sqlite3.connect(path)
    db.execute("CREATE VIRTUAL TABLE a USING fts5(body, tokenize='unicode61')")
    rows = ((a.index + 1, bigrams(f"{a.short_law} {' '.join(a.section)} {a.text}")) for a in library.articles)
    db.executemany("INSERT INTO a(rowid, body) VALUES (?, ?)", rows)
    db.commit()
    build_s = time.perf_counter() - started

    def rank(text: str) -> list[int]:
        terms = sorted(set(bigrams(clean_query(text)).split()))
        if not terms:
            return []
        match = " OR ".join(f'"{t}"' for t in terms)
        found = db.execute(
            "SELECT rowid FROM a WHERE a MATCH ? ORDER BY bm25(a) LIMIT 10", (match,)
        ).fetchall()
        return [row[0] - 1 for row in found]

    return rank, {"fts5_build_s": build_s, "fts5_mb": path.stat().st_size / 1e6}


def kiosk_rss(pack: Path, cache_dir: Path) -> dict[str, float]:
    """RSS and start time of a fresh process that opens the pack, loads the FAQ and the cached index."""
    code = (
        "import time, sys, json; t = time.perf_counter(); sys.path.insert(0, sys.argv[1])\n"
        "from pathlib import Path\n"
        "from content.pack import open_pack\nfrom content.search import SearchEngine\n"
        "faq, folder = [], Path(sys.argv[1]) / 'content' / 'data' / 'faq'\n"
        "if folder.is_dir():\n"
        "    from content.faq import load_faq\n"
        "    faq = load_faq(folder)\n"
        "e = SearchEngine.from_pack(open_pack(Path(sys.argv[2])), faq, cache_dir=Path(sys.argv[3]))\n"
        "e.search('老板欠我工资不给怎么办')\n"
        "rss = [l for l in open('/proc/self/status') if l.startswith('VmRSS')][0].split()[1]\n"
        "print(json.dumps({'rss_mb': int(rss) / 1024, 'start_s': time.perf_counter() - t}))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(REPO), str(pack), str(cache_dir)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def load_faq() -> list[FaqLike]:
    """The FAQ entries of content/data/faq, when that loader and folder exist."""
    directory = REPO / "content" / "data" / "faq"
    try:
        from content.faq import load_faq as load  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        return []
    return list(load(directory)) if directory.is_dir() else []


def keystroke_latency(engine: SearchEngine, questions: list[dict[str, object]], count: int = 300) -> float:
    """p95 ms of every prefix of the first questions, as typed one character at a time."""
    times: list[float] = []
    for question in questions[:count]:
        text = str(question["question"])[:40]
        for end in range(1, len(text) + 1):
            started = time.perf_counter()
            engine.search(text[:end])
            times.append((time.perf_counter() - started) * 1000)
    return float(np.percentile(times, 95))


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the JSON line."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", type=Path, default=find_corpus_dir())
    parser.add_argument(
        "--queries", type=Path, default=Path(os.environ["QUERIES"]) if os.environ.get("QUERIES") else None
    )
    parser.add_argument("--no-baseline", action="store_true", help="skip the jieba baseline (about 40 s)")
    args = parser.parse_args(argv)
    statutes = args.corpus / "statutes_articles.jsonl"
    queries = args.queries or args.corpus / "legal_qa_dev.jsonl"
    if not statutes.exists() or not queries.exists():
        say(f"corpus not found ({statutes}, {queries}): nothing to measure")
        return 2
    say("reading the statute corpus…")
    articles = read_articles(statutes)
    raw = to_jsonl(articles)
    library = StatuteLibrary(parse_articles(raw))
    faq = load_faq()
    questions = [
        json.loads(line) for line in queries.read_text(encoding="utf-8").splitlines() if line.strip()
    ]
    say(f"{len(library.articles)} articles, {len(faq)} FAQ entries, {len(questions)} questions")

    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        say("building the search index…")
        started = time.perf_counter()
        engine = SearchEngine(library, faq, cache_dir=workdir / "cache", fingerprint="bench")
        index_build_s = time.perf_counter() - started
        cache_files = list((workdir / "cache").glob("*.npz"))
        index_mb = sum(f.stat().st_size for f in cache_files) / 1e6

        say("running the questions…")
        ours = evaluate(library, lambda q: [a.index for a in engine.article_ranking(q)], questions, "search")
        typing_p95 = keystroke_latency(engine, questions)
        result: dict[str, object] = {
            "articles": len(library.articles),
            "faq_entries": len(faq),
            "queries": len(questions),
            "judged_queries": ours["judged"],
            "query_ms_p50": round(ours["ms_p50"], 2),
            "query_ms_p95": round(ours["ms_p95"], 2),
            "keystroke_ms_p95": round(typing_p95, 2),
            "law_recall_at_10": round(ours["recall_at_10"], 4),
            "law_mrr": round(ours["mrr"], 4),
        }
        if not args.no_baseline:
            say("building the jieba BM25 baseline…")
            baseline, baseline_build_s = jieba_baseline(library)
            base = evaluate(library, baseline, questions, "baseline")
            result |= {
                "baseline_recall_at_10": round(base["recall_at_10"], 4),
                "baseline_mrr": round(base["mrr"], 4),
                "baseline_build_s": round(baseline_build_s, 1),
                "baseline_ms_p95": round(base["ms_p95"], 2),
            }
        say("building the FTS5 variant…")
        fts_rank, fts_info = fts5_variant(library, workdir)
        judged = [q for q in questions if q.get("cited_laws")]  # FTS5 is slow: only the judged ones
        fts = evaluate(library, fts_rank, judged, "fts5")
        result |= {
            "fts5_recall_at_10": round(fts["recall_at_10"], 4),
            "fts5_ms_p95": round(fts["ms_p95"], 2),
            "fts5_build_s": round(fts_info["fts5_build_s"], 1),
            "fts5_mb": round(fts_info["fts5_mb"], 1),
        }
        say("measuring a kiosk process with the index loaded…")
        pack = workdir / "bench.pack"
        write_pack(
            pack, kind="statutes", version="1", counts={"articles": len(articles)}, parts={STATUTES_PART: raw}
        )
        first = kiosk_rss(pack, workdir / "kiosk-cache")  # first start: builds the cache
        kiosk = kiosk_rss(pack, workdir / "kiosk-cache")  # later starts: loads it
        result |= {
            "index_build_s": round(index_build_s, 2),
            "index_mb": round(index_mb, 1),
            "kiosk_rss_mb_with_index": round(kiosk["rss_mb"], 1),
            "kiosk_start_with_cached_index_s": round(kiosk["start_s"], 2),
            "kiosk_rss_mb_first_start": round(first["rss_mb"], 1),
            "kiosk_first_start_s": round(first["start_s"], 2),
            "pack_mb": round(BUNDLED_PACK.stat().st_size / 1e6, 2),
        }
    print(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
