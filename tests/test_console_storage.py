"""Console queries and the roster store through a real database: SQLite and a real PostgreSQL."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest
from sqlalchemy import text

from server.auth import register_kiosk, register_lawyer
from server.console.roster_store import ConsoleRoster
from server.console_auth import LoginRefusal, StaffAccounts, StaffRole, StaffUser
from server.console_quality import (
    call_quality,
    measured,
    quality_by_day,
    quality_by_terminal,
    quality_figures,
)
from server.console_queries import (
    CENTRE_TZ,
    MatterFilter,
    compute_figures,
    figures_by_day,
    figures_by_lawyer,
    find_call,
    find_calls,
    find_calls_with_stats,
)
from server.crypto import DataCipher
from server.pool_model import CallRecord
from server.roster import RosterChange, Shift
from server.storage import Storage

T0 = datetime(2026, 11, 24, 9, 0, tzinfo=CENTRE_TZ).timestamp()


@pytest.fixture(scope="module")
def postgres_url():
    from tools.pgserver import PostgresServer, PostgresUnavailableError

    try:
        server = PostgresServer()
    except PostgresUnavailableError as exc:
        pytest.skip(str(exc))
    server.start()
    yield server.url
    server.stop()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def storage(request, tmp_path):
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path / 'figures.sqlite3'}"
    else:
        url = request.getfixturevalue("postgres_url")
    storage = Storage.open(url, DataCipher(bytes(range(32))))
    await storage.create_schema()
    yield storage
    if request.param == "postgres":  # one server for the module: leave it empty for the next test
        async with storage.engine.begin() as conn:
            await conn.execute(text("DROP SCHEMA public CASCADE"))
            await conn.execute(text("CREATE SCHEMA public"))
    await storage.close()


async def test_figures_from_stored_calls_match_on_every_engine(storage):
    wang = await register_lawyer(storage, "wang", "王律师", "明理所", "pw-123456")
    li = await register_lawyer(storage, "li", "李律师", "明理所", "pw-123456")
    east, _ = await register_kiosk(storage, "一号终端", "东村")
    west, _ = await register_kiosk(storage, "二号终端", "西村")
    yesterday_late = datetime(2026, 11, 23, 23, 50, tzinfo=CENTRE_TZ).timestamp()

    def record(
        call_id, kiosk, at, *, wait=None, talk=None, lawyer=None, outcome="completed", by="lawyer", **more
    ):
        answered = None if wait is None else at + wait
        ended = answered + talk if answered is not None and talk is not None else at + 5
        declined = [{"lawyer_id": lid, "reason": "timeout"} for lid in more.pop("rang", ())]
        return CallRecord(
            call_id,
            kiosk,
            lawyer,
            "labour_wages",
            at,
            at + 1,
            answered,
            ended,
            outcome,
            by,
            {},
            declined,
            **more,
        )

    for rec in (
        record("a", east, T0, wait=10, talk=100, lawyer=wang, rating=3, tracking_number="20261124-0001"),
        record(
            "b",
            east,
            T0 + 60,
            wait=20,
            talk=200,
            lawyer=wang,
            rang=[li],
            rating=1,
            notes="欠薪三个月，已告知仲裁",
        ),
        record("c", west, T0 + 120, wait=30, talk=300, lawyer=li),
        record("d", west, T0 + 180, wait=40, talk=400, lawyer=li),
        record("e", east, T0 + 240, outcome="cancelled", by="kiosk", rang=[wang]),
        record("f", west, T0 + 300, outcome="no_lawyer", by="server"),
        record("old", east, yesterday_late, wait=5, talk=50, lawyer=wang),
    ):
        await storage.save_call(rec)

    today = date(2026, 11, 24)
    rows = await find_calls(storage, MatterFilter(start=today, end=today))
    assert [r.call_id for r in rows] == ["f", "e", "d", "c", "b", "a"]  # newest first, yesterday left out
    f = compute_figures(rows)
    assert (f.calls, f.answered, f.abandoned) == (6, 4, 1)
    assert (f.wait_median_s, f.wait_p90_s, f.talk_mean_s) == (25.0, pytest.approx(37.0), 250.0)
    assert (f.rated, f.satisfied_rate) == (2, 0.5)

    both_days = await find_calls(storage, MatterFilter(start=date(2026, 11, 23), end=today))
    assert [(d, x.calls) for d, x in figures_by_day(both_days)] == [(date(2026, 11, 23), 1), (today, 6)]

    by_lawyer = {lf.name: lf for lf in figures_by_lawyer(rows, {wang: "王律师", li: "李律师"})}
    assert (by_lawyer["王律师"].rang, by_lawyer["王律师"].answered) == (3, 2)
    assert (by_lawyer["李律师"].rang, by_lawyer["李律师"].answered) == (3, 2)

    only = MatterFilter(start=today, end=today, kiosk_id=west, lawyer_id=li, outcome="completed")
    assert [r.call_id for r in await find_calls(storage, only)] == ["d", "c"]
    cancelled = await find_calls(storage, MatterFilter(start=today, end=today, outcome="cancelled"))
    assert [(r.call_id, r.kiosk_name, r.village) for r in cancelled] == [("e", "一号终端", "东村")]

    detail = await find_call(storage, "b")
    assert detail is not None and detail.row.lawyer_name == "王律师" and detail.row.wait_s == 20.0
    assert detail.row.notes == "欠薪三个月，已告知仲裁"  # stored encrypted, shown decrypted
    async with storage.engine.connect() as conn:
        stored_notes = (await conn.execute(text("SELECT notes FROM calls WHERE id = 'b'"))).scalar_one()
    assert "欠薪" not in stored_notes
    first = await find_call(storage, "a")
    assert first is not None and first.row.tracking_number == "20261124-0001" and first.row.rating == 3
    assert detail.declined == [{"lawyer_id": li, "name": "李律师", "reason": "timeout"}]
    assert await find_call(storage, "nope") is None


def quality(loss: float, rtt_ms: float, mode: str = "full", reconnections: int = 0) -> dict:
    """One side's CallStats as a terminal or desk sends it at hang-up (quality summary only)."""
    return {
        "quality": {
            "recv_kbps_avg": 900.0,
            "send_kbps_avg": 850.0,
            "loss_avg": loss,
            "loss_max": loss * 2,
            "jitter_ms_avg": 12.0,
            "rtt_ms_avg": rtt_ms,
            "resolutions": ["320x240", "640x480"],
            "mode_changes": 0 if mode == "full" else 2,
            "worst_mode": mode,
            "redial_attempts": reconnections,
            "reconnections": reconnections,
        },
        "timings": {},
    }


