"""Build the committed statute pack from ../shared/corpus/statutes_articles.jsonl (progress on stderr)."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
import unicodedata
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from content.pack import BUNDLED_PACK, STATUTES_PART, open_pack, write_pack  # noqa: E402
from content.statutes import find_corpus_dir, parse_article_label  # noqa: E402

KEPT_FIELDS = ("law", "category", "version_date", "section", "article", "text")
# The corpus splits the Civil Code into one file per 编 and leaves the 编 out of `section`.
CIVIL_CODE_PARTS = {
    "总则": "第一编 总则",
    "物权编": "第二编 物权",
    "合同编": "第三编 合同",
    "人格权编": "第四编 人格权",
    "婚姻家庭编": "第五编 婚姻家庭",
    "继承编": "第六编 继承",
    "侵权责任编": "第七编 侵权责任",
    "附则": "附则",
}


class Progress:
    """A one-line progress bar on a terminal, plain percentage lines otherwise."""

    def __init__(self, total: int, label: str) -> None:
        """Start counting towards total."""
        self.total, self.label = max(total, 1), label
        self.tty = sys.stderr.isatty()
        self._last = -1

    def update(self, done: int) -> None:
        """Show progress at done items."""
        pct = min(100, done * 100 // self.total)
        if pct == self._last:
            return
        self._last = pct
        if self.tty:
            bar = "#" * (pct // 4) + "-" * (25 - pct // 4)
            sys.stderr.write(f"\r{self.label} [{bar}] {pct:3d}% ({done}/{self.total})")
            if pct == 100:
                sys.stderr.write("\n")
        elif pct % 10 == 0:
            sys.stderr.write(f"{self.label}: {pct}% ({done}/{self.total})\n")
        sys.stderr.flush()


def read_articles(corpus_file: Path) -> list[dict[str, object]]:
    """Read the corpus, keeping only the fields the terminal needs, with progress."""
    size = corpus_file.stat().st_size
    progress = Progress(size, "读取法条")
    articles: list[dict[str, object]] = []
    done = 0
    with corpus_file.open("rb") as handle:
        for line in handle:
            done += len(line)
            if line.strip():
                record = json.loads(line)
                article = {k: record.get(k) for k in KEPT_FIELDS}
                article["file"] = record.get("file") or ""
                articles.append(article)
            if len(articles) % 2000 == 0:
                progress.update(done)
    progress.update(size)
    return tidy(articles)


def tidy(articles: list[dict[str, object]]) -> list[dict[str, object]]:
    """Plain spaces in headings; a law split over several files gets its part as top heading; number order."""
    files_per_law: dict[str, set[str]] = {}
    for article in articles:
        files_per_law.setdefault(str(article["law"]), set()).add(str(article["file"]))
    by_law: dict[str, list[dict[str, object]]] = {}
    for article in articles:
        headings = str(article["section"] or "").split(" / ")
        path = [" ".join(unicodedata.normalize("NFKC", h).split()) for h in headings]
        path = [h for h in path if h]
        source = Path(str(article["file"]))
        if len(files_per_law[str(article["law"])]) > 1 and source.parent.name == "民法典":
            path.insert(0, CIVIL_CODE_PARTS.get(source.stem, source.stem))
        article["section"] = " / ".join(path)
        del article["file"]
        by_law.setdefault(str(article["law"]), []).append(article)
    ordered: list[dict[str, object]] = []
    for law_articles in by_law.values():
        ordered.extend(sorted(law_articles, key=lambda a: parse_article_label(str(a["article"])) or (0, 0)))
    return ordered


def main(argv: list[str] | None = None) -> int:
    """Build the pack and print its manifest summary."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("corpus", nargs="?", type=Path, default=find_corpus_dir())
    parser.add_argument("--out", type=Path, default=BUNDLED_PACK)
    parser.add_argument("--version", default=dt.date.today().strftime("%Y.%m.%d") + ".1")
    parser.add_argument("--compression", choices=["zstd", "xz"], default="zstd")
    parser.add_argument("--level", type=int, default=None)
    args = parser.parse_args(argv)
    corpus_file = args.corpus / "statutes_articles.jsonl" if args.corpus.is_dir() else args.corpus
    if not corpus_file.exists():
        print(f"找不到法条语料 {corpus_file}", file=sys.stderr)
        return 2
    articles = read_articles(corpus_file)
    raw = "".join(json.dumps(a, ensure_ascii=False, separators=(",", ":")) + "\n" for a in articles)
    laws = {str(a["law"]) for a in articles}
    raw_mb = len(raw.encode()) / 1e6
    print(f"压缩 {len(articles)} 条 ({raw_mb:.1f} MB) 用 {args.compression}…", file=sys.stderr)
    started = time.perf_counter()
    manifest = write_pack(
        args.out,
        kind="statutes",
        version=args.version,
        counts={"articles": len(articles), "laws": len(laws)},
        parts={STATUTES_PART: raw.encode()},
        compression=args.compression,
        level=args.level,
    )
    compress_s = time.perf_counter() - started
    started = time.perf_counter()
    open_pack(args.out)
    verify_s = time.perf_counter() - started
    summary = {
        "pack": str(args.out),
        "version": manifest.version,
        "articles": len(articles),
        "laws": len(laws),
        "compression": args.compression,
        "pack_mb": round(args.out.stat().st_size / 1e6, 2),
        "compress_s": round(compress_s, 1),
        "open_and_verify_s": round(verify_s, 2),
    }
    print(json.dumps(summary, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
