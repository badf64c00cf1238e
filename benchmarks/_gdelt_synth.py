"""Synthetic GDELT 2.0 event export files in the exact published layout (benchmarks only).

Each file is what GDELT publishes every 15 minutes: ``YYYYMMDDHHMMSS.export.CSV.zip``
holding one member ``YYYYMMDDHHMMSS.export.CSV``: 61 tab-separated columns, no header,
no quoting, ``\\n`` line ends, empty strings for missing values. Values follow the
shapes of real files (checked against the four real 2.0 files of the data mirror):

* GLOBALEVENTID consecutive within a file; SQLDATE the publication day for ~85% of the
  rows and up to a year earlier for the rest (re-reported events);
* actor country codes Zipf-distributed over the ~250 CAMEO/ISO3 codes of amity's
  crosswalk plus CAMEO regional codes (EUR, AFR, ...); ~35% of Actor1 and ~55% of Actor2
  blank; actor codes with type suffixes (``RUSGOV``), upper-case names;
* CAMEO event codes with leading zeros, root frequencies like GDELT's (04 "consult" and
  01 "make public statement" the most common), QuadClass from the root, Goldstein
  values per code; NumMentions/NumSources/NumArticles with long tails; AvgTone around
  -2 printed with 14 decimals like GDELT;
* Actor1/Actor2/Action geography: type, "City, Region, Country" names, FIPS country
  codes consistent with the country, ADM1/ADM2 codes, lat/long, feature ids;
* DATEADDED (14 digits) and a ~90-character SOURCEURL.

Alongside each ``.zip`` it writes ``.export.CSV.gz`` holding *the same deflate stream*
(the zip member's compressed bytes re-wrapped in a gzip header and trailer, no
recompression), so engines that read gzip but not zip decompress exactly the same bytes.
The generator uses numpy and the standard library only; no data file is read except
amity's own packaged crosswalk (for the country codes).
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np

__all__ = ["generate", "zip_to_gz"]

# root code -> (relative frequency, QuadClass, typical Goldstein, base codes used)
_ROOTS = {
    "01": (15, 1, 0.0, ["010", "011", "012", "013", "014", "015", "016", "017", "018", "019"]),
    "02": (7, 1, 3.0, ["020", "021", "0211", "022", "023", "0231", "0233", "024", "025", "026"]),
    "03": (6, 1, 4.0, ["030", "031", "0311", "032", "033", "0331", "035", "036", "037", "039"]),
    "04": (24, 1, 1.0, ["040", "041", "042", "043", "044", "045", "046"]),
    "05": (7, 1, 3.5, ["050", "051", "052", "053", "054", "055", "056", "057"]),
    "06": (3, 2, 6.0, ["060", "061", "062", "063", "064"]),
    "07": (3, 2, 7.0, ["070", "071", "072", "073", "074", "075"]),
    "08": (4, 2, 5.0, ["080", "081", "0811", "083", "084", "0841", "085", "086", "087"]),
    "09": (2, 2, -2.0, ["090", "091", "092", "093", "094"]),
    "10": (1.5, 3, -5.0, ["100", "101", "102", "103", "104", "105", "106", "107", "108"]),
    "11": (6, 3, -2.0, ["110", "111", "112", "1121", "1122", "113", "114", "115", "116"]),
    "12": (3, 3, -4.0, ["120", "121", "122", "123", "124", "125", "128"]),
    "13": (2, 3, -5.0, ["130", "131", "132", "133", "134", "135", "138", "139"]),
    "14": (1.5, 3, -6.5, ["140", "141", "142", "143", "144", "145"]),
    "15": (0.5, 4, -7.2, ["150", "151", "152", "153", "154"]),
    "16": (1, 4, -4.0, ["160", "161", "162", "163", "164", "166"]),
    "17": (4.5, 4, -5.0, ["170", "171", "172", "173", "174", "175"]),
    "18": (2.5, 4, -9.0, ["180", "181", "182", "183", "184", "185", "186"]),
    "19": (7, 4, -10.0, ["190", "191", "192", "193", "194", "195", "196"]),
    "20": (0.1, 4, -10.0, ["200", "201", "202", "203", "204"]),
}
_REGIONS = ["EUR", "AFR", "ASA", "MEA", "WST", "NMR", "SEA", "PGS", "SAS", "CAU", "LAM"]
_TYPES = ["", "", "", "GOV", "MIL", "BUS", "COP", "JUD", "LEG", "MED", "CVL", "EDU", "OPP"]
_TOP = ["USA", "GBR", "RUS", "CHN", "IND", "PAK", "ISR", "IRN", "SYR", "TUR", "FRA", "DEU",
        "AUS", "CAN", "JPN", "UKR", "NGA", "AFG", "IRQ", "SAU", "KOR", "PRK", "ZAF", "EGY"]
_HOSTS = ["www.reuters.com", "www.dawn.com", "tass.com", "www.thehindu.com",
          "www.nytimes.com", "www.bbc.co.uk", "www.aljazeera.com", "timesofindia.com"]


def _pools(rng: np.random.Generator) -> dict[str, np.ndarray]:
    from amity import countries

    table = countries.table()
    table = table[table["cameo"].notna() & table["fips"].notna()]
    codes = list(table["cameo"])
    rest = [c for c in codes if c not in _TOP]
    rng.shuffle(rest)
    order = [c for c in _TOP if c in codes] + rest
    by_code = table.set_index("cameo")
    ranks = np.arange(1, len(order) + 1, dtype=float)
    weights = 1.0 / ranks ** 1.1
    names = np.array([by_code.loc[c, "name"].upper() for c in order], dtype=object)
    fips = np.array([by_code.loc[c, "fips"] for c in order], dtype=object)
    event, root, quad, gold, ew = [], [], [], [], []
    for r, (freq, q, g, bases) in _ROOTS.items():
        for i, code in enumerate(bases):
            event.append(code)
            root.append(r)
            quad.append(str(q))
            gold.append(f"{max(-10.0, min(10.0, g + 0.4 * (i % 5) - 0.8)):.1f}")
            ew.append(freq / len(bases) * (3.0 if i == 0 else 1.0))
    ew_arr = np.array(ew)
    return {
        "codes": np.array(order, dtype=object), "names": names, "fips": fips,
        "cweights": weights / weights.sum(),
        "event": np.array(event, dtype=object), "root": np.array(root, dtype=object),
        "quad": np.array(quad, dtype=object), "gold": np.array(gold, dtype=object),
        "eweights": ew_arr / ew_arr.sum(),
    }


def _actor(rng: np.random.Generator, p: dict[str, np.ndarray], n: int, blank: float
           ) -> tuple[list[np.ndarray], np.ndarray, np.ndarray]:
    """The ten actor columns, the geo FIPS and the geo name of each row."""
    idx = rng.choice(len(p["codes"]), size=n, p=p["cweights"])
    country = p["codes"][idx].copy()
    name = p["names"][idx].copy()
    fips = p["fips"][idx].copy()
    region = rng.random(n) < 0.04
    country[region] = rng.choice(_REGIONS, size=int(region.sum()))
    name[region] = "REGION"
    empty = rng.random(n) < blank
    country[empty] = ""
    name[empty] = ""
    fips[empty] = ""
    typ = rng.choice(_TYPES, size=n).astype(object)
    typ[empty & (rng.random(n) < 0.6)] = ""
    code = country + typ
    e = np.full(n, "", dtype=object)
    cols = [code, name, country, e, e, e, e, typ, e, e]
    return cols, fips, name


def _geo(rng: np.random.Generator, fips: np.ndarray, name: np.ndarray, n: int
         ) -> list[np.ndarray]:
    gtype = rng.choice(["1", "2", "3", "4", "0"], size=n, p=[0.25, 0.12, 0.17, 0.38, 0.08]
                       ).astype(object)
    city = rng.choice(["Capital", "Port", "North", "South", "Border"], size=n).astype(object)
    full = city + ", Province, " + np.char.capitalize(name.astype(str)).astype(object)
    adm1 = fips + rng.integers(0, 99, size=n).astype(str).astype(object)
    adm2 = rng.integers(10000, 99999, size=n).astype(str).astype(object)
    lat = np.round(rng.uniform(-50, 65, size=n), 4).astype(str).astype(object)
    lon = np.round(rng.uniform(-120, 150, size=n), 4).astype(str).astype(object)
    feat = (-rng.integers(1, 3_000_000, size=n)).astype(str).astype(object)
    gtype[fips == ""] = "0"
    none = gtype == "0"
    cols = [gtype, full, fips.copy(), adm1, adm2, lat, lon, feat]
    for col in cols[1:]:
        col[none] = ""
    return cols


def _file_text(rng: np.random.Generator, p: dict[str, np.ndarray], stamp: datetime,
               first_id: int, n: int) -> bytes:
    ids = np.arange(first_id, first_id + n).astype(str).astype(object)
    back = np.where(rng.random(n) < 0.15, rng.integers(1, 366, size=n), 0)
    day0 = np.datetime64(stamp.date())
    dates = day0 - back.astype("timedelta64[D]")
    sqldate = np.char.replace(dates.astype(str), "-", "").astype(object)
    month = np.array([s[:6] for s in sqldate], dtype=object)
    year = np.array([s[:4] for s in sqldate], dtype=object)
    doy = (dates - dates.astype("datetime64[Y]")).astype(int)
    frac = np.char.mod("%.4f", year.astype(int) + doy / 365.0).astype(object)
    a1, f1, n1 = _actor(rng, p, n, 0.35)
    a2, f2, n2 = _actor(rng, p, n, 0.55)
    ev = rng.choice(len(p["event"]), size=n, p=p["eweights"])
    code = p["event"][ev]
    base = np.array([c[:3] for c in code], dtype=object)
    mentions = np.minimum(rng.geometric(0.25, size=n) * rng.choice([1, 1, 1, 2, 5], size=n), 400)
    sources = np.minimum(rng.geometric(0.8, size=n), mentions)
    articles = np.maximum(mentions - rng.integers(0, 2, size=n), 1)
    tone = np.char.mod("%.14f", rng.normal(-2.0, 3.5, size=n)).astype(object)
    fips_action = np.where(f1 != "", f1, f2)
    g1 = _geo(rng, f1, n1, n)
    g2 = _geo(rng, f2, n2, n)
    g3 = _geo(rng, fips_action, np.where(n1 != "", n1, n2), n)
    added = np.full(n, stamp.strftime("%Y%m%d%H%M%S"), dtype=object)
    host = rng.choice(_HOSTS, size=n).astype(object)
    slug = rng.integers(10**9, 10**10, size=n).astype(str).astype(object)
    url = "https://" + host + "/news/world/2019/10/24/article-about-relations-" + slug + ".html"
    root_col = p["root"][ev]
    cols = ([ids, sqldate, month, year, frac] + a1 + a2
            + [rng.choice(["0", "1"], size=n).astype(object), code, base, root_col,
               p["quad"][ev], p["gold"][ev], mentions.astype(str).astype(object),
               sources.astype(str).astype(object), articles.astype(str).astype(object), tone]
            + g1 + g2 + g3 + [added, url])
    assert len(cols) == 61, len(cols)
    lines = ["\t".join(row) for row in zip(*cols, strict=True)]
    return ("\n".join(lines) + "\n").encode("utf-8")


def zip_to_gz(zip_path: Path, gz_path: Path) -> None:
    """Re-wrap the single member's deflate stream of ``zip_path`` as a gzip file."""
    with zipfile.ZipFile(zip_path) as zf:
        info = zf.infolist()[0]
    with open(zip_path, "rb") as fin:
        fin.seek(info.header_offset)
        header = fin.read(30)
        name_len, extra_len = struct.unpack("<HH", header[26:30])
        fin.seek(info.header_offset + 30 + name_len + extra_len)
        data = fin.read(info.compress_size)
    gz_header = b"\x1f\x8b\x08\x00" + b"\x00\x00\x00\x00" + b"\x00\xff"
    trailer = struct.pack("<II", info.CRC & 0xFFFFFFFF, info.file_size & 0xFFFFFFFF)
    gz_path.write_bytes(gz_header + data + trailer)


