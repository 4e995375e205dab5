"""The crash detector: a node is declared dead only when its link to Redis stayed gone after being
seen, never because Redis itself restarted or the link reconnected once."""

from __future__ import annotations

from server.cluster.liveness import ABSENT_CHECKS, CrashDetector, link_name, node_links


def links(*names: str, generation: int = 1) -> dict[str, str]:
    """A CLIENT LIST reading holding these nodes' links (a generation: which connections they are)."""
    return node_links(
        [
            {"name": link_name(n), "id": str(i), "addr": f"127.0.0.1:{generation}{i}"}
            for i, n in enumerate(names)
        ]
        + [{"name": "", "id": "99", "addr": "127.0.0.1:9"}]
    )


def test_a_node_whose_link_stays_gone_is_declared_dead_once():
    detector = CrashDetector(link_name("a"))
    members = ["a", "b", "c"]
    assert detector.observe(links("a", "b", "c"), members) == []  # first reading: learns who is there
    assert detector.observe(links("a", "b", "c"), members) == []
    found = [detector.observe(links("a", "c"), members) for _ in range(ABSENT_CHECKS)]
    assert found[-1] == ["b"] and all(f == [] for f in found[:-1])
    assert detector.observe(links("a", "c"), members) == []  # declared once, not again


def test_a_link_that_comes_back_at_the_next_check_is_not_a_crash():
    detector = CrashDetector(link_name("a"))
    members = ["a", "b"]
    detector.observe(links("a", "b"), members)
    detector.observe(links("a", "b"), members)
    for _ in range(5):
        assert detector.observe(links("a"), members) == []  # one miss only
        assert detector.observe(links("a", "b"), members) == []


def test_a_redis_restart_declares_nobody():
    detector = CrashDetector(link_name("a"))
    members = ["a", "b", "c"]
    detector.observe(links("a", "b", "c"), members)
    detector.observe(links("a", "b", "c"), members)
    assert detector.observe({}, members) == []  # Redis down: our own link is gone too
    # Back up: our link reconnected first, the others' links not yet.
    for _ in range(2 * ABSENT_CHECKS):
        assert detector.observe(links("a", generation=2), members) == []


def test_redis_handing_out_the_same_ids_after_a_restart_still_counts_as_new_links():
    detector = CrashDetector(link_name("a"))
    members = ["a", "b"]
    detector.observe(links("a", "b"), members)
    detector.observe(links("a", "b"), members)
    # Same client id for our link, new address: a new connection, so nobody seen before counts.
    for _ in range(2 * ABSENT_CHECKS):
        assert detector.observe(links("a", generation=3), members) == []


def test_a_node_never_seen_is_never_declared():
    detector = CrashDetector(link_name("a"))
    for _ in range(2 * ABSENT_CHECKS):
        assert detector.observe(links("a"), ["a", "b"]) == []


def test_link_names_are_valid_redis_client_names():
    assert " " not in link_name("host name-12")
    assert link_name("n1") == "pool-node:n1"
