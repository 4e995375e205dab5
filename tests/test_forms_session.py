"""Consent before sensitive data, refusal keeps nothing, the review read-back and the submission."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from content.forms import (
    CHINA_TZ,
    FormSession,
    FormState,
    FormStateError,
    load_form,
    review_lines,
    review_text,
)
from content.forms.examples import EXAMPLE_ID_NUMBER, example_values

NOW = datetime(2026, 11, 24, 10, 30, tzinfo=CHINA_TZ)


def test_sensitive_fields_cannot_be_answered_before_consent() -> None:
    session = FormSession(load_form("legal_aid"))
    session.set("matter", "labour_pay")  # not sensitive
    assert session.needs_consent_before(session.spec.field("id_number"))
    with pytest.raises(FormStateError):
        session.set("id_number", EXAMPLE_ID_NUMBER)
    session.record_consent(True, NOW)
    session.set("id_number", EXAMPLE_ID_NUMBER)
    assert session.values["id_number"] == EXAMPLE_ID_NUMBER


def test_refusing_consent_ends_the_form_and_keeps_nothing() -> None:
    session = FormSession(load_form("legal_aid"))
    session.set("matter", "labour_pay")
    session.set("name", "李秀英")
    session.record_consent(False, NOW)
    assert session.state is FormState.ENDED
    assert session.values == {}
    assert session.consent is None
    assert "全部删掉" in (session.spec.consent.refuse_text if session.spec.consent else "")
    with pytest.raises(FormStateError):
        session.set("name", "李秀英")


def test_forms_without_sensitive_data_ask_no_consent() -> None:
    session = FormSession(load_form("callback"))
    assert not any(session.needs_consent_before(f) for f in session.spec.fields)
    with pytest.raises(FormStateError):
        session.record_consent(True, NOW)


def fill(form_id: str, assisted_by: str | None = None) -> FormSession:
    session = FormSession(load_form(form_id), assisted_by=assisted_by)
    if session.spec.consent:
        session.record_consent(True, NOW)
    for key, value in example_values(session.spec, NOW.date()).items():
        session.set(key, value)
    return session


def test_a_valid_form_goes_to_review_and_yields_a_submission_with_consent() -> None:
    session = fill("legal_aid", assisted_by="村便民服务站 王芳")
    assert session.review(NOW).ok
    submission = session.confirm(NOW)
    assert session.state is FormState.CONFIRMED
    assert submission["form_id"] == "legal_aid" and submission["form_version"] == 1
    assert submission["values"]["id_number"] == EXAMPLE_ID_NUMBER
    assert submission["consent"]["granted"] is True
    assert "id_number" in submission["consent"]["fields"]
    assert submission["assisted_by"] == "村便民服务站 王芳"
    assert submission["submitted_at"] == "2026-11-24T02:30:00+00:00"


def test_an_invalid_form_stays_in_filling_with_messages() -> None:
    session = fill("callback")
    session.set("phone", "12345")
    result = session.review(NOW)
    assert not result.ok and session.state is FormState.FILLING
    assert "电话号码不对" in result.errors["phone"]
    with pytest.raises(FormStateError):
        session.confirm(NOW)


def test_review_reads_everything_back_in_plain_sentences() -> None:
    spec = load_form("legal_aid")
    values = example_values(spec, NOW.date())
    text = review_text(spec, values)
    assert text.startswith("请您核对法律援助申请。")
    assert "申请人姓名：李秀英。" in text
    assert "公民身份号码：110105 19491231 002X。" in text  # grouped for reading aloud
    assert "联系电话：139 1234 5678。" in text
    assert "案件类别：讨工钱、确认劳动关系。" in text  # the tile's words, not the code
    assert "申请人签名：已签名。" in text  # images are never read out as data
    assert "绿色通道" in text  # the self-check's outcome
    assert "请带上：本人身份证" in text
    assert "7日内审查" in text
    ids = [field_id for field_id, _, _ in review_lines(spec, values)]
    assert "household_income" not in ids  # hidden questions are not read back


def test_review_of_an_appointment_says_the_day_in_words_and_what_to_bring() -> None:
    spec = load_form("notary")
    values = example_values(spec, date(2026, 11, 24)) | {"notary_type": "inheritance", "real_estate": True}
    text = review_text(spec, values)
    assert "预约日期：2026年11月25日（星期三）。" in text
    assert "死者的死亡证明" in text
    assert "是否涉及不动产：是。" in text


def test_the_session_tells_the_screen_what_to_show_and_what_is_wrong() -> None:
    session = FormSession(load_form("legal_aid"))
    session.record_consent(True, NOW)
    session.set("matter", "support")
    assert "migrant_worker" not in [f.id for f in session.visible_fields()]
    session.set("matter", "labour_pay")
    assert "migrant_worker" in [f.id for f in session.visible_fields()]
    session.set("id_number", "110105194912310021")
    assert session.message_for("id_number", NOW) == "身份证号码最后一位不对，请再核对一下"
    session.set("id_number", EXAMPLE_ID_NUMBER)
    assert session.message_for("id_number", NOW) is None