async def test_quality_figures_from_stored_calls_match_on_every_engine(storage):
    wang = await register_lawyer(storage, "wang", "王律师", "明理所", "pw-123456")
    east, _ = await register_kiosk(storage, "红星村服务室", "红星村")
    west, _ = await register_kiosk(storage, "白杨村服务室", "白杨村")
    yesterday = datetime(2026, 11, 23, 23, 50, tzinfo=CENTRE_TZ).timestamp()

    def record(call_id, kiosk, at, stats, *, answered=True, outcome="completed"):
        return CallRecord(
            call_id, kiosk, wang if answered else None, "land", at, at + 1, at + 5 if answered else None,
            at + 300, outcome, "kiosk", stats, [],
        )  # fmt: skip

    for rec in (
        record("q0", east, yesterday, {"kiosk": quality(0.04, 200.0, "low")}),
        record("q1", east, T0, {"kiosk": quality(0.02, 120.0), "lawyer": quality(0.01, 130.0)}),
        record(
            "q2",
            west,
            T0 + 600,
            {"kiosk": quality(0.12, 450.0, "low", 1), "lawyer": quality(0.08, 440.0, "audio_only", 2)},
        ),
        record(
            "q3", west, T0 + 1200, {"kiosk": quality(0.30, 800.0, "audio_only", 3)}, outcome="disconnected"
        ),
        record("q4", east, T0 + 1800, {}),  # answered, but neither side reported figures
        record("q5", west, T0 + 2400, {"kiosk": quality(0.5, 900.0)}, answered=False, outcome="cancelled"),
    ):
        await storage.save_call(rec)

    today = date(2026, 11, 24)
    calls = measured(await find_calls_with_stats(storage, MatterFilter(start=today, end=today)))
    assert sorted(row.call_id for row, _ in calls) == ["q1", "q2", "q3"]
    q2 = next(q for row, q in calls if row.call_id == "q2")
    assert (q2.loss, q2.rtt_ms, q2.worst_mode, q2.reconnections) == (0.12, 450.0, "audio_only", 2)
    day = quality_figures(q for _, q in calls)
    assert day.calls == 3
    assert (day.loss_median, day.loss_p90) == (0.12, pytest.approx(0.264))
    assert (day.rtt_median_ms, day.rtt_p90_ms) == (450.0, pytest.approx(730.0))
    assert (day.stepped_down_share, day.audio_only_share) == (pytest.approx(2 / 3), pytest.approx(2 / 3))
    assert day.reconnections_per_call == pytest.approx(5 / 3)
    assert (day.link_ended, day.bad_calls) == (1, 2)

    both = measured(await find_calls_with_stats(storage, MatterFilter(start=date(2026, 11, 23), end=today)))
    assert [(d, x.calls, x.bad_calls) for d, x in quality_by_day(both)] == [
        (date(2026, 11, 23), 1, 1),
        (today, 3, 2),
    ]
    terminals = quality_by_terminal(both)
    assert [(t.village, t.figures.calls, t.figures.bad_calls, t.needs_better_link) for t in terminals] == [
        ("白杨村", 2, 2, True),  # the village with repeatedly bad links comes first
        ("红星村", 2, 1, False),
    ]
    assert terminals[1].figures.loss_median == pytest.approx(0.03)

    detail = await find_call(storage, "q2")
    assert detail is not None
    shown = call_quality(detail.stats, detail.row.outcome)
    assert shown is not None and shown.sides["lawyer"].worst_mode == "audio_only"
    assert shown.sides["kiosk"].resolutions == ("320x240", "640x480")


