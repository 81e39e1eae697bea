"""The values in an HRIS file's cells: amounts, FTE, signed numbers, region ids, time-zone offsets, kinds.

:func:`parse_amount` reads money the way spreadsheets write it, :func:`region_slug` makes a region id,
:func:`load_locations` gives the UTC offsets of ``data/locations.csv``, :func:`load_location_regions` the
country, region and offset of a city or country (``data/location_regions.csv``).
"""

from __future__ import annotations

import csv
import math
import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping, NamedTuple

from salesops.model.paths import DATA_DIR


LOCATIONS_PATH = DATA_DIR / "locations.csv"
LOCATION_REGIONS_PATH = DATA_DIR / "location_regions.csv"
# The default regions of ``data/location_regions.csv``: code -> name (the id is the code's slug).
REGION_NAMES = {"NA": "North America", "LATAM": "Latin America", "EMEA": "EMEA", "APAC": "APAC"}


# --------------------------------------------------------------------------
# Values
# --------------------------------------------------------------------------
MAX_COST_USD = 1e9  # a person's yearly cost; the scenario format refuses more


def _parse_cost(text: str) -> float:
    value = parse_amount(text)
    if value > MAX_COST_USD:
        raise ValueError(f"is more than {MAX_COST_USD:,.0f} a year")
    return value


def parse_amount(text: str, money: bool = True) -> float:
    """A non-negative amount written the way spreadsheets write money.

    Accepts currency symbols or codes, spaces and thousands separators:
    ``"$120,000"``, ``"120000"``, ``"EUR 120.000,50"``, ``"1'250.5"``. With both
    ``.`` and ``,`` the last one is the decimal separator; a single ``,`` not
    followed by exactly three digits is a decimal comma. With ``money`` (the
    default), ``.`` followed by exactly three digits groups thousands
    (``"95.000"`` is 95,000: a yearly cost is not written to a tenth of a cent);
    without it (FTE), ``"1.500"`` is 1.5.

    Raises
    ------
    ValueError
        ``"is not a number"`` or ``"is negative"``.

    Examples
    --------
    >>> parse_amount("$120,000"), parse_amount("120.000,50"), parse_amount("1,5"), parse_amount("95.000")
    (120000.0, 120000.5, 1.5, 95000.0)
    >>> parse_amount("-5")
    Traceback (most recent call last):
    ...
    ValueError: is negative
    """
    s = text.strip()
    value: float | None = None
    if not (money and _DOT_THOUSANDS.fullmatch(s)):
        try:
            value = float(s)
        except ValueError:
            value = None
    if value is None:
        negative = s.startswith("-") or s.endswith("-") or (s.startswith("(") and s.endswith(")"))
        core = re.sub(r"^[A-Za-z]{3}(?=[\s\d(\-])|(?<=[\d\s)])[A-Za-z]{3}$", "", s)
        core = re.sub(r"[\s\u00a0\u202f'’()\-+]", "", core)
        core = "".join(ch for ch in core if not _is_currency(ch))
        if not core or not re.fullmatch(r"[\d.,]+", core) or not re.search(r"\d", core):
            raise ValueError("is not a number")
        if negative:
            raise ValueError("is negative")
        value = _parse_separators(core, money)
    if not math.isfinite(value):
        raise ValueError("is not a number")
    if value < 0:
        raise ValueError("is negative")
    return value + 0.0  # no -0.0


_DOT_THOUSANDS = re.compile(r"\d{1,3}(?:\.\d{3})+")


def _is_currency(ch: str) -> bool:
    import unicodedata

    return unicodedata.category(ch) == "Sc"


def _parse_separators(core: str, money: bool) -> float:
    if "," in core and "." in core:
        decimal = "," if core.rfind(",") > core.rfind(".") else "."
        thousands = "." if decimal == "," else ","
        head, _, tail = core.rpartition(decimal)
        if thousands in tail or decimal in head or not re.fullmatch(r"\d{1,3}(?:[.,]\d{3})*", head):
            raise ValueError("is not a number")
        return float(head.replace(thousands, "") + "." + tail)
    for sep in (",", "."):
        if sep in core:
            grouped = re.fullmatch(r"\d{1,3}(?:" + re.escape(sep) + r"\d{3})+", core)
            if grouped and (sep == "," or money or core.count(".") > 1):
                return float(core.replace(sep, ""))
            if core.count(sep) == 1:
                return float(core.replace(sep, "."))
            raise ValueError("is not a number")
    return float(core)


def _parse_fte(text: str) -> float:
    s = text.strip()
    percent = s.endswith("%")
    value = parse_amount(s[:-1] if percent else s, money=False)
    return value / 100.0 if percent else value


def region_slug(text: str) -> str:
    """Region id from a region, location or country as written.

    Examples
    --------
    >>> region_slug("US East (HQ)"), region_slug(" São Paulo "), region_slug("EMEA")
    ('us-east-hq', 'são-paulo', 'emea')
    """
    slug = re.sub(r"[\W_]+", "-", text.casefold()).strip("-")
    return slug or "region-" + str(abs(hash(text)) % 10_000)


