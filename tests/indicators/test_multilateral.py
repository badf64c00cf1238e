"""Shared IGO memberships by hand on the COW IGO fixture, on every backend."""

from __future__ import annotations

from amity.indicators.multilateral import shared_igos
from amity.store import Store


def test_igos_hand_computed(backend: Store) -> None:
    for method in ("matrix", "ibis"):
        frame = shared_igos(backend, method=method).set_index(["a", "b", "year"])
        assert frame.loc[("PAK", "RUS", 2000)].shared_igos == 1  # un (PAK only observer in sco)
        assert frame.loc[("RUS", "PAK", 2015)].shared_igos == 2  # un, sco (oic: RUS observer)
        assert frame.loc[("USA", "PAK", 2015)].shared_igos == 1
        assert ("DDR", "USA", 2000) not in frame.index  # -1: not in the system -> NA, not 0
    listed = shared_igos(backend, with_list=True).set_index(["a", "b", "year"])
    assert listed.loc[("PAK", "RUS", 2015)].shared_igos_list == "sco, un"
