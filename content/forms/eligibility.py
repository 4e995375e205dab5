"""The legal-aid self-check: 法律援助法 第三十一条 matters, 第三十二条 exemptions, the wage-claim channel."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from content.forms.spec import FormSpec

LAW = "中华人民共和国法律援助法"
NEXT_STEPS = "您也可以打12348法律服务热线，或者点“律师视频”先问一问值班律师。"


class Channel(StrEnum):
    """Which route to legal aid the answers lead to."""

    EXEMPT_FROM_FINANCIAL_TEST = "exempt_32"  # 第三十二条: no economic-hardship condition at all
    WAGE_GREEN_CHANNEL = "wage_green_channel"  # migrant worker's pay or work injury: no check, first in line
    NO_FINANCIAL_CHECK = "no_check_42"  # 第四十二条 groups: hardship presumed, not checked
    FINANCIAL_TEST = "financial_test"  # 第三十一条 matter and income under the local standard (第三十四条)
    CRIMINAL_DEFENCE = "criminal_24"  # 第二十四条: the suspect or a close relative applies
    OVER_INCOME = "over_income"  # a 第三十一条 matter, income above the standard
    NOT_LISTED = "not_listed"  # not a listed matter: the centre decides (第三十一条第九项)
    INCOMPLETE = "incomplete"  # questions still unanswered


@dataclass(frozen=True)
class EligibilityResult:
    """What the self-check found, in plain words, with the articles it rests on."""

    eligible: bool
    channel: Channel
    reasons: tuple[str, ...]
    articles: tuple[str, ...]  # e.g. "法律援助法第三十一条第五项"

    @property
    def priority(self) -> bool:
        """Whether the centre should handle it first (the wage-claim green channel)."""
        return self.channel is Channel.WAGE_GREEN_CHANNEL


def _article(entry: Mapping[str, Any]) -> str:
    return f"法律援助法{entry['article']}"


def check_eligibility(spec: FormSpec, answers: Mapping[str, Any]) -> EligibilityResult:
    """Decide the self-check from the answers to the spec's eligibility questions."""
    rules = spec.eligibility
    matters: Mapping[str, Mapping[str, Any]] = rules["matters"]
    exemptions: Mapping[str, Mapping[str, Any]] = rules["exemptions"]
    groups: Mapping[str, Mapping[str, Any]] = rules["no_check_groups"]
    matter = str(answers.get(rules["matter_field"], ""))
    exemption = str(answers.get(rules["exemption_field"], ""))
    group = str(answers.get(rules["group_field"], ""))

    if exemption in exemptions:
        entry = exemptions[exemption]
        return EligibilityResult(
            True,
            Channel.EXEMPT_FROM_FINANCIAL_TEST,
            (f"{entry['text']}，可以申请法律援助，不看家里经济条件。",),
            (_article(entry),),
        )
    if not matter or not exemption:
        return EligibilityResult(False, Channel.INCOMPLETE, ("请先回答上面的问题。",), ())
    if matter not in matters:
        return EligibilityResult(
            False,
            Channel.NOT_LISTED,
            (
                f"您的事情不在法律援助法第三十一条列出的几类里，能不能给予法律援助由中心审查后决定。{NEXT_STEPS}",
            ),
            (f"法律援助法{rules['other_article']}",),
        )
    entry = matters[matter]
    if entry.get("criminal"):
        return EligibilityResult(
            True,
            Channel.CRIMINAL_DEFENCE,
            (f"{entry['text']}，没有请律师的，本人或者近亲属可以申请法律援助。",),
            (_article(entry),),
        )
    if entry.get("wage_channel") and answers.get(rules["migrant_field"]) is True:
        channel_rule = rules["wage_channel"]
        return EligibilityResult(
            True,
            Channel.WAGE_GREEN_CHANNEL,
            (channel_rule["text"],),
            (_article(entry), f"法律援助法{channel_rule['article']}"),
        )
    if group in groups:
        g = groups[group]
        return EligibilityResult(
            True,
            Channel.NO_FINANCIAL_CHECK,
            (f"{entry['text']}，您属于{g['text']}，有证明材料的，不用再核查家里经济状况。",),
            (_article(entry), _article(g)),
        )
    return _financial_test(rules, entry, answers)


def _financial_test(
    rules: Mapping[str, Any], entry: Mapping[str, Any], answers: Mapping[str, Any]
) -> EligibilityResult:
    size = answers.get(rules["size_field"])
    income = answers.get(rules["income_field"])
    if not isinstance(size, int | float) or not isinstance(income, int | float) or size < 1:
        return EligibilityResult(False, Channel.INCOMPLETE, ("请填写家里几口人、每月一共收入多少。",), ())
    limit = float(rules["income_limit_per_person"])
    per_person = income / size
    standard = f"法律援助法{rules['standard_article']}"
    if per_person <= limit:
        return EligibilityResult(
            True,
            Channel.FINANCIAL_TEST,
            (
                f"{entry['text']}，可以申请法律援助。",
                f"您家每人每月收入约{per_person:.0f}元，不高于本地经济困难标准{limit:.0f}元。"
                "中心会核查，或者请您作个人诚信承诺。",
            ),
            (_article(entry), standard),
        )
    return EligibilityResult(
        False,
        Channel.OVER_INCOME,
        (
            f"{entry['text']}属于法律援助的事项，但是您家每人每月收入约{per_person:.0f}元，"
            f"高于本地经济困难标准{limit:.0f}元。",
            f"家里有特殊困难的，仍然可以提交申请，由中心审查。{NEXT_STEPS}",
        ),
        (_article(entry), standard),
    )
