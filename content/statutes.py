"""Statutes: the law list, browsing by 编/章/节, and opening an article from what a villager types."""

from __future__ import annotations

import json
import os
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from content.pack import STATUTES_PART, Pack


def find_corpus_dir(start: Path | None = None) -> Path:
    """The shared corpus folder: $CORPUS_DIR, else the first ../shared/corpus above the repository."""
    env = os.environ.get("CORPUS_DIR")
    if env:
        return Path(env)
    here = (start or Path(__file__)).resolve()
    for parent in here.parents:
        candidate = parent / "shared" / "corpus"
        if candidate.is_dir():
            return candidate
    return here.parents[1].parent / "shared" / "corpus"


NATIONAL_PREFIX = "中华人民共和国"
_DIGITS = {ch: i for i, ch in enumerate("零一二三四五六七八九")} | {"〇": 0, "○": 0, "两": 2}
_UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10000}
_CN_NUMERAL = "零〇○一二两三四五六七八九十百千万"
# Lower is preferred when a short law name is ambiguous: national laws first, interpretations last.
_CATEGORY_RANK = {"宪法": 0, "民法典": 0, "刑法": 0, "民法商法": 1, "社会法": 1, "行政法": 1, "经济法": 1}
_REFERENCE = re.compile(
    rf"^(?P<law>.*?)\s*第?\s*(?P<num>\d{{1,5}}|[{_CN_NUMERAL}]{{1,12}})\s*条?\s*(?:之\s*(?P<sub>\d{{1,2}}|[{_CN_NUMERAL}]{{1,3}}))?\s*$"
)
_LABEL = re.compile(rf"^第([{_CN_NUMERAL}\d]+)条(?:之([{_CN_NUMERAL}\d]+))?$")


def cn_to_int(text: str) -> int | None:
    """Chinese or Arabic numerals to an int ("一千零七十九" -> 1079, "八十二" -> 82, "82" -> 82)."""
    text = text.strip()
    if not text:
        return None
    if text.isdigit():
        return int(text)
    if any(ch not in _DIGITS and ch not in _UNITS for ch in text):
        return None
    if all(ch in _DIGITS for ch in text) and len(text) > 1:  # digit by digit: 一零七九
        return int("".join(str(_DIGITS[ch]) for ch in text))
    total, section, number = 0, 0, 0
    for ch in text:
        if ch in _DIGITS:
            number = _DIGITS[ch]
        elif ch == "万":
            total += (section + number) * 10000
            section, number = 0, 0
        else:
            section += (number or 1) * _UNITS[ch]
            number = 0
    return total + section + number


def int_to_cn(value: int) -> str:
    """An int as the Chinese numeral used in article labels (1079 -> 一千零七十九, 10 -> 十)."""
    if value < 0:
        raise ValueError("negative numbers have no article label")
    if value == 0:
        return "零"
    digits = "零一二三四五六七八九"
    if value >= 10000:
        high, low = divmod(value, 10000)
        rest = int_to_cn(low) if low else ""
        joiner = "零" if low and low < 1000 else ""
        return int_to_cn(high) + "万" + joiner + rest
    out: list[str] = []
    pending_zero = False
    for unit_value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = value // unit_value % 10
        if digit == 0:
            pending_zero = bool(out)
            continue
        if pending_zero:
            out.append("零")
            pending_zero = False
        if not (unit == "十" and digit == 1 and not out):
            out.append(digits[digit])
        out.append(unit)
    return "".join(out)


def article_label(number: int, sub: int = 0) -> str:
    """The corpus label of an article: 第一千零七十九条, 第一百二十条之一."""
    return f"第{int_to_cn(number)}条" + (f"之{int_to_cn(sub)}" if sub else "")


def parse_article_label(label: str) -> tuple[int, int] | None:
    """(number, sub) from a label like 第八十二条 or 第一百二十条之一; None if it is not one."""
    match = _LABEL.match(label.strip())
    if not match:
        return None
    number = cn_to_int(match.group(1))
    sub = cn_to_int(match.group(2)) if match.group(2) else 0
    if number is None or sub is None:
        return None
    return number, sub