def generate(out_dir: Path, n_files: int, rows_per_file: int, *, seed: int = 7,
             start: datetime = datetime(2019, 10, 24, 0, 0), gz: bool = True,
             first_id: int = 881_990_832) -> list[Path]:
    """Write ``n_files`` consecutive 15-minute export files (zip, and gz twins) to ``out_dir``.

    Files that already exist with the expected name are kept (generation is deterministic).
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    pools = None
    for i in range(n_files):
        stamp = start + timedelta(minutes=15 * i)
        name = stamp.strftime("%Y%m%d%H%M%S") + ".export.CSV"
        zpath, gpath = out_dir / (name + ".zip"), out_dir / (name + ".gz")
        paths.append(zpath)
        if zpath.exists() and (gpath.exists() or not gz):
            continue
        rng = np.random.default_rng(seed + i)
        if pools is None:
            pools = _pools(np.random.default_rng(seed))
        text = _file_text(rng, pools, stamp, first_id + i * rows_per_file, rows_per_file)
        tmp = zpath.with_suffix(".zip.part")
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED,
                             compresslevel=zlib.Z_DEFAULT_COMPRESSION) as zf:
            zf.writestr(name, text)
        tmp.replace(zpath)
        if gz:
            zip_to_gz(zpath, gpath)
    return paths
