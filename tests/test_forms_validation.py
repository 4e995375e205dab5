"""A clerk's checks on every field type, condition and cross-field rule, with the messages shown."""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest

from content.forms import (
    CHINA_TZ,
    FieldType,
    check_id_number,
    check_phone,
    id_check_character,
    load_all_forms,
    load_form,
    validate_form,
)
from content.forms.checks import MSG_ID_CHECK_DIGIT, MSG_ID_LEGACY_15, MSG_PHONE
from content.forms.examples import EXAMPLE_ID_NUMBER, example_image, example_values, next_service_day
from content.forms.spec import FORMS_DIR, RULE_KINDS, SpecError, parse_spec
from content.forms.validation import CROSS_RULES
from content.statutes import find_corpus_dir

TODAY = date(2026, 11, 24)  # a Tuesday
NOW = datetime(2026, 11, 24, 10, 30, tzinfo=CHINA_TZ)
CORPUS = find_corpus_dir() / "statutes_articles.jsonl"


def with_check(first17: str) -> str:
    return first17 + id_check_character(first17)


# --- ID numbers (GB 11643) ---------------------------------------------------------------------


def test_the_standards_worked_example_is_accepted_with_upper_or_lower_x() -> None:
    assert check_id_number("11010519491231002X", TODAY) is None
    assert check_id_number("11010519491231002x", TODAY) is None
    assert check_id_number(" 110105 19491231 002X ", TODAY) is None


def test_a_wrong_last_digit_says_so_plainly() -> None:
    assert check_id_number("110105194912310021", TODAY) == "身份证号码最后一位不对，请再核对一下"
    assert check_id_number("110105194912310021", TODAY) == MSG_ID_CHECK_DIGIT


def test_one_mistyped_digit_is_caught_by_the_check_digit() -> None:
    valid = EXAMPLE_ID_NUMBER
    for position in range(17):
        digit = (int(valid[position]) + 1) % 10
        typo = valid[:position] + str(digit) + valid[position + 1 :]
        assert check_id_number(typo, TODAY) is not None, position


def test_fifteen_digit_legacy_numbers_are_refused_with_a_plain_message() -> None:
    assert check_id_number("110105491231002", TODAY) == MSG_ID_LEGACY_15
    assert "18位" in MSG_ID_LEGACY_15


@pytest.mark.parametrize(
    ("number", "expected"),
    [
        ("1101051949123100", "身份证号码应该是18位，您填了16位，请再核对一下"),
        ("11010519491231002A", "身份证号码只能是数字，最后一位可能是字母X，请再核对一下"),
        (with_check("99010519491231002"), "身份证号码前两位不对，请再核对一下"),
        (with_check("11010519490231002"), "身份证号码里的出生日期（第7到14位）不对，请再核对一下"),
        (with_check("11010518991231002"), "身份证号码里的出生日期（第7到14位）不对，请再核对一下"),
        (with_check("11010520271231002"), "身份证号码里的出生日期比今天还晚，请再核对一下"),
    ],
)
def test_malformed_id_numbers_get_their_own_message(number: str, expected: str) -> None:
    assert check_id_number(number, TODAY) == expected


def test_a_child_born_today_has_a_valid_number() -> None:
    assert check_id_number(with_check("43010220261124003"), TODAY) is None
    assert check_id_number(with_check("43010220261125003"), TODAY) is not None


# --- phone numbers -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "number", ["13912345678", "199 1234 5678", "139-1234-5678", "0731-84561234", "010 87654321"]
)
def test_mobile_and_landline_numbers_are_accepted(number: str) -> None:
    assert check_phone(number) is None


@pytest.mark.parametrize("number", ["12912345678", "1391234567", "139123456789", "84561234", "12348", "abc"])
def test_wrong_phone_numbers_are_refused(number: str) -> None:
    assert check_phone(number) == MSG_PHONE
    assert MSG_PHONE == "电话号码不对：手机号码是1开头的11位数字；座机请带上区号，比如 0731-84561234"


def test_a_mobile_only_field_refuses_a_landline() -> None:
    message = check_phone("0731-84561234", landline_allowed=False)
    assert message == "手机号码应该是1开头的11位数字，请再核对一下"


