"""Query text for search: cleaning, Traditional to Simplified, char bigrams, pinyin and initials."""

from __future__ import annotations

import importlib.util
import re
import unicodedata
from functools import cache, lru_cache

import numpy as np
from opencc import OpenCC

MAX_QUERY_CHARS = 64  # a villager's question fits; anything longer is cut, never an error
_T2S = OpenCC("t2s")
_ASCII_WORD = re.compile(r"[a-z]+")
# Words that carry the asking, not the matter: dropped before matching statutes (they are rare in law
# text, so BM25 would otherwise reward any article that happens to contain them).
FILLER_WORDS = (
    "请问一下",
    "请问",
    "怎么办呢",
    "怎么办",
    "怎么样",
    "怎么",
    "咋办",
    "咋整",
    "如何",
    "什么",
    "是否",
    "能不能",
    "可不可以",
    "会不会",
    "要不要",
    "有没有",
    "是不是",
    "可以吗",
    "吗",
    "呢",
    "吧",
    "啊",
    "呀",
    "我们",
    "我家",
    "我的",
    "现在",
    "已经",
    "应该",
    "需要",
    "谢谢",
    "您好",
    "你好",
    "律师",
)
_FILLER = re.compile("|".join(sorted(map(re.escape, FILLER_WORDS), key=len, reverse=True)))


def is_cjk(ch: str) -> bool:
    """True for a CJK unified ideograph (the characters statutes are written in)."""
    code = ord(ch)
    return 0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF or 0x20000 <= code <= 0x2A6DF


def clean_query(text: object, limit: int = MAX_QUERY_CHARS) -> str:
    """Safe, normalised query text: NFKC, Simplified, lower case, no control chars or emoji, capped."""
    if not isinstance(text, str) or not text:
        return ""
    text = text[: limit * 4]
    text = unicodedata.normalize("NFKC", text)
    kept = []
    for ch in text:
        category = unicodedata.category(ch)
        if category[0] in "LN":
            kept.append(ch)
        elif category[0] in "PSZC":
            kept.append(" ")
    text = " ".join("".join(kept).split()).lower()[:limit]
    return _T2S.convert(text) if any(is_cjk(c) for c in text) else text


def drop_fillers(text: str) -> str:
    """The query without asking words (怎么办, 请问, 吗…), replaced by spaces."""
    return _FILLER.sub(" ", text)


def cjk_bigram_keys(text: str) -> np.ndarray:
    """uint64 keys of the CJK character bigrams in text (code point of first << 21 | second)."""
    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    return bigram_keys_from_codes(codes)[0]


def cjk_mask(codes: np.ndarray) -> np.ndarray:
    """Which code points are CJK ideographs."""
    return ((codes >= 0x4E00) & (codes <= 0x9FFF)) | ((codes >= 0x3400) & (codes <= 0x4DBF))


def bigram_keys_from_codes(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(keys, start positions) of the CJK bigrams in an array of code points."""
    if codes.size < 2:
        return np.zeros(0, dtype=np.uint64), np.zeros(0, dtype=np.int64)
    mask = cjk_mask(codes)
    pair = mask[:-1] & mask[1:]
    positions = np.nonzero(pair)[0]
    keys = (codes[positions].astype(np.uint64) << np.uint64(21)) | codes[positions + 1].astype(np.uint64)
    return keys, positions


def unigram_keys(text: str) -> np.ndarray:
    """uint64 keys of single CJK characters (first part zero), for one-character queries."""
    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    return codes[cjk_mask(codes)].astype(np.uint64)


@cache
def _pinyin_table() -> dict[int, str]:
    """pypinyin's single-character table, loaded on its own: the package import adds ~40 MB of phrases."""
    spec = importlib.util.find_spec("pypinyin")
    if spec is None or not spec.submodule_search_locations:
        return {}
    location = next(iter(spec.submodule_search_locations)) + "/pinyin_dict.py"
    module_spec = importlib.util.spec_from_file_location("_kiosk_pinyin_dict", location)
    if module_spec is None or module_spec.loader is None:
        return {}
    module = importlib.util.module_from_spec(module_spec)
    module_spec.loader.exec_module(module)
    table: dict[int, str] = module.pinyin_dict
    return table


@lru_cache(maxsize=65536)
def char_pinyin(ch: str) -> str:
    """The toneless pinyin of one character (its first listed reading); the character itself if none."""
    readings = _pinyin_table().get(ord(ch)) if len(ch) == 1 else None
    if not readings:
        return ch
    decomposed = unicodedata.normalize("NFD", readings.split(",")[0]).replace("u\u0308", "v")
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def pinyin_key(word: str) -> str:
    """Toneless pinyin of a word, joined: 劳动合同 -> laodonghetong."""
    return "".join(char_pinyin(ch) for ch in word)


def initials_key(word: str) -> str:
    """First letters of each syllable: 劳动合同 -> ldht."""
    return "".join(char_pinyin(ch)[:1] for ch in word)


def ascii_words(text: str) -> list[str]:
    """The runs of Latin letters in a cleaned query (possible pinyin)."""
    return _ASCII_WORD.findall(text)
