"""The consult's pages and where a tap may lead from each."""

from __future__ import annotations

from enum import StrEnum


class ConsultPage(StrEnum):
    """Which consult page is shown."""

    TOPICS = "topics"
    QUESTIONS = "questions"
    ANSWER = "answer"
    SEARCH = "search"
    LAWS = "laws"
    ARTICLE = "article"


# Where a tap may lead from each page; 返回 walks the way back.
PAGE_MOVES: dict[ConsultPage, frozenset[ConsultPage]] = {
    ConsultPage.TOPICS: frozenset({ConsultPage.QUESTIONS, ConsultPage.SEARCH, ConsultPage.LAWS}),
    ConsultPage.QUESTIONS: frozenset({ConsultPage.ANSWER, ConsultPage.SEARCH}),
    ConsultPage.ANSWER: frozenset({ConsultPage.ARTICLE}),
    ConsultPage.SEARCH: frozenset({ConsultPage.ANSWER, ConsultPage.ARTICLE}),
    ConsultPage.LAWS: frozenset({ConsultPage.ARTICLE}),
    ConsultPage.ARTICLE: frozenset(),
}