# --- whole forms -----------------------------------------------------------------------------------


@pytest.mark.parametrize("form_id", ["legal_aid", "mediation", "notary", "adviser_appointment", "callback"])
def test_each_shipped_form_accepts_a_correct_application(form_id: str) -> None:
    spec = load_form(form_id)
    result = validate_form(spec, example_values(spec, TODAY), NOW)
    assert result.ok, result.errors


def test_required_fields_say_what_is_missing_per_type() -> None:
    spec = load_form("legal_aid")
    errors = validate_form(spec, {}, NOW).errors
    assert errors["matter"] == "请选一项"
    assert errors["name"] == "这一项必须填写"
    assert errors["honesty_pledge"] == "请选“是”或者“否”"
    assert errors["signature"] == "请在框里签上您的名字"
    assert "other_party_phone" not in errors  # optional


def test_blank_text_counts_as_missing() -> None:
    spec = load_form("legal_aid")
    values = example_values(spec, TODAY) | {"name": "   "}
    assert validate_form(spec, values, NOW).errors == {"name": "这一项必须填写"}


def test_text_too_short_too_long_or_with_control_characters() -> None:
    spec = load_form("legal_aid")
    base = example_values(spec, TODAY)
    assert validate_form(spec, base | {"facts": "欠钱"}, NOW).errors == {"facts": "请至少写10个字"}
    long = validate_form(spec, base | {"name": "张" * 31}, NOW).errors
    assert long == {"name": "请不要超过30个字，您写了31个"}
    assert "怪字符" in validate_form(spec, base | {"name": "张\x00三"}, NOW).errors["name"]


def test_numbers_are_checked_against_their_bounds_and_digit_strings_accepted() -> None:
    spec = load_form("legal_aid")
    base = example_values(spec, TODAY) | {"migrant_worker": False, "special_group": "none", "earners": 1}
    ok = validate_form(spec, base | {"household_size": "3", "household_income": 3000}, NOW)
    assert ok.ok and ok.values["household_size"] == 3
    zero = validate_form(spec, base | {"household_size": 0, "household_income": 100}, NOW).errors
    assert zero["household_size"] == "不能少于1人"
    word = validate_form(spec, base | {"household_size": "三", "household_income": 100}, NOW).errors
    assert word["household_size"] == "请用数字键填一个数"
    boolean = validate_form(spec, base | {"household_size": True, "household_income": 100}, NOW).errors
    assert "household_size" in boolean


def test_choices_must_be_one_of_the_tiles() -> None:
    spec = load_form("callback")
    values = example_values(spec, TODAY) | {"topic": "astrology"}
    assert validate_form(spec, values, NOW).errors == {"topic": "请从给出的选项里选一个"}


def test_yes_no_takes_only_yes_or_no() -> None:
    spec = load_form("mediation")
    values = example_values(spec, TODAY) | {"in_court": "maybe"}
    assert validate_form(spec, values, NOW).errors == {"in_court": "请选“是”或者“否”"}


def test_signatures_and_photos_must_be_real_images() -> None:
    spec = load_form("legal_aid")
    base = example_values(spec, TODAY)
    assert "签名" in validate_form(spec, base | {"signature": "bm90IGFuIGltYWdl"}, NOW).errors["signature"]
    photos = validate_form(spec, base | {"evidence_photos": [example_image()] * 2}, NOW)
    assert photos.ok
    too_many = validate_form(spec, base | {"evidence_photos": [example_image()] * 7}, NOW).errors
    assert too_many == {"evidence_photos": "最多拍6张，请删掉几张"}
    broken = validate_form(spec, base | {"evidence_photos": ["%%%"]}, NOW).errors
    assert broken == {"evidence_photos": "有照片没有保存好，请删掉重新拍"}


def test_fields_not_on_the_form_are_refused() -> None:
    spec = load_form("callback")
    values = example_values(spec, TODAY) | {"bank_password": "123456"}
    assert validate_form(spec, values, NOW).errors == {"bank_password": "这张表里没有这一项"}


# --- conditions ------------------------------------------------------------------------------------


