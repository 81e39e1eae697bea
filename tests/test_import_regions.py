"""Regions from locations (issue 15): offices grouped into NA, LATAM, EMEA and APAC, editable by the user."""

from __future__ import annotations

import csv
import io
from collections import Counter

import pytest
from streamlit.testing.v1 import AppTest

from salesops.cli import main
from salesops.readwrite.hris import build_import, guess_mapping, load_locations, read_table
from salesops.readwrite.hris.values import REGION_NAMES, load_location_regions
from tests.orgfiles import CITIES, hris_csv_with_cities

# Standard-time UTC offsets (IANA): America/New_York -5, Europe/London 0, Europe/Berlin +1, Asia/Tokyo +9.
NEW_YORK, LONDON, BERLIN, TOKYO = -5.0, 0.0, 1.0, 9.0


def imp(text: str, **kw):
    raw = read_table(text.encode("utf-8"), "hris.csv")
    return build_import(raw, guess_mapping(raw.frame.columns), **kw)


def with_locations(text: str, change) -> str:
    """The file with each row's Location replaced by ``change(index, location)``."""
    rows = list(csv.reader(io.StringIO(text)))
    where = rows[0].index("Location")
    for i, row in enumerate(rows[1:]):
        row[where] = change(i, row[where])
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


# --------------------------------------------------------------------------
# The data
# --------------------------------------------------------------------------
def test_the_data_covers_the_old_locations_and_every_test_city():
    places = load_location_regions()
    for name in load_locations():
        assert name in places, name
        assert places[name].utc_offset_hours == load_locations()[name], name  # the two files agree
    for city in CITIES + ("Singapore", "Sao Paulo", "Sydney", "USA", "UK", "Deutschland"):
        assert city.casefold() in places, city
    assert {p.region for p in places.values()} == set(REGION_NAMES)
    # UN M49: Mexico is Latin America, Israel Western Asia (EMEA), India Southern Asia (APAC)
    assert (places["mexico"].region, places["israel"].region, places["india"].region) == ("LATAM", "EMEA", "APAC")


def test_a_bad_data_row_is_refused_with_its_row(tmp_path):
    path = tmp_path / "places.csv"
    path.write_text("location,country,region,utc_offset_hours,source\nAtlantis,,Ocean,0,city: legend\n")
    with pytest.raises(ValueError, match="row 2: region must be one of NA, LATAM, EMEA, APAC"):
        load_location_regions(path)


# --------------------------------------------------------------------------
# The stage
# --------------------------------------------------------------------------
def test_ten_cities_in_four_countries_land_in_three_regions():
    text = hris_csv_with_cities(300)
    result = imp(text)
    s = result.scenario
    assert s.hq_region == "north-america"
    offsets = {r.name: r.tz_offset_hours for r in s.regions}
    # every office has 30 people, so a region takes the offset of its first office by name:
    # EMEA Berlin (+1; Berlin, London, Manchester, Munich), APAC Osaka (+9)
    assert offsets == {"North America": 0.0, "EMEA": BERLIN - NEW_YORK, "APAC": 14.0}  # +14 is within [-12, 14]
    kinds = Counter(p.kind for p in s.positions)
    assert sum(r.reps for r in s.regions) == kinds["rep"] == s.total_reps
    assert sum(r.managers for r in s.regions) == kinds["manager"]
    locs = result.summary["locations"]
    assert [x["location"] for x in locs] == list(dict.fromkeys(CITIES))  # file order of first appearance
    assert {x["location"]: (x["country"], x["region_id"], x["how"]) for x in locs}["Osaka"] == (
        "Japan",
        "apac",
        "city",
    )
    assert sum(x["people"] for x in locs) == sum(r["people"] for r in result.summary["regions"])
    assert not any("match no known" in w for w in result.warnings)


def test_a_region_takes_the_offset_of_its_biggest_office():
    text = with_locations(hris_csv_with_cities(300), lambda i, loc: "London" if loc == "Berlin" else loc)
    offsets = {r.id: r.tz_offset_hours for r in imp(text).scenario.regions}
    assert offsets["emea"] == LONDON - NEW_YORK  # London now has 60 people, Berlin none


def test_remote_locations_map_by_the_place_they_name_else_by_country():
    text = (
        "ID,Name,Manager ID,Title,Location,Country\n"
        "E1,Ann,,CRO,New York,United States\n"
        "E2,Bob,E1,Account Executive,Remote - Lisbon,Portugal\n"
        "E3,Cy,E1,Account Executive,Tokyo (remote),Japan\n"
        "E4,Di,E1,Account Executive,Remote,Germany\n"
        "E5,Ed,E1,Account Executive,Home office,Brazil\n"
        "E6,Fi,E1,Account Executive,Hub 7,Japan\n"
    )
    result = imp(text)
    where = {x["location"]: (x["region"], x["how"]) for x in result.summary["locations"]}
    assert where == {
        "New York": ("North America", "city"),
        "Remote - Lisbon": ("EMEA", "remote"),
        "Tokyo (remote)": ("APAC", "remote"),
        "Remote": ("EMEA", "remote"),
        "Home office": ("Latin America", "remote"),
        "Hub 7": ("APAC", "country column"),
    }
    assert {p.id: p.region for p in result.scenario.positions}["E2"] == "emea"


