"""Turning the raw statute corpus (statutes_articles.jsonl) into the records of the statute pack."""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Callable
from pathlib import Path

from content.statutes import parse_article_label

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


def read_articles(
    corpus_file: Path, progress: Callable[[int, int], None] | None = None
) -> list[dict[str, object]]:
    """Read the corpus, keeping only the fields the terminal needs; progress(bytes done, total)."""
    size = corpus_file.stat().st_size
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
            if progress and len(articles) % 2000 == 0:
                progress(done, size)
    if progress:
        progress(size, size)
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


def to_jsonl(articles: list[dict[str, object]]) -> bytes:
    """The pack's statutes.jsonl part: one compact JSON object per article."""
    return "".join(json.dumps(a, ensure_ascii=False, separators=(",", ":")) + "\n" for a in articles).encode()
