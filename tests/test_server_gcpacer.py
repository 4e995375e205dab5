"""The garbage-collection pacer: long-lived objects frozen, full collections only when nobody waits."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest

from server.gcpacer import FULL_AT_LATEST_S, FULL_EVERY_S, GcPacer


@pytest.fixture(autouse=True)
def _unfrozen_afterwards() -> Iterator[None]:
    yield
    gc.unfreeze()


class Cycle:
    """An object in a reference cycle: only the cyclic collector frees it."""

    def __init__(self) -> None:
        self.me = self


def test_existing_objects_are_frozen_out_of_collections():
    now = [0.0]
    pacer = GcPacer(lambda: True, clock=lambda: now[0])
    before = gc.get_freeze_count()
    assert pacer.tick() is False
    assert gc.get_freeze_count() > before


def test_a_full_collection_waits_for_a_quiet_moment_but_not_for_ever():
    now = [0.0]
    quiet = [False]
    pacer = GcPacer(lambda: quiet[0], clock=lambda: now[0])
    now[0] = FULL_EVERY_S + 1
    assert pacer.tick() is False  # a call is waiting: not now
    quiet[0] = True
    assert pacer.tick() is True
    quiet[0] = False
    now[0] += FULL_AT_LATEST_S
    assert pacer.tick() is True  # busy for too long: collect anyway


def test_frozen_cyclic_garbage_is_reclaimed_by_the_next_full_collection():
    now = [0.0]
    pacer = GcPacer(lambda: True, clock=lambda: now[0])
    gc.disable()  # no automatic collection in between
    try:
        alive = weakref.ref(Cycle())  # garbage at once, but only the cyclic collector frees it
        pacer.tick()  # frozen with everything else
        gc.collect()
        assert alive() is not None  # frozen objects are left alone by collections
        now[0] = FULL_EVERY_S + 1
        pacer.tick()
        assert alive() is None
    finally:
        gc.enable()
