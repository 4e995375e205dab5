"""FAQ content: every file loads, entries are complete, citations exist, answers are our own words."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from content.faq import (
    CALL_TOPICS,
    FAQ_DIR,
    NEXT_STEPS,
    TOPIC_BY_SLUG,
    TOPICS,
    FaqDataError,
    FaqEntry,
    LawRef,
    check_citations,
    faq_by_topic,
    load_faq,
)
from content.statutes import find_corpus_dir

MIN_ENTRIES_PER_TOPIC = 22
SHARED_RUN = 30  # an answer sharing this many characters in a row with a corpus answer counts as copied


def _corpus_dir() -> Path | None:
    """../shared/corpus seen from the repository or any folder above it, if present."""
    found = find_corpus_dir()
    return found if (found / "statutes_articles.jsonl").is_file() else None


CORPUS = _corpus_dir()
needs_corpus = pytest.mark.skipif(
    CORPUS is None, reason="../shared/corpus is absent (set CORPUS_DIR): corpus checks skipped"
)


@pytest.fixture(scope="module")
def entries() -> list[FaqEntry]:
    return load_faq(FAQ_DIR)


@pytest.fixture(scope="module")
def corpus_articles() -> dict[tuple[str, str], str]:
    assert CORPUS is not None
    articles: dict[tuple[str, str], str] = {}
    with (CORPUS / "statutes_articles.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            articles[(row["law"], row["article"])] = row["text"]
    return articles


def test_every_file_loads_into_known_topics(entries: list[FaqEntry]) -> None:
    files = sorted(p.stem for p in FAQ_DIR.glob("*.json"))
    assert files, "no FAQ files found"
    assert set(files) <= set(TOPIC_BY_SLUG)
    assert {e.topic for e in entries} == set(files)


def test_ids_are_unique(entries: list[FaqEntry]) -> None:
    duplicates = [i for i, n in Counter(e.id for e in entries).items() if n > 1]
    assert duplicates == []


def test_each_present_topic_has_enough_entries(entries: list[FaqEntry]) -> None:
    groups = faq_by_topic(entries)
    short = {slug: len(items) for slug, items in groups.items() if len(items) < MIN_ENTRIES_PER_TOPIC}
    assert short == {}
    assert list(groups) == [t.slug for t in TOPICS if t.slug in groups], "groups follow tile order"


def test_entries_are_complete_and_offer_a_valid_next_step(entries: list[FaqEntry]) -> None:
    for e in entries:
        assert e.steps and all(s.strip() for s in e.steps), e.id
        assert e.steps[0].startswith("您可以这样做"), e.id
        assert 1 <= len(e.laws) <= 3, e.id
        assert 2 <= len(e.aliases) <= 5, e.id
        assert set(e.next_steps) <= NEXT_STEPS, e.id
        assert e.call_topic in CALL_TOPICS, e.id
        assert e.question not in e.aliases, e.id


def test_questions_are_unique(entries: list[FaqEntry]) -> None:
    duplicates = [q for q, n in Counter(e.question for e in entries).items() if n > 1]
    assert duplicates == []


def test_no_phrasing_points_to_two_entries(entries: list[FaqEntry]) -> None:
    owners: dict[str, set[str]] = {}
    for e in entries:
        for text in (e.question, *e.aliases):
            owners.setdefault(text, set()).add(e.id)
    shared = {text: sorted(ids) for text, ids in owners.items() if len(ids) > 1}
    assert shared == {}, "a question or alias belongs to several entries; search could not tell them apart"


def test_answers_carry_no_web_copy_markers(entries: list[FaqEntry]) -> None:
    markers = re.compile(
        r"https?://|www\.|<[a-z/]|&nbsp;|版权|来源[:：]|本文|小编|律师提示|点击|扫码关注|\[\d+\]"
    )
    for e in entries:
        for text in (e.question, e.answer, *e.steps, *e.aliases):
            assert not markers.search(text), f"{e.id}: {text}"


def test_citation_check_reports_missing_articles() -> None:
    entry = FaqEntry(
        id="marriage_family-999",
        topic="marriage_family",
        question="问",
        aliases=(),
        answer="答",
        steps=("您可以这样做：",),
        laws=(LawRef("中华人民共和国民法典", "第一千零七十九条"), LawRef("中华人民共和国民法典", "第九千条")),
        next_steps=("call",),
        call_topic="marriage_family",
    )
    problems = check_citations([entry], [("中华人民共和国民法典", "第一千零七十九条")])
    assert problems == ["marriage_family-999: 中华人民共和国民法典 第九千条 is not in the statute corpus"]


def test_bad_file_is_rejected_with_file_and_entry_named(tmp_path: Path) -> None:
    good = json.loads((FAQ_DIR / "marriage_family.json").read_text(encoding="utf-8"))
    good["entries"][1]["call_topic"] = "weather"
    (tmp_path / "marriage_family.json").write_text(json.dumps(good, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(FaqDataError, match=r"marriage_family\.json entry 1 \(marriage_family-002\).*weather"):
        load_faq(tmp_path)


def test_file_named_for_another_topic_is_rejected(tmp_path: Path) -> None:
    data = json.loads((FAQ_DIR / "marriage_family.json").read_text(encoding="utf-8"))
    (tmp_path / "traffic.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(FaqDataError, match=r"traffic\.json"):
        load_faq(tmp_path)


@needs_corpus
def test_every_citation_is_in_the_statute_corpus(
    entries: list[FaqEntry], corpus_articles: dict[tuple[str, str], str]
) -> None:
    assert check_citations(entries, corpus_articles) == []


@needs_corpus
def test_answers_are_not_copied_from_corpus_answers(entries: list[FaqEntry]) -> None:
    assert CORPUS is not None
    windows: dict[str, str] = {}
    for e in entries:
        text = re.sub(r"\s+", "", e.answer + "".join(e.steps))
        for i in range(len(text) - SHARED_RUN + 1):
            windows.setdefault(text[i : i + SHARED_RUN], e.id)
    copied: list[str] = []
    with (CORPUS / "legal_qa_dev.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            answer = re.sub(r"\s+", "", json.loads(line).get("answer") or "")
            for i in range(len(answer) - SHARED_RUN + 1):
                hit = windows.get(answer[i : i + SHARED_RUN])
                if hit:
                    copied.append(f"{hit}: {answer[i : i + SHARED_RUN]}")
    assert copied == [], f"answers share {SHARED_RUN}-character runs with corpus answers: {copied[:5]}"
