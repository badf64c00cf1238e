"""The small keyword tables behind claim extraction and checking.

Everything here is hand-written and fixed: regular expressions and dictionaries, no
model and no download, so a check is reproducible. Keys are lower case; phrases are
matched on word boundaries, case-insensitively, unless a table says otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["CURRENCIES", "DEMONYMS", "GROUPS", "LEVELS", "MONTHS", "NOT_A_FACT", "NUMBER_WORDS",
           "SECTORS",
           "ORGS", "PRODUCTS", "QUALIFIERS", "SCALES", "Org", "Product"]

#: Scale words → multiplier ("crore" and "lakh" are the South Asian 10^7 and 10^5).
SCALES: dict[str, float] = {
    "trillion": 1e12, "tn": 1e12, "trn": 1e12, "billion": 1e9, "bn": 1e9, "bln": 1e9,
    "b": 1e9, "million": 1e6, "mn": 1e6, "mln": 1e6, "mil": 1e6, "m": 1e6, "thousand": 1e3,
    "k": 1e3, "crore": 1e7, "crores": 1e7, "lakh": 1e5, "lakhs": 1e5, "lac": 1e5,
}

#: Currency markers → ISO 4217 code. Symbols come before the number, words after it.
CURRENCIES: dict[str, str] = {
    "us$": "USD", "usd": "USD", "$": "USD", "us dollars": "USD", "dollars": "USD",
    "dollar": "USD", "rs.": "PKR", "rs": "PKR", "pkr": "PKR", "rupees": "PKR", "rupee": "PKR",
    "inr": "INR", "₹": "INR", "₽": "RUB", "rub": "RUB", "roubles": "RUB", "rubles": "RUB",
    "a$": "AUD", "aud": "AUD", "australiandollars": "AUD", "australiandollar": "AUD",
    "c$": "CAD", "cad": "CAD", "canadiandollars": "CAD",
    "€": "EUR", "eur": "EUR", "euros": "EUR", "euro": "EUR", "£": "GBP", "gbp": "GBP",
    "pounds": "GBP", "¥": "CNY", "cny": "CNY", "rmb": "CNY", "yuan": "CNY",
}

#: Qualifier phrases → canonical qualifier.
QUALIFIERS: dict[str, str] = {
    "just over": "just_over", "a little over": "just_over", "slightly over": "just_over",
    "just above": "just_over", "slightly more than": "just_over",
    "a little more than": "just_over", "just more than": "just_over",
    "over": "over", "more than": "over", "exceeded": "over", "exceeds": "over",
    "exceed": "over", "surpassed": "over", "topped": "over", "tops": "over",
    "crossed": "over", "passed": "over", "above the": "over", "above": "over",
    "in excess of": "over",
    "exceeding": "over", "upwards of": "over", "at least": "over", "no less than": "over",
    "about": "about", "around": "about", "approximately": "about", "roughly": "about",
    "some": "about", "an estimated": "about", "estimated": "about", "approx.": "about",
    "nearly": "nearly", "almost": "nearly", "close to": "nearly", "just under": "nearly",
    "just below": "nearly", "just short of": "nearly", "touched": "about", "touching": "about",
    "roughly around": "about", "hovering around": "about", "in the region of": "about",
    "up to": "under", "less than": "under", "under": "under", "below": "under",
    "at most": "under", "no more than": "under",
}

#: Words that make a figure a target, forecast, possibility or opinion (``not_a_fact``).
#: Sectors and goods that qualify a flow ("defence exports", "rice exports") without being
#: one of amity's product groups: such a claim is about part of the trade, never the total.
SECTORS = (r"defen[cs]e|military|aviation|aerospace|(?-i:IT)|software|services|tourism|"
           r"pharmaceuticals?|medicines?|automobiles?|auto(?:motive)?|cars?|vehicles?|steel|"
           r"rice|wheat|tea|fruits?|vegetables?|seafood|fish(?:ery|eries)?|leather|"
           r"surgical(?:\s+instruments)?|sports\s+goods|cement|sugar|dairy|meat|citrus|mangoes|"
           r"halal|gold|diamonds?|jewell?e?ry|electronics|furniture|grain|fertili[sz]ers?|"
           r"energy|nuclear|agri-?food|seeds?|timber|wood|copper|aluminium|iron\s+ore|"
           r"engineering|handicrafts?|carpets?|toys|cosmetics|footwear|marine")

NOT_A_FACT: tuple[str, ...] = (
    r"aims?\s+to", r"aiming", r"aimed\s+(?:for|to|at)", r"agreed\s+to\s+(?:try\s+to\s+)?(?:raise|"
    r"increase|boost|double|lift)", r"to\s+(?:grow|rise|increase|climb)\s+to", r"try\s+to",
    r"hopes?\b", r"hoping", r"wants?\b", r"could\s+lift", r"targets?", r"targeted", r"goal",
    r"plans?\s+to", r"planned",
    r"expected", r"expects?", r"projected", r"projections?", r"forecasts?", r"could", r"would",
    r"may", r"might", r"potential(?:ly)?", r"hopes?\s+to", r"hoping", r"envisage[sd]?",
    r"will", r"shall", r"set\s+to", r"likely", r"intends?\s+to", r"seeks?\s+to", r"want(?:s)?\s+to",
    r"should", r"can\s+(?:reach|grow|rise|increase|double|touch)", r"possible", r"prospects?",
    r"estimated\s+to\s+(?:reach|grow|rise)", r"to\s+reach", r"is\s+going\s+to",
)

#: Number words used for counts.
NUMBER_WORDS: dict[str, int] = {
    "once": 1, "twice": 2, "thrice": 3, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
    "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "a dozen": 12, "a single": 1,
}

MONTHS: dict[str, int] = {
    m: i for i, names in enumerate((
        ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
        ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
        ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
        ("december", "dec")), start=1) for m in names
}

#: Demonyms, capitals and other words that point at a country (matched case-sensitively,
#: as capitalised words). Country names themselves come from amity's crosswalk.
DEMONYMS: dict[str, str] = {
    "Pakistani": "PAK", "Pakistanis": "PAK", "Islamabad": "PAK", "Karachi": "PAK",
    "Lahore": "PAK", "Rawalpindi": "PAK", "Russian": "RUS", "Russians": "RUS", "Moscow": "RUS",
    "Kremlin": "RUS", "Soviet": "RUS", "Soviets": "RUS", "Russia Federation": "RUS",
    "St Petersburg": "RUS", "Indian": "IND", "Indians": "IND", "New Delhi": "IND",
    "Delhi": "IND", "Indo": "IND", "Chinese": "CHN", "Beijing": "CHN", "Sino": "CHN",
    "American": "USA", "Americans": "USA", "Washington": "USA", "U.S": "USA", "U.S.": "USA",
    "Afghan": "AFG", "Afghans": "AFG", "Kabul": "AFG", "Iranian": "IRN", "Tehran": "IRN",
    "Turkish": "TUR", "Ankara": "TUR", "British": "GBR", "London": "GBR", "Saudi": "SAU",
    "Riyadh": "SAU", "Emirati": "ARE", "Japanese": "JPN", "Tokyo": "JPN", "German": "DEU",
    "Berlin": "DEU", "French": "FRA", "Paris": "FRA", "Kazakh": "KAZ", "Astana": "KAZ",
    "Uzbek": "UZB", "Tashkent": "UZB", "Belarusian": "BLR", "Minsk": "BLR",
    "Ukrainian": "UKR", "Kyiv": "UKR", "Kiev": "UKR", "Bangladeshi": "BGD", "Dhaka": "BGD",
    "Turkmen": "TKM", "Tajik": "TJK", "Kyrgyz": "KGZ", "Armenian": "ARM", "Azerbaijani": "AZE",
    "Georgian": "GEO", "Mongolian": "MNG", "Korean": "KOR", "Seoul": "KOR",
}


@dataclass(frozen=True)
class Org:
    """An intergovernmental organisation: its names, COW IGO code and founding year."""

    key: str
    label: str
    pattern: str  # a regular expression matching its names in text (case-insensitive)
    cow: str | None  # the COW IGO v3 abbreviation as stored (lower case)


ORGS: tuple[Org, ...] = (
    Org("SCO", "Shanghai Cooperation Organisation",
        r"shanghai\s+cooperation\s+organi[sz]ation|\bSCO\b", "sco"),
    Org("UN", "United Nations", r"united\s+nations(?!\s+general)|\bUN\b(?!\s*general)", "un"),
    Org("OIC", "Organisation of Islamic Cooperation",
        r"organi[sz]ation\s+of\s+(?:the\s+)?islamic\s+(?:cooperation|conference)|\bOIC\b", "oic"),
    Org("ECO", "Economic Cooperation Organization",
        r"economic\s+cooperation\s+organi[sz]ation|\bECO\b", "eco"),
    Org("SAARC", "South Asian Association for Regional Cooperation",
        r"south\s+asian\s+association\s+for\s+regional\s+cooperation|\bSAARC\b", "saarc"),
    Org("CIS", "Commonwealth of Independent States",
        r"commonwealth\s+of\s+independent\s+states|\bCIS\b", "cis"),
    Org("CSTO", "Collective Security Treaty Organization",
        r"collective\s+security\s+treaty\s+organi[sz]ation|\bCSTO\b", "csto"),
    Org("WTO", "World Trade Organization", r"world\s+trade\s+organi[sz]ation|\bWTO\b", "wto"),
    Org("IMF", "International Monetary Fund", r"international\s+monetary\s+fund|\bIMF\b", "imf"),
    Org("ASEAN", "Association of Southeast Asian Nations",
        r"association\s+of\s+south[- ]?east\s+asian\s+nations|\bASEAN\b", "asean"),
    Org("EAEU", "Eurasian Economic Union",
        r"eurasian\s+economic\s+union|\bEAEU\b|\bEEU\b", None),
    Org("BRICS", "BRICS", r"\bBRICS\b", None),
    Org("Commonwealth", "Commonwealth of Nations",
        r"\bthe\s+commonwealth\b(?!\s+of\s+independent)", "comsec"),
    Org("NAM", "Non-Aligned Movement", r"non[- ]aligned\s+movement|\bNAM\b", None),
)


@dataclass(frozen=True)
class Product:
    """A product group as each source classifies it.

    ``sources`` maps (source, classification) to the product values to sum and whether
    that sum is ``"same"`` as the group, ``"narrower"`` (a lower bound) or ``"broader"``.
    HS chapters are used for ``hs_chapter`` (two digits) and ``hs92`` (six-digit codes
    whose first two digits are the chapter).
    """

    key: str
    label: str
    pattern: str
    chapters: tuple[int, int] | None
    sources: dict[tuple[str, str], tuple[tuple[str, ...], str]]


def _chapters(lo: int, hi: int) -> tuple[str, ...]:
    return tuple(f"{c:02d}" for c in range(lo, hi + 1))


PRODUCTS: tuple[Product, ...] = (
    Product("textiles", "textiles and clothing (HS 50-63)",
            r"textiles?(?:\s+and\s+(?:garments?|clothing|apparel))?|garments?|apparel|"
            r"clothing|cotton\s+yarn|fabrics?", (50, 63), {
                ("ots", "ots_community"): (("Textiles",), "same"),
                ("wits", "wits_group"): (("Textiles and Clothing",), "same"),
                ("wto", "wto_group"): (("MATE", "MACL"), "narrower"),
                ("comtrade", "hs_chapter"): (_chapters(50, 63), "same"),
                ("baci", "hs92"): (_chapters(50, 63), "same"),
            }),
    Product("machinery", "machinery and electrical equipment (HS 84-85)",
            r"(?:heavy\s+)?machinery|machines|electrical\s+equipment", (84, 85), {
                ("ots", "ots_community"): (("Machines",), "same"),
                ("wits", "wits_group"): (("Mach and Elec",), "same"),
                ("comtrade", "hs_chapter"): (_chapters(84, 85), "same"),
                ("baci", "hs92"): (_chapters(84, 85), "same"),
            }),
    Product("fuels", "mineral fuels, oil and gas (HS 27)",
            r"fuels?|oil\s+and\s+gas|petroleum|crude\s+oil|natural\s+gas|lng|coal", (27, 27), {
                ("wits", "wits_group"): (("Fuels",), "same"),
                ("wto", "wto_group"): (("MIFU",), "same"),
                ("ots", "ots_community"): (("Mineral Products",), "broader"),
                ("comtrade", "hs_chapter"): (("27",), "same"),
                ("baci", "hs92"): (("27",), "same"),
            }),
    Product("arms", "arms and ammunition (HS 93)", r"arms\s+and\s+ammunition|weapons", (93, 93), {
        ("ots", "ots_community"): (("Weapons",), "same"),
        ("comtrade", "hs_chapter"): (("93",), "same"),
        ("baci", "hs92"): (("93",), "same"),
    }),
    Product("chemicals", "chemical products (HS 28-38)", r"chemicals?|chemical\s+products",
            (28, 38), {
                ("ots", "ots_community"): (("Chemical Products",), "same"),
                ("wits", "wits_group"): (("Chemicals",), "same"),
                ("comtrade", "hs_chapter"): (_chapters(28, 38), "same"),
                ("baci", "hs92"): (_chapters(28, 38), "same"),
            }),
    Product("agriculture", "agricultural products (WTO definition)",
            r"agricultur(?:e|al)\s+(?:products|goods|produce)|farm\s+products|food\s+products",
            None, {("wto", "wto_group"): (("AG",), "same")}),
)

#: Country groups named in text ("together with its neighbouring countries"). Used only
#: when amity.regions is not available; members are ISO3 codes, the anchor included.
GROUPS: dict[str, dict[str, tuple[str, ...]]] = {
    "neighbours": {
        # the reading "Russia and its Eurasian Economic Union neighbours" is the default;
        # the others are reported beside it
        "RUS": ("RUS", "BLR", "KAZ", "KGZ", "ARM"),
        "PAK": ("PAK", "AFG", "CHN", "IND", "IRN"),
        "IND": ("IND", "PAK", "CHN", "NPL", "BTN", "BGD", "MMR"),
        "CHN": ("CHN", "RUS", "MNG", "KAZ", "KGZ", "TJK", "AFG", "PAK", "IND", "NPL", "BTN",
                "MMR", "LAO", "VNM", "PRK"),
    },
    "readings": {
        "RUS alone": ("RUS",),
        "RUS + EAEU": ("RUS", "BLR", "KAZ", "KGZ", "ARM"),
        "RUS + CIS": ("RUS", "BLR", "KAZ", "KGZ", "ARM", "AZE", "TJK", "UZB", "MDA", "TKM"),
        "RUS + land neighbours": ("RUS", "NOR", "FIN", "EST", "LVA", "LTU", "POL", "BLR",
                                  "UKR", "GEO", "AZE", "KAZ", "CHN", "MNG", "PRK"),
    },
}

#: Office words → timeline ``level``.
LEVELS: dict[str, str] = {
    "president": "head_of_state", "king": "head_of_state", "emir": "head_of_state",
    "prime minister": "head_of_government", "premier": "head_of_government",
    "chancellor": "head_of_government", "foreign minister": "minister",
    "defence minister": "minister", "defense minister": "minister", "minister": "minister",
    "army chief": "military", "general": "military", "chief of army staff": "military",
    "marshal": "military", "deputy foreign minister": "official",
    "special secretary": "official", "secretary": "official", "official": "official",
}