def test_migrant_worker_question_appears_only_for_pay_and_work_injury() -> None:
    spec = load_form("legal_aid")
    shown = {f.id for f in spec.visible_fields({"matter": "labour_pay"})}
    assert "migrant_worker" in shown
    assert "migrant_worker" in {f.id for f in spec.visible_fields({"matter": "work_injury"})}
    assert "migrant_worker" not in {f.id for f in spec.visible_fields({"matter": "support"})}


def test_household_income_is_asked_only_when_the_financial_test_applies() -> None:
    spec = load_form("legal_aid")

    def shown(values: dict[str, object]) -> bool:
        return "household_income" in {f.id for f in spec.visible_fields(values)}

    assert shown({"matter": "support", "exemption": "none", "special_group": "none"})
    assert not shown({"matter": "support", "exemption": "abuse_victim"})  # 第三十二条
    assert not shown({"matter": "support", "exemption": "none", "special_group": "relief_recipient"})
    assert not shown({"matter": "labour_pay", "exemption": "none", "migrant_worker": True})


def test_a_hidden_field_is_neither_required_nor_kept() -> None:
    spec = load_form("legal_aid")
    values = example_values(spec, TODAY) | {"household_size": 99, "special_group": "none"}
    result = validate_form(spec, values, NOW)
    assert result.ok
    assert "household_size" not in result.values and "special_group" not in result.values


def test_a_shown_condition_field_becomes_required() -> None:
    spec = load_form("notary")
    values = example_values(spec, TODAY) | {"notary_type": "will"}
    assert validate_form(spec, values, NOW).errors == {"in_person": "请选“是”或者“否”"}
    assert validate_form(spec, values | {"in_person": True}, NOW).ok


# --- cross-field rules ----------------------------------------------------------------------------


def test_appointment_date_in_the_past_is_refused() -> None:
    spec = load_form("notary")
    values = example_values(spec, TODAY) | {"date": "2026-11-23"}
    assert validate_form(spec, values, NOW).errors == {"date": "这个日子已经过去了，请选今天或以后的日子"}


def test_appointment_on_a_weekend_or_holiday_is_refused() -> None:
    spec = load_form("notary")
    saturday = example_values(spec, TODAY) | {"date": "2026-11-28"}
    assert validate_form(spec, saturday, NOW).errors == {"date": "这一天不办公（周六、周日休息），请换一天"}
    holiday_now = datetime(2026, 9, 28, 9, 0, tzinfo=CHINA_TZ)
    holiday = example_values(spec, holiday_now.date()) | {"date": "2026-10-05"}  # a Monday in National Day
    assert validate_form(spec, holiday, holiday_now).errors == {"date": "这一天是节假日，不办公，请换一天"}


def test_appointment_too_far_ahead_is_refused() -> None:
    spec = load_form("adviser_appointment")
    values = example_values(spec, TODAY) | {"date": "2026-12-21"}  # a Monday, 27 days ahead
    assert validate_form(spec, values, NOW).errors == {"date": "只能预约14天以内的日子，请选近一点的日子"}


def test_todays_time_slot_that_has_begun_is_refused() -> None:
    spec = load_form("notary")
    values = example_values(spec, TODAY) | {"date": "2026-11-24", "slot": "09:00-10:00"}
    errors = validate_form(spec, values, NOW).errors
    assert errors == {"slot": "今天这个时间段已经过了，请选后面的时间段或者换一天"}
    assert validate_form(spec, values | {"slot": "14:30-15:30"}, NOW).ok


def test_more_earners_than_people_or_income_without_earners_is_refused() -> None:
    spec = load_form("legal_aid")
    base = example_values(spec, TODAY) | {"migrant_worker": False, "special_group": "none"}
    over = base | {"household_size": 2, "earners": 3, "household_income": 3000}
    errors = validate_form(spec, over, NOW).errors
    assert errors == {"earners": "有收入的人数不能比家里总人数多，请再核对一下"}
    none = base | {"household_size": 2, "earners": 0, "household_income": 3000}
    assert validate_form(spec, none, NOW).errors == {"earners": "您填了家里有收入，那有收入的人至少是1个"}
    huge = base | {"household_size": 1, "earners": 1, "household_income": 5_000_000}
    assert "太大了" in validate_form(spec, huge, NOW).errors["household_income"]


