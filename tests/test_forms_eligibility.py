"""The legal-aid self-check: each 第三十一条 matter, each 第三十二条 exemption, the wage-claim channel."""

from __future__ import annotations

from typing import Any

import pytest

from content.forms import Channel, check_eligibility, load_form

SPEC = load_form("legal_aid")
POOR = {"household_size": 4, "earners": 1, "household_income": 3000}  # 750 元 a head, under 2000
COMFORTABLE = {"household_size": 2, "earners": 2, "household_income": 12000}  # 6000 元 a head

MATTERS_31 = [
    ("state_compensation", "第三十一条第一项"),
    ("social_insurance", "第三十一条第二项"),
    ("pension", "第三十一条第三项"),
    ("support", "第三十一条第四项"),
    ("labour_pay", "第三十一条第五项"),
    ("capacity", "第三十一条第六项"),
    ("work_injury", "第三十一条第七项"),
    ("accident_injury", "第三十一条第七项"),
    ("environment", "第三十一条第八项"),
]
EXEMPTIONS_32 = [
    ("hero_relative", "第三十二条第一项"),
    ("good_samaritan", "第三十二条第二项"),
    ("retrial_acquitted", "第三十二条第三项"),
    ("abuse_victim", "第三十二条第四项"),
]


def answers(**values: Any) -> dict[str, Any]:
    return {"exemption": "none", "special_group": "none", **values}


@pytest.mark.parametrize(("matter", "article"), MATTERS_31)
def test_each_article_31_matter_is_eligible_when_the_family_is_poor(matter: str, article: str) -> None:
    result = check_eligibility(SPEC, answers(matter=matter, migrant_worker=False, **POOR))
    assert result.eligible
    assert result.channel is Channel.FINANCIAL_TEST
    assert result.articles == (f"法律援助法{article}", "法律援助法第三十四条")
    assert "750元" in result.reasons[1] and "2000元" in result.reasons[1]


@pytest.mark.parametrize(("matter", "article"), MATTERS_31)
def test_each_article_31_matter_is_not_eligible_above_the_income_standard(matter: str, article: str) -> None:
    result = check_eligibility(SPEC, answers(matter=matter, migrant_worker=False, **COMFORTABLE))
    assert not result.eligible
    assert result.channel is Channel.OVER_INCOME
    assert f"法律援助法{article}" in result.articles
    assert "6000元" in result.reasons[0]
    assert "12348" in result.reasons[1]  # and is told where else to turn


def test_income_exactly_at_the_standard_is_eligible() -> None:
    at_limit = answers(matter="support", household_size=3, earners=1, household_income=6000)
    result = check_eligibility(SPEC, at_limit)
    assert result.eligible


@pytest.mark.parametrize(("exemption", "article"), EXEMPTIONS_32)
def test_each_article_32_case_is_eligible_whatever_the_income(exemption: str, article: str) -> None:
    result = check_eligibility(SPEC, {"matter": "other", "exemption": exemption, **COMFORTABLE})
    assert result.eligible
    assert result.channel is Channel.EXEMPT_FROM_FINANCIAL_TEST
    assert result.articles == (f"法律援助法{article}",)
    assert "不看家里经济条件" in result.reasons[0]


@pytest.mark.parametrize("matter", ["labour_pay", "work_injury"])
def test_migrant_workers_wage_and_injury_claims_take_the_green_channel(matter: str) -> None:
    result = check_eligibility(SPEC, answers(matter=matter, migrant_worker=True, **COMFORTABLE))
    assert result.eligible
    assert result.channel is Channel.WAGE_GREEN_CHANNEL
    assert result.priority
    assert "法律援助法第四十二条第三项" in result.articles
    assert "绿色通道" in result.reasons[0] and "优先" in result.reasons[0]


def test_a_local_worker_claiming_pay_goes_through_the_financial_test() -> None:
    result = check_eligibility(SPEC, answers(matter="labour_pay", migrant_worker=False, **COMFORTABLE))
    assert not result.eligible and not result.priority


def test_a_migrant_worker_with_another_matter_gets_no_green_channel() -> None:
    result = check_eligibility(SPEC, answers(matter="support", migrant_worker=True, **POOR))
    assert result.channel is Channel.FINANCIAL_TEST


@pytest.mark.parametrize(
    ("group", "article"), [("no_income_group", "第四十二条第一项"), ("relief_recipient", "第四十二条第二项")]
)
def test_article_42_groups_are_not_checked_for_income(group: str, article: str) -> None:
    result = check_eligibility(SPEC, {"matter": "support", "exemption": "none", "special_group": group})
    assert result.eligible
    assert result.channel is Channel.NO_FINANCIAL_CHECK
    assert result.articles == ("法律援助法第三十一条第四项", f"法律援助法{article}")


def test_a_criminal_case_points_to_article_24() -> None:
    result = check_eligibility(SPEC, answers(matter="criminal", **COMFORTABLE))
    assert result.eligible and result.articles == ("法律援助法第二十四条",)


def test_a_matter_not_listed_is_left_to_the_centre_and_points_elsewhere() -> None:
    result = check_eligibility(SPEC, answers(matter="other", **POOR))
    assert not result.eligible
    assert result.channel is Channel.NOT_LISTED
    assert result.articles == ("法律援助法第三十一条第九项",)
    assert "律师视频" in result.reasons[0]


def test_unanswered_questions_give_no_verdict() -> None:
    assert check_eligibility(SPEC, {}).channel is Channel.INCOMPLETE
    assert check_eligibility(SPEC, answers(matter="support")).channel is Channel.INCOMPLETE
    nobody = answers(matter="support", household_size=0, household_income=0)
    assert not check_eligibility(SPEC, nobody).eligible