@lru_cache(maxsize=4)
def _locations(path: str) -> dict[str, float]:
    out: dict[str, float] = {}
    with open(path, encoding="utf-8-sig", newline="") as fh:
        for i, rec in enumerate(csv.DictReader(fh), start=2):
            name = (rec.get("name") or "").strip()
            try:
                offset = float(rec.get("utc_offset_hours") or "")
            except ValueError:
                raise ValueError(
                    f"{Path(path).name} row {i}: utc_offset_hours must be a number, got {rec.get('utc_offset_hours')!r}"
                ) from None
            if not name or not -12 <= offset <= 14:
                raise ValueError(f"{Path(path).name} row {i}: need a name and an offset in [-12, 14]")
            out[name.casefold()] = offset
    return out


def load_locations(path: str | Path | None = None) -> dict[str, float]:
    """UTC offsets (hours) of countries, cities and region names, keyed in lower case.

    Examples
    --------
    >>> load_locations()["london"], load_locations()["emea"]
    (0.0, 1.0)
    """
    return dict(_locations(str(Path(path) if path is not None else LOCATIONS_PATH)))


class Place(NamedTuple):
    """A row of ``data/location_regions.csv``: a city, a country or an alias, where it is and its time zone."""

    location: str
    country: str
    region: str  # a key of REGION_NAMES
    utc_offset_hours: float
    is_country: bool = False  # a country, a country's alias or a region's name rather than a city


@lru_cache(maxsize=4)
def _location_regions(path: str) -> dict[str, Place]:
    out: dict[str, Place] = {}
    name = Path(path).name
    with open(path, encoding="utf-8-sig", newline="") as fh:
        for i, rec in enumerate(csv.DictReader(fh), start=2):
            location = (rec.get("location") or "").strip()
            country = (rec.get("country") or "").strip()
            region = (rec.get("region") or "").strip()
            try:
                offset = float(rec.get("utc_offset_hours") or "")
            except ValueError:
                raise ValueError(
                    f"{name} row {i}: utc_offset_hours must be a number, got {rec.get('utc_offset_hours')!r}"
                ) from None
            if not location or len(location) > 100 or not -12 <= offset <= 14:
                raise ValueError(f"{name} row {i}: need a location (1-100 characters) and an offset in [-12, 14]")
            if region not in REGION_NAMES:
                raise ValueError(f"{name} row {i}: region must be one of {', '.join(REGION_NAMES)}, got {region!r}")
            key = location.casefold()
            if key in out:
                raise ValueError(f"{name} row {i}: location {location!r} is listed twice")
            kind = (rec.get("source") or "").partition(":")[0].strip()
            if kind not in ("city", "country", "country alias", "region name"):
                raise ValueError(
                    f"{name} row {i}: source must start with 'city:', 'country:', 'country alias:' or "
                    f"'region name:', got {rec.get('source')!r}"
                )
            out[key] = Place(location, country, region, offset, kind != "city")
    return out


def load_location_regions(path: str | Path | None = None) -> dict[str, Place]:
    """Cities, countries and their aliases ("USA", "UK", "Deutschland"), keyed in lower case, with their
    country, default region (``NA``, ``LATAM``, ``EMEA``, ``APAC``) and standard-time UTC offset.

    The country's region follows the UN M49 geographic regions (Northern America is ``NA``; Latin
    America and the Caribbean ``LATAM``; Europe, Africa and Western Asia ``EMEA``; the rest of Asia and
    Oceania ``APAC``); the offsets are the standard (winter) time of the city's zone in the IANA
    time-zone database. The ``source`` column of the file says what a row is (``city:``, ``country:``,
    ``country alias:`` or ``region name:``), then names the M49 region and the IANA zone it comes from.

    Examples
    --------
    >>> places = load_location_regions()
    >>> places["manchester"]
    Place(location='Manchester', country='United Kingdom', region='EMEA', utc_offset_hours=0.0, is_country=False)
    >>> places["deutschland"].region, places["osaka"].utc_offset_hours, places["usa"].is_country
    ('EMEA', 9.0, True)
    """
    return dict(_location_regions(str(Path(path) if path is not None else LOCATION_REGIONS_PATH)))


def _wrap_offset(hours: float) -> float:
    while hours > 14:
        hours -= 24
    while hours < -12:
        hours += 24
    return hours + 0.0


def _natural_key(text: str) -> tuple:
    return tuple(
        (0, int(part), "") if part.isdigit() else (1, 0, part) for part in re.split(r"(\d+)", text) if part != ""
    )


def _norm_kind(value: str) -> str:
    return re.sub(r"[\s\-]+", "_", value.strip().lower())


def _norm_role(value: str, catalog: Mapping[str, Any]) -> str | None:
    key = _norm_kind(value)
    if key in catalog:
        return key
    for rid, spec in catalog.items():
        if spec.name.casefold() == value.strip().casefold():
            return rid
    return None


def _parse_signed(text: str) -> float:
    s = text.strip().replace("\u2212", "-")
    negative = s.startswith("-")
    value = parse_amount(s[1:] if negative or s.startswith("+") else s, money=False)
    return -value if negative else value