def test_the_other_partys_phone_cannot_be_the_applicants() -> None:
    spec = load_form("legal_aid")
    values = example_values(spec, TODAY)
    same = values | {"other_party_phone": values["phone"]}
    errors = validate_form(spec, same, NOW).errors
    assert errors == {"other_party_phone": "对方的电话和您的电话一样，请再核对一下"}


def test_the_honesty_pledge_must_be_given() -> None:
    spec = load_form("legal_aid")
    values = example_values(spec, TODAY) | {"honesty_pledge": False}
    assert "保证" in validate_form(spec, values, NOW).errors["honesty_pledge"]


def test_next_service_day_skips_weekends_and_holidays() -> None:
    spec = load_form("notary")
    assert next_service_day(spec, date(2026, 11, 27)) == date(2026, 11, 30)  # Friday -> Monday
    assert next_service_day(spec, date(2026, 9, 30)) == date(2026, 10, 8)  # across National Day


# --- the specs themselves ---------------------------------------------------------------------------


def test_every_rule_kind_the_specs_may_use_is_implemented() -> None:
    assert set(CROSS_RULES) == RULE_KINDS


def test_every_form_has_a_phone_for_status_lookup_and_consent_covers_sensitive_fields() -> None:
    for spec in load_all_forms().values():
        assert spec.field(spec.phone_field).type is FieldType.PHONE
        sensitive = {f.id for f in spec.fields if f.sensitive or f.type is FieldType.ID_NUMBER}
        if sensitive:
            assert spec.consent is not None and sensitive <= set(spec.consent.sensitive_fields), spec.id


def test_a_spec_referring_to_an_unknown_field_is_rejected_at_load() -> None:
    raw = json.loads((FORMS_DIR / "callback.json").read_text(encoding="utf-8"))
    raw["sections"][0]["fields"][2]["show_if"] = {"field": "nope", "equals": 1}
    with pytest.raises(SpecError, match="nope"):
        parse_spec(raw)


@pytest.mark.skipif(not CORPUS.exists(), reason="../shared/corpus is absent (statute corpus not shipped)")
def test_every_article_quoted_in_the_specs_matches_the_statute_corpus() -> None:
    articles = {}
    with CORPUS.open(encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            articles[(row["law"], row["article"])] = row["text"].replace("\n", "")
    specs = load_all_forms().values()
    quoted = [(basis.law, basis.article, basis.quote) for spec in specs for basis in spec.legal_basis]
    assert len(quoted) >= 10
    for law, article, quote in quoted:
        assert quote == articles[(law, article)], (law, article)
    # The self-check's article and item numbers exist: "第三十一条第五项" needs item （五） in 第三十一条.
    legal_aid = load_form("legal_aid")
    rules = legal_aid.eligibility
    entries = [*rules["matters"].values(), *rules["exemptions"].values(), *rules["no_check_groups"].values()]
    entries.append(rules["wage_channel"])
    for entry in entries:
        article, _, item = entry["article"].partition("条")
        text = articles[("中华人民共和国法律援助法", article + "条")]
        if item:
            assert f"（{item.removeprefix('第').removesuffix('项')}）" in text, entry["article"]


def test_a_date_that_must_not_be_in_the_future_says_so() -> None:
    rule = {"kind": "date_not_future", "field": "injured_on"}
    check = CROSS_RULES["date_not_future"]
    assert check(rule, {"injured_on": "2026-11-25"}, NOW) == ("injured_on", "这个日子还没到，请再核对一下")
    assert check(rule, {"injured_on": "2026-11-24"}, NOW) is None


def test_line_breaks_in_long_answers_are_kept_and_stray_spaces_tidied() -> None:
    spec = load_form("legal_aid")
    facts = "  三月到八月在工地干活。 \r\n\n  老板一直拖着　不发工资。  "
    result = validate_form(spec, example_values(spec, TODAY) | {"facts": facts}, NOW)
    assert result.ok
    assert result.values["facts"] == "三月到八月在工地干活。\n老板一直拖着 不发工资。"