def test_a_user_mapping_makes_a_new_region():
    text = hris_csv_with_cities(300)
    result = imp(text, region_map={"manchester": "UK & Ireland"})
    regions = {r.id: r for r in result.scenario.regions}
    assert set(regions) == {"north-america", "emea", "apac", "uk-ireland"}
    assert regions["uk-ireland"].name == "UK & Ireland"
    assert regions["uk-ireland"].tz_offset_hours == LONDON - NEW_YORK
    people = Counter(p.region for p in result.scenario.positions)
    assert people["uk-ireland"] > 0
    assert {x["location"]: x["how"] for x in result.summary["locations"]}["Manchester"] == "your choice"
    # a choice naming an existing region by its name or code joins it
    moved = imp(text, region_map={"Osaka": "emea"})
    assert {x["location"]: x["region_id"] for x in moved.summary["locations"]}["Osaka"] == "emea"
    assert {r.id for r in moved.scenario.regions} == {"north-america", "emea", "apac"}  # Tokyo is still APAC
    assert sum(r.reps for r in moved.scenario.regions) == result.scenario.total_reps


def test_an_unknown_location_warns_once_and_is_unassigned():
    text = with_locations(hris_csv_with_cities(60), lambda i, loc: "Atlantis" if i % 7 == 3 else loc)
    result = imp(text)
    warnings = [w for w in result.warnings if "Atlantis" in w]
    assert len(warnings) == 1
    assert "--region LOCATION=REGION" in warnings[0] and "'Unassigned'" in warnings[0]
    regions = {r.id: r for r in result.scenario.regions}
    assert "unassigned" in regions
    assert {x["location"]: x["region_id"] for x in result.summary["locations"]}["Atlantis"] == "unassigned"
    # and mapping it fixes it
    fixed = imp(text, region_map={"ATLANTIS": "EMEA"})
    assert "unassigned" not in {r.id for r in fixed.scenario.regions}
    assert not any("Atlantis" in w for w in fixed.warnings)


def test_an_explicit_region_column_is_untouched():
    text = (
        "ID,Name,Manager ID,Title,Region,Location\n"
        "E1,Ann,,CRO,Americas East,New York\nE2,Bob,E1,SDR,Americas East,Boston\n"
        "E3,Cy,E1,SDR,Britain,London\nE4,Di,E1,SDR,Britain,Manchester\n"
    )
    result = imp(text, region_map={"London": "EMEA"})
    assert [r.id for r in result.scenario.regions] == ["americas-east", "britain"]
    assert "locations" not in result.summary


def test_the_tz_column_still_wins():
    text = "ID,Name,Manager ID,Title,Location,tz_offset_hours\nE1,Ann,,CRO,New York,-5\nE2,Bob,E1,SDR,Tokyo,3\n"
    assert imp(text).scenario.region("apac").tz_offset_hours == 8.0


# --------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------
def test_cli_region_option(capsys, tmp_path):
    people = tmp_path / "people.csv"
    people.write_text(hris_csv_with_cities(300), encoding="utf-8")
    code = main(["import", str(people), "--region", "Manchester=UK & Ireland", "--region", "osaka = EMEA"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "uk-ireland" in out and "Locations -> regions" in out
    assert "UK & Ireland: Manchester 30 (your choice)" in out
    assert "Osaka 30 (your choice)" in out
    assert main(["import", str(people), "--region", "Manchester"]) == 2  # a usage error
    err = capsys.readouterr().err
    assert "--region" in err and "LOCATION=REGION" in err and "'Manchester'" in err


# --------------------------------------------------------------------------
# Page
# --------------------------------------------------------------------------
def _harness() -> None:
    import streamlit as st

    from salesops.readwrite.hris import build_import, guess_mapping, read_table
    from salesops.ui.import_regions import render_regions

    raw = read_table(st.session_state["csv"].encode("utf-8"), "hris.csv")
    region_map = st.session_state.get("import:region_map", {})
    render_regions(build_import(raw, guess_mapping(raw.frame.columns), region_map=region_map))


def _regions_table(at: AppTest):
    [table] = [d for d in at.dataframe if "hq" in d.value.columns]
    return table


def test_page_edits_a_region_and_resets():
    from salesops.ui.import_regions import editor_key

    at = AppTest.from_function(_harness, default_timeout=60)
    at.session_state["csv"] = hris_csv_with_cities(120)
    at.run()
    assert not at.exception, at.exception
    [editor] = at.data_editor
    table = editor.value
    assert table["location"].tolist() == list(CITIES)
    row = table["location"].tolist().index("Manchester")
    assert table.loc[row, "region"] == "EMEA"
    regions = _regions_table(at)
    assert regions.value["region"].tolist() == ["North America", "EMEA", "APAC"]
    assert regions.value["hq"].tolist() == [True, False, False]
    at.session_state[editor_key({})] = {
        "edited_rows": {row: {"region": "UK & Ireland"}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at.run()
    assert not at.exception, at.exception
    assert at.session_state["import:region_map"] == {"Manchester": "UK & Ireland"}
    regions = _regions_table(at)
    assert "UK & Ireland" in regions.value["region"].tolist()
    [editor] = at.data_editor
    assert editor.value.loc[row, ["region", "how"]].tolist() == ["UK & Ireland", "your choice"]
    at.button(key="import:regions:reset").click().run()
    assert not at.exception, at.exception
    assert "import:region_map" not in at.session_state
    regions = _regions_table(at)
    assert regions.value["region"].tolist() == ["North America", "EMEA", "APAC"]


def test_a_region_name_typed_by_the_user_is_text_on_the_page():
    from salesops.ui.text import md

    hostile = "**Big** ![x](http://example.invalid/x.png) :red[EMEA]"
    at = AppTest.from_function(_harness, default_timeout=60)
    at.session_state["csv"] = hris_csv_with_cities(120)
    at.session_state["import:region_map"] = {"Manchester": hostile}
    at.run()
    assert not at.exception, at.exception
    [caption] = [c.value for c in at.caption if "Type another region" in c.value]
    assert md(hostile) in caption and hostile not in caption