def short_law_name(law: str) -> str:
    """The name people say: without 中华人民共和国 (民法典, 劳动合同法)."""
    return law.removeprefix(NATIONAL_PREFIX)


@dataclass(frozen=True, slots=True)
class Article:
    """One article of one law, as shipped in the statute pack."""

    index: int
    law: str
    category: str
    section: tuple[str, ...]
    label: str  # 第一千零七十九条
    number: int  # 1079
    sub: int  # 1 for 第一百二十条之一, else 0
    text: str

    @property
    def short_law(self) -> str:
        """The law's short name (民法典)."""
        return short_law_name(self.law)

    @property
    def title(self) -> str:
        """A display title: 《民法典》第一千零七十九条."""
        return f"《{self.short_law}》{self.label}"


@dataclass(frozen=True)
class LawInfo:
    """One law in the list: full and short name, category and how many articles it has."""

    name: str
    short_name: str
    category: str
    article_count: int


@dataclass(frozen=True)
class Section:
    """A 编/章/节 heading of a law; path holds the headings from the top down."""

    law: str
    path: tuple[str, ...]
    article_count: int

    @property
    def title(self) -> str:
        """The heading itself (第四章 离婚)."""
        return self.path[-1] if self.path else ""

    @property
    def depth(self) -> int:
        """1 for a 编 (or a top-level 章), 2 below it, ..."""
        return len(self.path)


@dataclass
class _LawEntry:
    info: LawInfo
    articles: list[Article] = field(default_factory=list)
    by_number: dict[tuple[int, int], Article] = field(default_factory=dict)


class StatuteLibrary:
    """All articles of a statute pack, with law list, section browsing and lookup by number."""

    def __init__(self, articles: Iterable[Article]) -> None:
        """Index the given articles (in pack order)."""
        self.articles: list[Article] = list(articles)
        self._laws: dict[str, _LawEntry] = {}
        for article in self.articles:
            entry = self._laws.get(article.law)
            if entry is None:
                entry = _LawEntry(LawInfo(article.law, article.short_law, article.category, 0))
                self._laws[article.law] = entry
            entry.articles.append(article)
            entry.by_number.setdefault((article.number, article.sub), article)
        for entry in self._laws.values():
            info = entry.info
            entry.info = LawInfo(info.name, info.short_name, info.category, len(entry.articles))
        self._by_short: dict[str, list[str]] = {}
        for name in self._laws:
            for key in {normalize_law_query(name), normalize_law_query(short_law_name(name))}:
                self._by_short.setdefault(key, []).append(name)

    @classmethod
    def from_pack(cls, pack: Pack) -> StatuteLibrary:
        """Build the library from an opened, verified pack."""
        return cls(parse_articles(pack.parts[STATUTES_PART]))

    def laws(self, category: str | None = None) -> list[LawInfo]:
        """Every law (optionally of one category), national laws first, then by name."""
        infos = [e.info for e in self._laws.values() if category is None or e.info.category == category]
        return sorted(infos, key=lambda i: (_law_rank(i.name, i.category), i.short_name))

    def categories(self) -> list[str]:
        """The categories present (宪法, 民法典, 民法商法, 行政法规, 司法解释, ...)."""
        present = {e.info.category for e in self._laws.values()}
        return sorted(present, key=lambda c: (_CATEGORY_RANK.get(c, 5), c))

    def law_info(self, law: str) -> LawInfo | None:
        """The entry of a law by full name."""
        entry = self._laws.get(law)
        return entry.info if entry else None

    def sections(self, law: str, parent: tuple[str, ...] = ()) -> list[Section]:
        """The sub-headings directly under parent (the 编 of a law for parent=()), in order."""
        entry = self._laws.get(law)
        if entry is None:
            return []
        depth = len(parent)
        order: dict[tuple[str, ...], int] = {}
        for article in entry.articles:
            if len(article.section) > depth and article.section[:depth] == parent:
                key = article.section[: depth + 1]
                order[key] = order.get(key, 0) + 1
        return [Section(law, path, count) for path, count in order.items()]

    def articles_in(self, law: str, section: tuple[str, ...] = ()) -> list[Article]:
        """The articles of a law under a section path (all of them for ())."""
        entry = self._laws.get(law)
        if entry is None:
            return []
        return [a for a in entry.articles if a.section[: len(section)] == section]

    def article(self, law: str, number: int, sub: int = 0) -> Article | None:
        """One article by law (full or short name) and number."""
        name = self.find_law(law)
        if name is None:
            return None
        return self._laws[name].by_number.get((number, sub))

    def by_label(self, law: str, label: str) -> Article | None:
        """One article by law and corpus label (第一千零七十九条)."""
        parsed = parse_article_label(label)
        return self.article(law, *parsed) if parsed else None

    def find_law(self, name: str) -> str | None:
        """The full law name for what someone typed: full, short, 《》-quoted or a unique-enough part."""
        if name in self._laws:
            return name
        name = normalize_law_query(name)
        if not name:
            return None
        candidates = self._by_short.get(name) or self._by_short.get(short_law_name(name))
        if not candidates and len(name) >= 2:
            candidates = [n for key, names in self._by_short.items() if key.startswith(name) for n in names]
            if not candidates:
                candidates = [n for key, names in self._by_short.items() if name in key for n in names]
        if not candidates:
            return None
        return min(candidates, key=lambda n: (_law_rank(n, self._laws[n].info.category), len(n), n))

    def resolve(self, text: str) -> Article | None:
        """Open an article from typed text: "民法典 1079", "民法典第1079条", "劳动合同法第八十二条"."""
        parsed = parse_reference(text)
        if parsed is None:
            return None
        law, number, sub = parsed
        return self.article(law, number, sub)


