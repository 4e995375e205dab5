"""Search as a villager notices it: colloquial words, pinyin, wrong characters, Traditional, odd input."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from content.pack import BUNDLED_PACK, STATUTES_PART, open_pack, write_pack
from content.search import SearchEngine, SearchResults
from content.search_synonyms import COLLOQUIAL_TO_LEGAL
from content.search_text import MAX_QUERY_CHARS


@dataclass(frozen=True)
class LawRef:
    """Shaped like content.faq.LawRef."""

    law: str
    article: str


@dataclass(frozen=True)
class Faq:
    """Shaped like content.faq.FaqEntry (only what search reads, plus next steps)."""

    id: str
    topic: str
    question: str
    aliases: list[str]
    answer: str
    steps: list[str]
    laws: list[LawRef]
    next_steps: list[str] = field(default_factory=lambda: ["call"])
    call_topic: str = ""


FAQ = [
    Faq(
        "wage-1",
        "劳动争议与欠薪",
        "老板拖欠工资不给怎么办？",
        ["包工头不给工钱", "欠薪怎么讨回来"],
        "用人单位应当按时足额支付劳动报酬。被拖欠时可以先协商，再向劳动监察投诉或申请劳动仲裁。",
        ["保存工资条、考勤等证据", "向劳动保障监察投诉", "申请劳动仲裁"],
        [LawRef("中华人民共和国劳动合同法", "第三十条"), LawRef("中华人民共和国劳动法", "第五十条")],
    ),
    Faq(
        "support-1",
        "赡养抚养",
        "子女不给父母赡养费怎么办？",
        ["儿子不养老人", "孩子不管老人"],
        "成年子女对父母有赡养扶助的义务。不履行的，父母可以要求给付赡养费，可以找村委会调解或到法院起诉。",
        ["找村委会或人民调解委员会调解", "向法院起诉要求赡养费"],
        [LawRef("中华人民共和国民法典", "第一千零六十七条")],
    ),
    Faq(
        "divorce-1",
        "婚姻家庭",
        "两个人都同意离婚，怎么办手续？",
        ["协议离婚去哪里办"],
        "双方自愿离婚的，签订书面离婚协议，一起到婚姻登记机关申请离婚登记，有三十天冷静期。",
        ["写好离婚协议", "带上身份证、结婚证到婚姻登记机关"],
        [
            LawRef("中华人民共和国民法典", "第一千零七十六条"),
            LawRef("中华人民共和国民法典", "第一千零七十七条"),
        ],
    ),
    Faq(
        "traffic-1",
        "交通事故",
        "被车撞了，对方不赔钱怎么办？",
        ["出了车祸谁来赔"],
        "机动车发生交通事故造成人身伤亡的，先由保险公司在强制保险责任限额内赔偿，不足部分按过错承担。",
        ["报警并保存事故认定书", "保存医疗费票据"],
        [LawRef("中华人民共和国道路交通安全法", "第七十六条")],
    ),
]


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> SearchEngine:
    """An engine over the committed pack and the test FAQ, index cached in a temp folder."""
    cache: Path = tmp_path_factory.mktemp("search-cache")
    return SearchEngine.from_pack(open_pack(BUNDLED_PACK), FAQ, cache_dir=cache)


def laws_of(results: SearchResults, top: int = 10) -> list[str]:
    """Short law names of the top articles."""
    return [hit.article.short_law for hit in results.articles[:top]]


def titles_of(results: SearchResults, top: int = 10) -> list[str]:
    """Titles (《民法典》第…条) of the top articles."""
    return [hit.article.title for hit in results.articles[:top]]


def test_unpaid_wages_question_finds_the_wage_answer_and_labour_law(engine: SearchEngine) -> None:
    results = engine.search("老板欠我工资不给怎么办")
    assert results.faq[0].entry.id == "wage-1"
    assert {"劳动合同法", "劳动法"} & set(laws_of(results, 5))
    assert "《劳动合同法》第三十条" in titles_of(results)  # cited by the answer found


def test_son_not_paying_for_parents_finds_support_answer(engine: SearchEngine) -> None:
    results = engine.search("儿子不给养老钱")
    assert results.faq[0].entry.id == "support-1"
    assert "赡养费" in results.interpreted
    assert "《民法典》第一千零六十七条" in titles_of(results)


def test_car_crash_words_reach_traffic_accident_law(engine: SearchEngine) -> None:
    results = engine.search("撞车了对方跑了")
    assert "交通事故" in results.interpreted
    assert "道路交通安全法" in laws_of(results)


def test_results_are_grouped_faq_then_articles(engine: SearchEngine) -> None:
    results = engine.search("离婚")
    assert results.faq and results.articles
    assert results.faq[0].entry.id == "divorce-1"
    assert all(hit.score >= results.faq[-1].score for hit in results.faq)


@pytest.mark.parametrize("typed", ["ldht", "laodonghetong", "LDHT"])
def test_pinyin_and_initials_find_labour_contract_law(engine: SearchEngine, typed: str) -> None:
    results = engine.search(typed)
    assert "劳动合同" in results.interpreted
    assert laws_of(results, 3) and set(laws_of(results, 3)) <= {"劳动合同法", "劳动法", "劳动合同法实施条例"}


@pytest.mark.parametrize(
    ("typed", "meant"), [("劳动和同", "劳动合同"), ("离昏", "离婚"), ("赡养肺", "赡养费")]
)
def test_wrong_characters_of_the_same_sound_are_understood(
    engine: SearchEngine, typed: str, meant: str
) -> None:
    results = engine.search(typed)
    assert meant in results.interpreted
    assert any(
        meant[:2] in hit.article.text or meant[:2] in "".join(hit.article.section)
        for hit in results.articles[:5]
    )


@pytest.mark.parametrize(
    ("traditional", "simplified"),
    [
        ("老闆欠我工資不給怎麼辦", "老板欠我工资不给怎么办"),
        ("兒子不給養老錢", "儿子不给养老钱"),
        ("離婚", "离婚"),
    ],
)
def test_traditional_input_finds_the_same_as_simplified(
    engine: SearchEngine, traditional: str, simplified: str
) -> None:
    a, b = engine.search(traditional), engine.search(simplified)
    assert a.query == b.query
    assert [h.entry.id for h in a.faq] == [h.entry.id for h in b.faq]
    assert titles_of(a) == titles_of(b)


@pytest.mark.parametrize(
    ("typed", "title"),
    [
        ("民法典 1079", "《民法典》第一千零七十九条"),
        ("民法典第1079条", "《民法典》第一千零七十九条"),
        ("劳动合同法第八十二条", "《劳动合同法》第八十二条"),
        ("劳动合同法 82", "《劳动合同法》第八十二条"),
    ],
)
def test_article_numbers_open_the_article_first(engine: SearchEngine, typed: str, title: str) -> None:
    results = engine.search(typed)
    assert results.exact_article is not None and results.exact_article.title == title
    assert results.articles[0].exact and titles_of(results).count(title) == 1


@pytest.mark.parametrize(
    "odd",
    [
        "",
        "   ",
        "x" * 10_000,
        "欠工资" * 4000,
        "😀🙏👍" * 50,
        "'; DROP TABLE faq; --",
        '" OR 1=1 --',
        "\x00\x01\x1b[31m\x7f",
        "，。！？……——“”",
        "\u200b\u200d\ufeff",
        None,
        12345,
    ],
)
def test_odd_input_is_answered_calmly(engine: SearchEngine, odd: object) -> None:
    results = engine.search(odd)
    assert len(results.query) <= MAX_QUERY_CHARS
    assert all(ord(ch) >= 32 for ch in results.query)


def test_punctuation_and_emoji_only_give_an_empty_result(engine: SearchEngine) -> None:
    for odd in ("，。！？", "😀😀", "'; --", "\x00"):
        assert engine.search(odd).empty


def test_very_long_input_still_finds_the_topic(engine: SearchEngine) -> None:
    results = engine.search("欠工资" * 4000)
    assert results.faq and results.faq[0].entry.id == "wage-1"


def test_one_character_as_typed_gives_results(engine: SearchEngine) -> None:
    assert engine.search("房").articles


def test_synonym_table_is_large_enough_and_points_at_legal_words() -> None:
    assert len(COLLOQUIAL_TO_LEGAL) >= 60
    assert "拖欠劳动报酬" in COLLOQUIAL_TO_LEGAL["欠工资"]
    assert "解除婚姻关系" in COLLOQUIAL_TO_LEGAL["离婚"]
    assert "赡养费" in COLLOQUIAL_TO_LEGAL["养老钱"]
    assert "交通事故" in COLLOQUIAL_TO_LEGAL["撞车"]


def test_second_start_loads_the_cached_index(tmp_path: Path) -> None:
    pack = open_pack(BUNDLED_PACK)
    first = SearchEngine.from_pack(pack, cache_dir=tmp_path)
    cached = list(tmp_path.glob("*.npz"))
    assert len(cached) == 1
    second = SearchEngine.from_pack(pack, cache_dir=tmp_path)
    assert titles_of(second.search("拖欠工资")) == titles_of(first.search("拖欠工资"))


def test_damaged_index_cache_is_rebuilt(tmp_path: Path) -> None:
    pack = open_pack(BUNDLED_PACK)
    SearchEngine.from_pack(pack, cache_dir=tmp_path)
    cache_file = next(tmp_path.glob("*.npz"))
    cache_file.write_bytes(b"broken")
    engine = SearchEngine.from_pack(pack, cache_dir=tmp_path)
    assert engine.search("拖欠工资").articles
    assert cache_file.stat().st_size > 1000


def test_nonsense_is_weak_and_a_good_question_is_not(engine: SearchEngine) -> None:
    assert engine.search("老板欠我工资不给怎么办").weak is False
    assert engine.search("民法典 1079").weak is False
    assert engine.search("飞碟外星人火星旅游签证").weak is True
    assert engine.search("😀😀").weak is True


def test_index_of_a_replaced_pack_is_removed_from_the_cache(tmp_path: Path) -> None:
    def tiny_pack(name: str, text: str) -> Path:
        record = {"law": "中华人民共和国测试法", "category": "社会法", "article": "第一条", "text": text}
        raw = (json.dumps(record, ensure_ascii=False) + "\n").encode()
        path = tmp_path / name
        write_pack(path, kind="statutes", version="1", counts={"articles": 1}, parts={STATUTES_PART: raw})
        return path

    cache = tmp_path / "cache"
    old = SearchEngine.from_pack(open_pack(tiny_pack("a.pack", "拖欠劳动报酬")), cache_dir=cache)
    assert old.search("劳动报酬").articles
    new = SearchEngine.from_pack(open_pack(tiny_pack("b.pack", "交通事故责任")), cache_dir=cache)
    assert len(list(cache.glob("*.npz"))) == 1
    assert new.search("交通事故").articles and not new.search("劳动报酬").articles
