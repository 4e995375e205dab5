"""The owner's journal: each queue write carries exactly what changed since the last one."""

from __future__ import annotations

from server.cluster.snapshot import Journal, pool_fields
from server.pool import Pool


def _pool(kiosks: int) -> Pool:
    pool = Pool(ring_timeout_s=20, max_wait_s=300, hotline="12348")
    for kiosk_id in range(kiosks):
        pool.kiosk_connected(kiosk_id, f"终端{kiosk_id}", "东村")
    pool.lawyer_connected(100, "王律师", "某律所")
    return pool


def _written(
    journal: Journal, pool: Pool, extra: dict[str, str] | None = None
) -> tuple[dict[str, str], list[str]]:
    changes = journal.changes(pool, extra)
    journal.confirm()
    return changes


def test_only_the_terminal_that_changed_is_written_again():
    pool, journal = _pool(50), Journal()
    first, _ = _written(journal, pool, {"cursor": "1-0"})
    assert "kiosk:7" in first and "lawyer:100" in first and first["cursor"] == "1-0"
    assert _written(journal, pool, {"cursor": "1-0"}) == ({}, [])
    pool.kiosks[7].online = False
    pool.lawyers[100].on_duty = True
    changed, removed = _written(journal, pool, {"cursor": "2-0"})
    assert sorted(changed) == ["cursor", "kiosk:7", "lawyer:100"] and removed == []
    assert '"online": false' in changed["kiosk:7"]
    pool.kiosks[7].online = True
    pool.kiosks[7].online = False  # set twice, back where it was written: nothing to write
    assert _written(journal, pool, {"cursor": "2-0"}) == ({}, [])


def test_a_terminal_gone_and_another_come_in_its_place_are_both_written():
    pool, journal = _pool(3), Journal()
    _written(journal, pool)
    del pool.kiosks[1]
    pool.kiosk_connected(9, "终端9", "西村")  # as many terminals as before
    changed, removed = _written(journal, pool)
    assert list(changed) == ["kiosk:9"] and removed == ["kiosk:1"]
    assert _written(journal, pool) == ({}, [])
    assert set(pool_fields(pool)) == {"meta", "kiosk:0", "kiosk:2", "kiosk:9", "lawyer:100"}


def test_a_write_that_failed_is_asked_for_again():
    pool, journal = _pool(2), Journal()
    _written(journal, pool)
    pool.kiosks[0].online = False
    changed, _ = journal.changes(pool)  # not confirmed: the store was away
    assert list(changed) == ["kiosk:0"]
    assert list(journal.changes(pool)[0]) == ["kiosk:0"]
