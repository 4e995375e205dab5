"""Search as you type over FAQ answers and statute articles, Chinese-aware, grouped for the screens."""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import numpy as np

from content.pack import STATUTES_PART, Pack
from content.search_index import Bm25Index, cache_name, top_k
from content.search_synonyms import COLLOQUIAL_TO_LEGAL, expand
from content.search_text import (
    ascii_words,
    cjk_bigram_keys,
    clean_query,
    drop_fillers,
    initials_key,
    is_cjk,
    pinyin_key,
    unigram_keys,
)
from content.statutes import NATIONAL_PREFIX, Article, StatuteLibrary

log = logging.getLogger(__name__)
Progress = Callable[[float], None]

# Laws most village matters rest on (the topics of the terminal); their articles rank a little higher.
CORE_LAWS = frozenset(
    NATIONAL_PREFIX + name
    for name in (
        "民法典",
        "劳动合同法",
        "劳动法",
        "劳动争议调解仲裁法",
        "社会保险法",
        "道路交通安全法",
        "农村土地承包法",
        "土地管理法",
        "消费者权益保护法",
        "法律援助法",
        "人民调解法",
        "反家庭暴力法",
        "老年人权益保障法",
        "未成年人保护法",
        "妇女权益保障法",
        "反电信网络诈骗法",
        "民事诉讼法",
        "刑法",
        "治安管理处罚法",
    )
)
EXPANSION_WEIGHT = 0.5  # synonym, pinyin and homophone terms count a little less than what was typed
FAQ_LAW_BONUS = 0.5  # articles an FAQ answer cites gain this share of the best article score
# Articles of a chapter where many good matches gather gain up to this share of the best score
# (recall@10 on the dev questions 0.29 -> 0.36: a question's words spread over its chapter's articles).
CHAPTER_BONUS = 0.4
CHAPTER_POOL = 100  # how many of the best articles vote for their chapter
WEAK_COVERAGE = 0.5  # below this share of the typed words found in the best hit, a search counts as missed


class LawRefLike(Protocol):
    """A statute reference of an FAQ entry: law (corpus name) and article label (第三十条)."""

    @property
    def law(self) -> str: ...

    @property
    def article(self) -> str: ...


class FaqLike(Protocol):
    """What search needs of an FAQ entry (content.faq.FaqEntry has these fields)."""

    @property
    def id(self) -> str: ...

    @property
    def topic(self) -> str: ...

    @property
    def question(self) -> str: ...

    @property
    def aliases(self) -> Sequence[str]: ...

    @property
    def answer(self) -> str: ...

    @property
    def steps(self) -> Sequence[str]: ...

    @property
    def laws(self) -> Sequence[LawRefLike]: ...


@dataclass(frozen=True)
class FaqHit:
    """An FAQ entry found for a query."""

    entry: FaqLike
    score: float


@dataclass(frozen=True)
class ArticleHit:
    """A statute article found for a query, with a short piece of its text around the match."""

    article: Article
    score: float
    snippet: str
    exact: bool = False  # the query named this article ("民法典 1079")


@dataclass(frozen=True)
class SearchResults:
    """Search results grouped for display: FAQ answers first, then articles.

    Attributes:
        query: the cleaned query actually searched (Simplified, capped in length).
        faq: FAQ answers, best first.
        articles: articles, best first; an article named by number comes first with exact=True.
        interpreted: words the search understood beyond what was typed (pinyin, sound-alike, synonyms),
            for a "也搜索了：…" line on screen.
        coverage: the share of the typed words (bigrams) that the best answer or article contains.
    """

    query: str
    faq: list[FaqHit] = field(default_factory=list)
    articles: list[ArticleHit] = field(default_factory=list)
    interpreted: list[str] = field(default_factory=list)
    coverage: float = 0.0

    @property
    def weak(self) -> bool:
        """True when nothing good was found: record it with MissedSearchLog (the villager may consent)."""
        if self.exact_article is not None:
            return False
        return self.empty or self.coverage < WEAK_COVERAGE

    @property
    def empty(self) -> bool:
        """True when nothing at all was found."""
        return not self.faq and not self.articles

    @property
    def exact_article(self) -> Article | None:
        """The article the query named by number, if any."""
        return self.articles[0].article if self.articles and self.articles[0].exact else None


