"""Build the committed statute pack from ../shared/corpus/statutes_articles.jsonl (progress on stderr)."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from content.pack import BUNDLED_PACK, STATUTES_PART, open_pack, write_pack  # noqa: E402
from content.statute_corpus import read_articles, to_jsonl  # noqa: E402
from content.statutes import find_corpus_dir  # noqa: E402


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
    bar = Progress(corpus_file.stat().st_size, "读取法条")
    articles = read_articles(corpus_file, lambda done, _total: bar.update(done))
    raw = to_jsonl(articles).decode()
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
