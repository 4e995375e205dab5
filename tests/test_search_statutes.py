"""Opening articles the way villagers type them, numerals both ways, browsing laws by 编/章/节."""

from __future__ import annotations

import json

import pytest

from content.pack import BUNDLED_PACK, open_pack
from content.statutes import (
    StatuteLibrary,
    article_label,
    cn_to_int,
    find_corpus_dir,
    int_to_cn,
    parse_reference,
)


@pytest.fixture(scope="module")
def library() -> StatuteLibrary:
    """All articles of the committed pack."""
    return StatuteLibrary.from_pack(open_pack(BUNDLED_PACK))


@pytest.mark.parametrize(
    ("typed", "title"),
    [
        ("民法典 1079", "《民法典》第一千零七十九条"),
        ("民法典第1079条", "《民法典》第一千零七十九条"),
        ("民法典第一千零七十九条", "《民法典》第一千零七十九条"),
        ("劳动合同法第八十二条", "《劳动合同法》第八十二条"),
        ("劳动合同法 82", "《劳动合同法》第八十二条"),
        ("《中华人民共和国劳动合同法》第82条", "《劳动合同法》第八十二条"),
        ("劳动法50", "《劳动法》第五十条"),
        ("法律援助法 第三十一条", "《法律援助法》第三十一条"),
        ("刑法第一百二十条之一", "《刑法》第一百二十条之一"),
        ("民法典　１０７９", "《民法典》第一千零七十九条"),  # full-width space and digits
    ],
)
def test_article_opens_from_what_is_typed(library: StatuteLibrary, typed: str, title: str) -> None:
    article = library.resolve(typed)
    assert article is not None and article.title == title


def test_opened_article_is_the_real_text(library: StatuteLibrary) -> None:
    article = library.resolve("民法典 1079")
    assert article is not None
    assert article.text.startswith("夫妻一方要求离婚的")


@pytest.mark.parametrize("typed", ["民法典", "1079", "第一千零七十九条", "民法典 99999", "不存在的法 3", ""])
def test_not_an_article_reference_opens_nothing(library: StatuteLibrary, typed: str) -> None:
    assert library.resolve(typed) is None


def test_short_name_prefers_the_national_law_over_interpretations(library: StatuteLibrary) -> None:
    assert library.find_law("民法典") == "中华人民共和国民法典"
    assert library.find_law("劳动争议调解仲裁法") == "中华人民共和国劳动争议调解仲裁法"
    assert library.find_law("《劳动合同法》") == "中华人民共和国劳动合同法"


@pytest.mark.parametrize(
    ("number", "chinese"),
    [
        (1, "一"),
        (10, "十"),
        (11, "十一"),
        (82, "八十二"),
        (100, "一百"),
        (110, "一百一十"),
        (1079, "一千零七十九"),
        (1260, "一千二百六十"),
        (1001, "一千零一"),
    ],
)
def test_chinese_numerals_both_ways(number: int, chinese: str) -> None:
    assert int_to_cn(number) == chinese
    assert cn_to_int(chinese) == number


def test_every_label_in_the_pack_round_trips(library: StatuteLibrary) -> None:
    mismatched = [a.title for a in library.articles if article_label(a.number, a.sub) != a.label]
    assert mismatched == []


def test_reference_parser_keeps_law_and_number() -> None:
    assert parse_reference("劳动合同法第八十二条") == ("劳动合同法", 82, 0)
    assert parse_reference("a" * 10000) is None


def test_browse_civil_code_by_part_chapter_article(library: StatuteLibrary) -> None:
    parts = library.sections("中华人民共和国民法典")
    assert [p.title for p in parts][:3] == ["第一编 总则", "第二编 物权", "第三编 合同"]
    family = next(p for p in parts if p.title == "第五编 婚姻家庭")
    chapters = library.sections("中华人民共和国民法典", family.path)
    divorce = next(c for c in chapters if c.title == "第四章 离婚")
    articles = library.articles_in("中华人民共和国民法典", divorce.path)
    assert len(articles) == divorce.article_count
    assert "第一千零七十九条" in [a.label for a in articles]
    assert [a.number for a in articles] == sorted(a.number for a in articles)


def test_law_list_puts_national_laws_first(library: StatuteLibrary) -> None:
    laws = library.laws()
    assert len(laws) == 1338
    assert laws[0].name.startswith("中华人民共和国")
    assert sum(info.article_count for info in laws) == 58908


def test_every_corpus_article_opens_from_the_pack(library: StatuteLibrary) -> None:
    corpus = find_corpus_dir() / "statutes_articles.jsonl"
    if not corpus.exists():
        pytest.skip(f"statute corpus not found at {corpus} (../shared/corpus is only on dev machines)")
    missing = []
    with corpus.open(encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            article = library.by_label(record["law"], record["article"])
            if article is None or article.law != record["law"]:
                missing.append((record["law"], record["article"]))
    assert missing == []