def law_prior(article: Article) -> float:
    """How much an article's kind of law is trusted to answer a villager: core laws first."""
    if article.law in CORE_LAWS:
        return 1.0
    if article.law.startswith(NATIONAL_PREFIX):
        return 0.6
    if article.category == "行政法规":
        return 0.36
    return 0.3


class SearchEngine:
    """The terminal's search: one BM25 index over statute char bigrams, one over the FAQ."""

    def __init__(
        self,
        library: StatuteLibrary,
        faq: Sequence[FaqLike] = (),
        *,
        cache_dir: Path | None = None,
        fingerprint: str = "",
        progress: Progress | None = None,
    ) -> None:
        """Build (or load from cache_dir) the statute index, then the FAQ index and the word tables."""
        self.library = library
        self.faq: list[FaqLike] = list(faq)
        started = time.perf_counter()
        self.index = self._statute_index(cache_dir, fingerprint, progress)
        self.index_build_s = time.perf_counter() - started
        self.prior = np.array([law_prior(a) for a in library.articles], dtype=np.float32)
        chapters: dict[tuple[str, tuple[str, ...]], int] = {}
        self.chapter_of = np.array(
            [chapters.setdefault((a.law, a.section), len(chapters)) for a in library.articles], dtype=np.int64
        )
        self.chapter_count = len(chapters)
        self.faq_index = Bm25Index.from_texts([_faq_text(e) for e in self.faq])
        self._faq_law_docs = [self._cited_docs(e) for e in self.faq]
        self._by_initials: dict[str, list[str]] = {}
        self._by_pinyin: dict[str, list[str]] = {}
        self._vocabulary: set[str] = set()
        self._build_word_tables()

    @classmethod
    def from_pack(
        cls,
        pack: Pack,
        faq: Sequence[FaqLike] = (),
        *,
        cache_dir: Path | None = None,
        progress: Progress | None = None,
    ) -> SearchEngine:
        """An engine over a verified pack's statutes (index cached under the pack's checksum)."""
        library = StatuteLibrary.from_pack(pack)
        fingerprint = pack.manifest.parts[STATUTES_PART].raw_sha256
        return cls(library, faq, cache_dir=cache_dir, fingerprint=fingerprint, progress=progress)

    def _statute_index(
        self, cache_dir: Path | None, fingerprint: str, progress: Progress | None
    ) -> Bm25Index:
        cache_file = cache_dir / cache_name(fingerprint, "bigram") if cache_dir and fingerprint else None
        if cache_file is not None and cache_file.exists():
            cached = Bm25Index.load(cache_file)
            if cached is not None and cached.doc_count == len(self.library.articles):
                if progress:
                    progress(1.0)
                return cached
        texts = [_article_text(a) for a in self.library.articles]
        index = Bm25Index.from_texts(texts, progress)
        if cache_file is not None:
            try:
                index.save(cache_file)
                for stale in cache_file.parent.glob("statute-index-*.npz"):
                    if stale != cache_file:
                        stale.unlink(missing_ok=True)  # an index of a pack no longer in use
            except OSError as exc:
                log.warning("search index cache not written: %s", exc)
        return index

    def _cited_docs(self, entry: FaqLike) -> list[int]:
        docs = []
        for ref in entry.laws:
            article = self.library.by_label(ref.law, ref.article)
            if article is not None:
                docs.append(article.index)
        return docs

    def _build_word_tables(self) -> None:
        """Words that pinyin, initials and sound-alike input may stand for: domain terms, not all Chinese."""
        words: dict[str, int] = {}

        def add(word: str, rank: int) -> None:
            word = "".join(ch for ch in word if is_cjk(ch))
            if 2 <= len(word) <= 8 and (word not in words or rank < words[word]):
                words[word] = rank

        for phrase, terms in COLLOQUIAL_TO_LEGAL.items():
            add(phrase, 0)
            for term in terms:
                add(term, 1)
        for entry in self.faq:
            add(entry.topic, 0)
            for text in (entry.question, *entry.aliases):
                for word in _segment(text):
                    add(word, 1)
        for info in self.library.laws():
            if info.name.startswith(NATIONAL_PREFIX):
                add(info.short_name, 2)
        for law in sorted(CORE_LAWS):
            for article in self.library.articles_in(law):
                for heading in article.section:
                    for part in re.split(r"[^\u4e00-\u9fff]|[和与及]", heading.partition(" ")[2]):
                        add(part, 2)
        for word in sorted(words, key=lambda w: (words[w], len(w))):
            self._vocabulary.add(word)
            self._by_initials.setdefault(initials_key(word), []).append(word)
            self._by_pinyin.setdefault(pinyin_key(word), []).append(word)

    def _pinyin_terms(self, query: str) -> list[str]:
        """Chinese words for Latin-letter runs: full pinyin (laodonghetong) or initials (ldht)."""
        found: list[str] = []
        for token in ascii_words(query):
            if len(token) < 2:
                continue
            words = self._by_pinyin.get(token) or self._by_initials.get(token, [])
            if not words and len(token) >= 4:
                words = [w for key, ws in self._by_pinyin.items() if key.startswith(token) for w in ws][:3]
            found.extend(words[:3])
        return found

    def _sound_alike_terms(self, query: str) -> list[str]:
        """Known words that sound like parts of the query written with other characters (离昏 -> 离婚)."""
        found: list[str] = []
        for run in "".join(ch if is_cjk(ch) else " " for ch in query).split():
            for size in (4, 3, 2):
                for start in range(len(run) - size + 1):
                    window = run[start : start + size]
                    if window in self._vocabulary:
                        continue
                    for word in self._by_pinyin.get(pinyin_key(window), ())[:2]:
                        if word not in found and word not in query:
                            found.append(word)
        return found

    def search(self, text: object, *, faq_limit: int = 5, article_limit: int = 10) -> SearchResults:
        """Search FAQ and statutes for what was typed; never raises for any input."""
        query = clean_query(text)
        if not query:
            return SearchResults(query="")
        exact = self.library.resolve(query)
        extra = self._pinyin_terms(query)
        extra += [w for w in self._sound_alike_terms(query) if w not in extra]
        typed = drop_fillers(query)
        extra += [w for w in expand(" ".join([typed, *extra])) if w not in extra]
        keys, weights = _query_keys(typed, extra)
        faq_hits = self._search_faq(keys, weights, faq_limit)
        article_hits = self._search_articles(keys, weights, faq_hits, article_limit, exact)
        typed_keys = keys[weights >= 1.0]
        best_texts = [_faq_text(faq_hits[0].entry)] if faq_hits else []
        best_texts += [_article_text(hit.article) for hit in article_hits[:1]]
        coverage = max((_coverage(text, typed_keys) for text in best_texts), default=0.0)
        return SearchResults(query, faq_hits, article_hits, extra, coverage)

    def article_ranking(self, text: object, limit: int = 10) -> list[Article]:
        """Only the ranked articles for a query (what the benchmark measures)."""
        return [hit.article for hit in self.search(text, faq_limit=3, article_limit=limit).articles]

    def _search_faq(self, keys: np.ndarray, weights: np.ndarray, limit: int) -> list[FaqHit]:
        if not self.faq or keys.size == 0:
            return []
        ranked = top_k(self.faq_index.score(keys, weights), limit)
        if not ranked:
            return []
        best = ranked[0][1]
        return [FaqHit(self.faq[doc], score) for doc, score in ranked if score >= 0.35 * best]

    def _search_articles(
        self,
        keys: np.ndarray,
        weights: np.ndarray,
        faq_hits: list[FaqHit],
        limit: int,
        exact: Article | None,
    ) -> list[ArticleHit]:
        hits: list[ArticleHit] = []
        if exact is not None:
            hits.append(ArticleHit(exact, float("inf"), exact.text[:80], exact=True))
        if keys.size:
            scores = self._chapter_vote(self.index.score(keys, weights) * self.prior)
            best = float(scores.max()) if scores.size else 0.0
            if faq_hits and best > 0:
                top_faq = faq_hits[0].score
                for hit in faq_hits[:3]:
                    for doc in self._faq_law_docs[self.faq.index(hit.entry)]:
                        scores[doc] += FAQ_LAW_BONUS * best * hit.score / top_faq
            typed_keys = keys[weights >= 1.0]
            for doc, score in top_k(scores, limit + 1):
                article = self.library.articles[doc]
                if exact is not None and article.index == exact.index:
                    continue
                hits.append(ArticleHit(article, score, _snippet(article.text, typed_keys)))
        return hits[:limit]

    def _chapter_vote(self, scores: np.ndarray) -> np.ndarray:
        """Raise the articles of the chapters where the best matches gather."""
        pool = min(CHAPTER_POOL, scores.size - 1)
        if pool < 1:
            return scores
        best_docs = np.argpartition(-scores, pool)[:pool]
        chapters = self.chapter_of[best_docs]
        votes = np.bincount(chapters, weights=scores[best_docs], minlength=self.chapter_count)
        top_vote, best = float(votes.max()), float(scores.max())
        if top_vote <= 0:
            return scores
        bonus = (CHAPTER_BONUS * best / top_vote) * votes[self.chapter_of]
        return np.where(scores > 0, scores + bonus.astype(np.float32), scores)


