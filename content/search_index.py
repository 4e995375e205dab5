"""In-memory BM25 over integer term keys (CJK char bigrams or token ids), built with numpy, cacheable."""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from content.search_text import bigram_keys_from_codes, cjk_mask

K1 = 1.2
B = 0.5  # articles vary from one line to pages; 0.5 beat 0.75 and 0.9 on the dev questions
CACHE_FORMAT = 4
Progress = Callable[[float], None]


@dataclass
class Bm25Index:
    """Posting lists with precomputed BM25 weights; terms are sorted uint64 keys.

    Attributes:
        keys: sorted term keys; a term's postings are docs[indptr[i]:indptr[i + 1]].
        docs: document numbers of each posting.
        weights: the BM25 weight of the term in that document (idf included).
        doc_count: how many documents the index holds.
    """

    keys: np.ndarray
    indptr: np.ndarray
    docs: np.ndarray
    weights: np.ndarray
    doc_count: int

    @classmethod
    def from_pairs(
        cls, term_keys: np.ndarray, doc_ids: np.ndarray, doc_count: int, k1: float = K1, b: float = B
    ) -> Bm25Index:
        """Build from one (term key, document) pair per token occurrence."""
        if term_keys.size == 0:
            empty = np.zeros(0, dtype=np.uint64)
            return cls(
                empty, np.zeros(1, dtype=np.int64), np.zeros(0, np.int32), np.zeros(0, np.float32), doc_count
            )
        unique_keys, term_ids = np.unique(term_keys, return_inverse=True)
        pair = term_ids.astype(np.int64) * doc_count + doc_ids.astype(np.int64)
        unique_pairs, tf = np.unique(pair, return_counts=True)
        post_terms = unique_pairs // doc_count
        post_docs = (unique_pairs % doc_count).astype(np.int32)
        doc_len = np.bincount(doc_ids, minlength=doc_count).astype(np.float64)
        avg_len = max(doc_len.mean(), 1.0)
        df = np.bincount(post_terms, minlength=unique_keys.size).astype(np.float64)
        idf = np.log(1.0 + (doc_count - df + 0.5) / (df + 0.5))
        norm = k1 * (1.0 - b + b * doc_len[post_docs] / avg_len)
        weights = (idf[post_terms] * tf * (k1 + 1.0) / (tf + norm)).astype(np.float32)
        indptr = np.zeros(unique_keys.size + 1, dtype=np.int64)
        indptr[1:] = np.cumsum(df.astype(np.int64))
        return cls(unique_keys, indptr, post_docs, weights, doc_count)

    @classmethod
    def from_texts(cls, texts: Sequence[str], progress: Progress | None = None) -> Bm25Index:
        """Index texts by CJK character bigrams (vectorised over the whole corpus at once)."""
        chunks_keys: list[np.ndarray] = [np.zeros(0, dtype=np.uint64)]
        chunks_docs: list[np.ndarray] = [np.zeros(0, dtype=np.int32)]
        step = max(len(texts) // 20, 1)
        for start in range(0, len(texts), step):
            part = texts[start : start + step]
            joined = "\x00".join(part)
            codes = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32)
            doc_of = np.cumsum(codes == 0, dtype=np.int32) + start
            keys, positions = bigram_keys_from_codes(codes)
            unigram_positions = np.nonzero(cjk_mask(codes))[0]
            chunks_keys += [keys, codes[unigram_positions].astype(np.uint64)]
            chunks_docs += [doc_of[positions], doc_of[unigram_positions]]
            if progress:
                progress(min(0.8, 0.8 * (start + step) / max(len(texts), 1)))
        index = cls.from_pairs(np.concatenate(chunks_keys), np.concatenate(chunks_docs), len(texts))
        if progress:
            progress(1.0)
        return index

    @classmethod
    def from_token_lists(
        cls, token_lists: Sequence[Sequence[str]], k1: float = 1.2, b: float = 0.75
    ) -> tuple[Bm25Index, dict[str, int]]:
        """Index pre-tokenised documents (jieba words) with textbook BM25; returns index and vocabulary."""
        vocabulary: dict[str, int] = {}
        keys: list[int] = []
        docs: list[int] = []
        for doc, tokens in enumerate(token_lists):
            for token in tokens:
                keys.append(vocabulary.setdefault(token, len(vocabulary)))
                docs.append(doc)
        index = cls.from_pairs(
            np.array(keys, dtype=np.uint64), np.array(docs, dtype=np.int32), len(token_lists)
        )
        return index, vocabulary

    @property
    def nbytes(self) -> int:
        """Memory held by the index arrays."""
        return self.keys.nbytes + self.indptr.nbytes + self.docs.nbytes + self.weights.nbytes

    def term_rows(self, query_keys: np.ndarray) -> np.ndarray:
        """Row numbers of the query keys that are in the index (unknown keys dropped)."""
        if query_keys.size == 0 or self.keys.size == 0:
            return np.zeros(0, dtype=np.int64)
        rows = np.searchsorted(self.keys, query_keys)
        rows = np.minimum(rows, self.keys.size - 1)
        return rows[self.keys[rows] == query_keys]

    def score(self, query_keys: np.ndarray, query_weights: np.ndarray | None = None) -> np.ndarray:
        """BM25 score of every document for the query terms (each key's weight multiplies its part)."""
        scores = np.zeros(self.doc_count, dtype=np.float32)
        if query_keys.size == 0:
            return scores
        weights = np.ones(query_keys.size, np.float32) if query_weights is None else query_weights
        rows = np.searchsorted(self.keys, query_keys)
        for key, weight, row in zip(query_keys, weights, rows, strict=True):
            if row >= self.keys.size or self.keys[row] != key:
                continue
            start, end = self.indptr[row], self.indptr[row + 1]
            scores[self.docs[start:end]] += self.weights[start:end] * weight
        return scores

    def save(self, path: Path) -> None:
        """Write the index to an .npz cache file atomically."""
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".index.", suffix=".npz", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as handle:
                np.savez(
                    handle,
                    format=np.array([CACHE_FORMAT]),
                    keys=self.keys,
                    indptr=self.indptr,
                    docs=self.docs,
                    weights=self.weights,
                    doc_count=np.array([self.doc_count]),
                )
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    @classmethod
    def load(cls, path: Path) -> Bm25Index | None:
        """Read a cache file written by save(); None if missing, stale or unreadable."""
        try:
            with np.load(path, allow_pickle=False) as data:
                if int(data["format"][0]) != CACHE_FORMAT:
                    return None
                return cls(
                    data["keys"], data["indptr"], data["docs"], data["weights"], int(data["doc_count"][0])
                )
        except (OSError, ValueError, KeyError, EOFError):
            return None


def top_k(scores: np.ndarray, k: int, minimum: float = 0.0) -> list[tuple[int, float]]:
    """The k best (document, score) pairs above minimum, best first."""
    if scores.size == 0 or k <= 0:
        return []
    k = min(k, scores.size)
    candidates = np.argpartition(-scores, k - 1)[:k]
    ordered = candidates[np.argsort(-scores[candidates], kind="stable")]
    return [(int(d), float(scores[d])) for d in ordered if scores[d] > minimum]


def cache_name(fingerprint: str, variant: str) -> str:
    """The cache file name for a pack fingerprint and index variant."""
    digest = hashlib.sha256(f"{fingerprint}:{variant}:{CACHE_FORMAT}:{K1}:{B}".encode()).hexdigest()[:16]
    return f"statute-index-{digest}.npz"
