"""Console figures on hand-made calls: exact medians, 90th percentiles, rates, days, per lawyer, CSV."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from server.console.export import BOM, matters_csv
from server.console_queries import (
    CENTRE_TZ,
    CallRow,
    compute_figures,
    figures_by_day,
    figures_by_lawyer,
    percentile,
)

T0 = datetime(2026, 11, 24, 9, 0, tzinfo=CENTRE_TZ).timestamp()


def call(
    n, *, wait=None, talk=None, outcome="completed", ended_by="lawyer", lawyer=1, rang=(), at=T0, rating=None
):
    """A finished call requested at `at + n`: answered after `wait` s and talked `talk` s, or not answered."""
    requested = at + n
    answered = None if wait is None else requested + wait
    ended = (answered + talk) if answered is not None and talk is not None else requested + 5
    return CallRow(
        call_id=f"c{n}",
        kiosk_id=1,
        kiosk_name="一号终端",
        village="东村",
        lawyer_id=lawyer if answered is not None else None,
        lawyer_name="王律师" if answered is not None else None,
        topic="labour_wages",
        requested_at=requested,
        first_ring_at=requested + 1,
        answered_at=answered,
        ended_at=ended,
        outcome=outcome,
        ended_by=ended_by,
        rang=tuple(rang),
        rating=rating,
    )


DAY = [
    call(1, wait=10, talk=100, rating=3),
    call(2, wait=20, talk=200, rating=1),
    call(3, wait=30, talk=300),
    call(4, wait=40, talk=400),
    call(5, outcome="cancelled", ended_by="kiosk"),  # the villager gave up: abandoned
    call(6, outcome="no_lawyer", ended_by="server"),  # nobody answered: not abandoned
]


def test_percentile_interpolates_between_ranks():
    assert percentile([], 0.5) is None
    assert percentile([7.0], 0.9) == 7.0
    assert percentile([40, 10, 30, 20], 0.5) == 25.0
    assert percentile([10, 20, 30, 40], 0.9) == pytest.approx(37.0)
    assert percentile(list(range(1, 11)), 0.9) == pytest.approx(9.1)
    assert percentile([1, 2, 3], 0.5) == 2.0


def test_a_days_figures_are_exact():
    f = compute_figures(DAY)
    assert (f.calls, f.answered, f.abandoned) == (6, 4, 1)
    assert f.answer_rate == pytest.approx(4 / 6)
    assert f.abandon_rate == pytest.approx(1 / 6)
    assert f.wait_median_s == pytest.approx(25.0)
    assert f.wait_p90_s == pytest.approx(37.0)
    assert f.talk_mean_s == pytest.approx(250.0)
    assert (f.rated, f.satisfied_rate, f.rating_mean) == (2, 0.5, 2.0)


def test_no_calls_gives_dashes_not_zeros():
    f = compute_figures([])
    assert f.calls == 0 and f.answer_rate is None and f.wait_median_s is None and f.satisfied_rate is None


def test_a_call_still_going_counts_as_requested_but_has_no_talk_time():
    ongoing = CallRow("live", 1, "k", "v", 1, "王律师", "general", T0, T0 + 1, T0 + 8, None, None, None)
    f = compute_figures([ongoing])
    assert (f.calls, f.answered, f.wait_median_s, f.talk_mean_s, f.abandoned) == (1, 1, 8.0, None, 0)


def test_days_are_cut_at_midnight_beijing_time_not_utc():
    just_before = datetime(2026, 11, 23, 23, 59, 30, tzinfo=CENTRE_TZ).timestamp()
    rows = [call(0, wait=10, talk=60, at=just_before), call(60, wait=30, talk=60, at=just_before)]
    days = figures_by_day(rows)
    assert [d for d, _ in days] == [date(2026, 11, 23), date(2026, 11, 24)]
    assert [f.wait_median_s for _, f in days] == [10.0, 30.0]


def test_per_lawyer_answer_rate_counts_the_calls_that_rang_them():
    rows = [
        call(1, wait=12, talk=60, lawyer=1, rang=[2]),  # rang lawyer 2 first, who missed it; 1 answered
        call(2, wait=8, talk=120, lawyer=1),
        call(3, wait=30, talk=30, lawyer=2, rang=[1]),
        call(4, outcome="no_lawyer", ended_by="server", rang=[1, 2]),
    ]
    by_lawyer = {lf.lawyer_id: lf for lf in figures_by_lawyer(rows, {1: "王律师", 2: "李律师"})}
    assert (by_lawyer[1].rang, by_lawyer[1].answered) == (4, 2)
    assert by_lawyer[1].answer_rate == pytest.approx(0.5)
    assert by_lawyer[1].figures.wait_median_s == pytest.approx(10.0)
    assert by_lawyer[1].figures.talk_mean_s == pytest.approx(90.0)
    assert (by_lawyer[2].rang, by_lawyer[2].answered, by_lawyer[2].name) == (3, 1, "李律师")


def test_csv_opens_in_excel_and_hides_personal_columns_from_those_not_allowed():
    noted = CallRow(**{**call(1, wait=10, talk=100).__dict__, "notes": "=HYPERLINK(x) 欠薪三个月"})
    full = matters_csv([noted], may_see_personal=True).decode("utf-8")
    assert full.startswith(BOM)
    header, row = full[len(BOM) :].split("\r\n")[:2]
    assert header.split(",")[:5] == ["编号", "申请时间", "终端", "村", "咨询类别"]
    assert "律师备注" in header and "'=HYPERLINK(x) 欠薪三个月" in row
    assert "劳动争议/欠薪" in row and "2026-11-24 09:00:01" in row
    limited = matters_csv([noted], may_see_personal=False).decode("utf-8")
    assert "律师备注" not in limited and "欠薪三个月" not in limited