def _query_keys(typed: str, extra: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Bigram keys with weights: typed text 1.0, added words EXPANSION_WEIGHT; unigrams if no bigram."""
    typed_keys = np.unique(cjk_bigram_keys(typed))
    extra_keys = np.unique(cjk_bigram_keys(" ".join(extra)))
    extra_keys = np.setdiff1d(extra_keys, typed_keys)
    if typed_keys.size == 0 and extra_keys.size == 0:
        typed_keys = np.unique(unigram_keys(typed))
    keys = np.concatenate([typed_keys, extra_keys])
    weights = np.concatenate(
        [np.ones(typed_keys.size, np.float32), np.full(extra_keys.size, EXPANSION_WEIGHT, np.float32)]
    )
    return keys, weights


def _coverage(text: str, typed_keys: np.ndarray) -> float:
    """The share of the typed bigrams present in text (1.0 when nothing was typed in Chinese)."""
    if typed_keys.size == 0:
        return 1.0
    return float(np.isin(typed_keys, cjk_bigram_keys(text)).mean())


def _article_text(article: Article) -> str:
    """What the index sees of an article: law short name, headings twice (they name the matter), the text."""
    headings = " ".join(article.section)
    return f"{article.short_law} {headings} {headings} {article.text}"


def _faq_text(entry: FaqLike) -> str:
    """What the index sees of an FAQ entry: the question counts most, then aliases, topic, answer."""
    question = " ".join([entry.question] * 3)
    aliases = " ".join(list(entry.aliases) * 2)
    return f"{question} {aliases} {entry.topic} {entry.answer} {' '.join(entry.steps)}"


def _segment(text: str) -> list[str]:
    """Words of an FAQ question (jieba), without asking words."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    return [w for w in jieba.lcut(drop_fillers(clean_query(text, limit=200))) if len(w) >= 2]


def _snippet(text: str, keys: np.ndarray, width: int = 80) -> str:
    """About width characters of text around the first typed bigram found in it."""
    if len(text) <= width:
        return text
    start = 0
    if keys.size:
        codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
        if codes.size > 1:
            pairs = (codes[:-1].astype(np.uint64) << np.uint64(21)) | codes[1:].astype(np.uint64)
            found = np.nonzero(np.isin(pairs, keys))[0]
            if found.size:
                start = max(0, int(found[0]) - width // 4)
    piece = text[start : start + width]
    return ("…" if start else "") + piece + ("…" if start + width < len(text) else "")