async def test_roster_store_keeps_specialties_advisers_shifts_and_changes(storage):
    wang = await register_lawyer(storage, "wang", "王律师", "明理所", "pw-123456")
    li = await register_lawyer(storage, "li", "李律师", "明理所", "pw-123456")
    await register_kiosk(storage, "一号终端", "东村")
    reloads = []

    async def reload() -> None:
        reloads.append(await storage.load_roster())

    store = ConsoleRoster(storage, reload)

    await store.set_specialties(wang, ["traffic", "labour_wages"])
    with pytest.raises(ValueError, match="咨询类别"):
        await store.set_specialties(wang, ["astrology"])
    await store.set_adviser_villages(li, ["东村", "西村"])
    await store.set_adviser_villages(wang, ["西村"])  # one adviser per village: Wang takes 西村 over
    morning = await store.add_shift(wang, Shift(2, time(9, 0), time(12, 0)))
    await store.add_shift(wang, Shift(0, time(22, 0), time(6, 0)))  # overnight
    leave = await store.add_change(RosterChange(wang, date(2026, 11, 25), on_duty=False))
    with pytest.raises(ValueError, match="结束时间"):
        await store.add_change(RosterChange(li, date(2026, 11, 25), True, time(12, 0), time(9, 0)))

    w = await store.lawyer(wang)
    assert w is not None and w.specialties == frozenset({"traffic", "labour_wages"})
    assert w.adviser_of == ("西村",)
    assert [s.shift.label() for s in w.shifts] == ["周一 22:00-06:00", "周三 09:00-12:00"]
    assert [(c.change.day, c.change.on_duty) for c in w.changes] == [(date(2026, 11, 25), False)]
    li_roster = await store.lawyer(li)
    assert li_roster is not None and li_roster.adviser_of == ("东村",)
    assert await store.villages() == ["东村", "西村"]

    assert len(reloads) == 6  # every edit was handed on to the pool
    routing = reloads[-1]
    assert routing.specialties[wang] == frozenset({"traffic", "labour_wages"})
    assert routing.advisers == {"东村": li, "西村": wang}
    roster = routing.roster  # the pure model routing reads
    wednesday_10 = datetime(2026, 11, 25, 10, 0)  # a Wednesday, but on leave
    assert not roster.scheduled(wang, wednesday_10)
    assert roster.scheduled(wang, datetime(2026, 12, 2, 10, 0))  # next Wednesday
    assert roster.scheduled(wang, datetime(2026, 11, 24, 3, 0))  # Tuesday 03:00, Monday's night shift

    await store.remove_shift(li, morning)  # not Li's shift: nothing happens
    await store.remove_shift(wang, morning)
    await store.remove_change(wang, leave)
    w = await store.lawyer(wang)
    assert w is not None and [s.shift.label() for s in w.shifts] == ["周一 22:00-06:00"] and w.changes == ()
    assert [lw.display_name for lw in await store.lawyers()] == sorted(["王律师", "李律师"])

    assert await store.stored_service_hours() == []  # 7x24 until the centre sets hours
    await store.add_service_hours(Shift(0, time(8, 30), time(17, 30)))
    await store.add_service_hours(Shift(5, time(9, 0), time(12, 0)))
    assert [h.label() for h in await store.service_hours()] == ["周一 08:30-17:30", "周六 09:00-12:00"]
    assert not reloads[-1].roster.centre_open(datetime(2026, 11, 29, 10, 0))  # a Sunday
    await store.remove_service_hours(0)
    assert [h.label() for h in await store.service_hours()] == ["周六 09:00-12:00"]
    await store.remove_service_hours(0)
    assert await store.stored_service_hours() == [] and len(await store.service_hours()) == 7


async def test_staff_accounts_work_on_every_engine(storage):
    accounts = StaffAccounts(storage.engine)  # the migrations made its tables
    user_id = await accounts.add_user("boss", "赵主任", StaffRole.MANAGER, "long-enough-1")
    with pytest.raises(ValueError, match="已经存在"):
        await accounts.add_user("boss", "x", StaffRole.VIEWER, "long-enough-1")
    user = await accounts.authenticate("boss", "long-enough-1")
    assert isinstance(user, StaffUser) and user.user_id == user_id
    assert await accounts.authenticate("boss", "wrong") is LoginRefusal.WRONG
    token, session = await accounts.open_session(user_id)
    assert (await accounts.session(token)) == session
    await accounts.update_user(user_id, disabled=True)
    assert await accounts.session(token) is None
