"""The public API: __all__, dyad_years + add_* on the real store, docs in step."""

from __future__ import annotations

import csv
import inspect
import re
from pathlib import Path

import pandas as pd
import pytest

import amity
from amity.indicators import INDICATORS
from amity.store import Store
from tests.conftest import REPO


def test_all_is_complete_and_importable() -> None:
    public = {n for n in dir(amity) if not n.startswith("_")}
    assert public | {"__version__"} == set(amity.__all__)
    for name in amity.__all__:
        value = getattr(amity, name)
        assert value is not None and not inspect.ismodule(value), name
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        amity.nothing  # noqa: B018


def test_a_function_named_like_its_module_stays_the_function() -> None:
    import amity.export  # binds the module to the name, as any import of it does
    import amity.profile

    assert amity.profile.__module__ == "amity.profile" and callable(amity.profile)
    assert amity.export.__module__ == "amity.export" and callable(amity.export)


def test_every_indicator_is_documented() -> None:
    text = (REPO / "docs" / "indicators.md").read_text()
    headings = set(re.findall(r"^### `([a-z_0-9]+)`", text, flags=re.M))
    assert set(INDICATORS) <= headings


@pytest.mark.mirror
def test_dyad_years_counts_states_in_the_system(real_store: Store, mirror: Path) -> None:
    """1990: every directed pair of states in the system, counted from states2016.csv."""
    with open(mirror / "cow/states2016.csv") as f:
        in_1990 = {r["ccode"] for r in csv.DictReader(f)
                   if int(r["styear"]) <= 1990 <= int(r["endyear"])}
    # Germany 255 and West Germany 260 are both DEU in 1990, North Yemen 678 and Yemen 679 YEM
    n = len(in_1990) - 2
    df = amity.dyad_years(years=(1990, 1990), store=real_store)
    assert len(df) == n * (n - 1)
    und = amity.dyad_years(years=(1990, 1990), directed=False, store=real_store)
    assert len(und) == n * (n - 1) // 2 and (und.a < und.b).all()


@pytest.mark.mirror
def test_add_functions_and_provenance(real_store: Store) -> None:
    df = amity.dyad_years(years=(2000, 2001), countries=["PAK", "RUS", "CHN", "IND"],
                          store=real_store)
    assert len(df) == 2 * 12
    df = amity.add_igos(amity.add_trade(amity.add_un_votes(df, store=real_store),
                                        store=real_store), store=real_store)
    row = df[(df.a == "PAK") & (df.b == "RUS") & (df.year == 2000)].iloc[0]
    prof = amity.profile("PAK", "RUS", years=(2000, 2000), store=real_store).rows
    by_name = dict(zip(prof.indicator, prof.value, strict=True))
    for col in ("un_agreement", "un_kappa", "un_idealpoint_distance", "trade_total_usd",
                "shared_igos"):
        assert row[col] == pytest.approx(by_name[col])
    assert df.attrs["provenance"]["un_kappa"] == {"source": "unvotes", "release": "unvotes-0.3.0"}
    assert df.attrs["provenance"]["trade_total_usd"]["source"] == "cow_trade"
    with pytest.raises(amity.InputError, match="already has columns"):
        amity.add_igos(df, store=real_store)
    with pytest.raises(amity.InputError, match="key columns"):
        amity.add_trade(pd.DataFrame({"x": [1]}), store=real_store)


def test_resolve_examples() -> None:
    assert amity.resolve("Russian Federation").iso3 == "RUS"
    assert amity.resolve("USSR").iso3 == "RUS"
    assert amity.resolve(770).iso3 == "PAK"
    assert amity.resolve("PAK").iso3 == "PAK"
    with pytest.raises(amity.UnknownCountryError):
        amity.resolve("Perugia")