def normalize_law_query(text: str) -> str:
    """NFKC, no spaces, no 《》 or quotes."""
    text = unicodedata.normalize("NFKC", text or "")
    return re.sub(r"[\s《》<>〈〉\"'“”‘’]", "", text)


def parse_reference(text: str) -> tuple[str, int, int] | None:
    """(law as typed, number, sub) from "民法典 1079" / "劳动合同法第八十二条"; None if not a reference."""
    if not text or len(text) > 120:
        return None
    cleaned = unicodedata.normalize("NFKC", text).strip().replace("《", "").replace("》", "")
    match = _REFERENCE.match(cleaned)
    if not match:
        return None
    law = match.group("law").strip()
    number = cn_to_int(match.group("num"))
    sub = cn_to_int(match.group("sub")) if match.group("sub") else 0
    if not law or number is None or sub is None or number <= 0:
        return None
    if not re.search(r"[\u4e00-\u9fff]", law) or law[-1] in _CN_NUMERAL:
        return None
    return law, number, sub


def _law_rank(name: str, category: str) -> int:
    if name.startswith(NATIONAL_PREFIX):
        return 0
    if category == "司法解释":
        return 8
    if category.startswith("部门规章"):
        return 6
    if category == "行政法规":
        return 4
    return _CATEGORY_RANK.get(category, 3)


def parse_articles(raw: bytes) -> list[Article]:
    """Articles from the pack's statutes.jsonl part."""
    articles: list[Article] = []
    for index, line in enumerate(raw.decode("utf-8").splitlines()):
        record = json.loads(line)
        label = str(record["article"])
        number, sub = parse_article_label(label) or (0, 0)
        section = tuple(s.strip() for s in (record.get("section") or "").split(" / ") if s.strip())
        articles.append(
            Article(
                index=index,
                law=str(record["law"]),
                category=str(record.get("category") or ""),
                section=section,
                label=label,
                number=number,
                sub=sub,
                text=str(record.get("text") or ""),
            )
        )
    return articles
