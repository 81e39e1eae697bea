"""The one-page import summary: people by class and region, what was guessed, corrected and dropped."""

from __future__ import annotations

import re

from salesops.model.limits import MAX_DESCRIPTION_CHARS
from salesops.readwrite.hris import build_import, guess_mapping, read_table
from salesops.readwrite.hris.summary import Corrections, import_summary, summary_note
from tests.orgfiles import hris_csv_with_cities


def _result(**kwargs):
    raw = read_table(hris_csv_with_cities(300).encode("utf-8"), "hris.csv")
    return build_import(raw, guess_mapping(raw.frame.columns), **kwargs)


def _table(text: str) -> list[list[str]]:
    rows = [line for line in text.splitlines() if line.startswith("| ") and not line.startswith("| Region")]
    return [[c.strip() for c in row.strip("|").split("|")] for row in rows]


def test_the_table_counts_every_person_once_by_class_and_region():
    result = _result()
    rows = _table(import_summary(result, file_name="hris.csv"))
    frame = result.classification
    assert len(rows) == frame["region"].nunique()
    assert sum(int(r[1].replace(",", "")) for r in rows) == len(frame)
    for col, kind in enumerate(("leader", "manager", "rep", "sales_ops", "other"), start=2):
        assert sum(int(r[col].replace(",", "")) for r in rows) == int((frame["kind"] == kind).sum())
    assert sum(1 for r in rows if r[0].endswith("(HQ)")) == 1


def test_corrections_and_drops_are_named_and_nothing_is_said_when_there_were_none():
    plain = import_summary(_result(), file_name="hris.csv")
    assert "Nothing: every figure is as the file and the default rules give it." in plain
    assert "Nobody: every row of the file is in the org." in plain
    result = _result(keep_other=False, kind_overrides={"E00003": ("rep", "")})
    name = result.classification.set_index("id").loc["E00003", "name"]
    text = import_summary(
        result,
        file_name="hris.csv",
        corrections=Corrections(kinds={"E00003": ("rep", "")}, rules=('title contains "growth partner" -> rep',)),
    )
    assert f"1 person reclassified: {name} as rep." in text
    assert '1 rule added: title contains "growth partner" -> rep.' in text
    dropped = result.summary["dropped_other"]
    assert dropped > 0 and re.search(rf"{dropped} people classified 'other' left out", text)


def test_the_note_kept_with_the_scenario_is_short_and_says_where_it_came_from():
    note = summary_note(_result(), file_name="hris.csv")
    assert note.startswith("Imported from hris.csv (300 rows)") and len(note) <= MAX_DESCRIPTION_CHARS


def test_text_from_the_file_is_escaped_for_the_page_and_kept_as_is_in_the_file():
    from salesops.ui.text import md

    csv_text = hris_csv_with_cities(300).replace("Hana Tanaka", "**Hana** <b>T</b> [x](y)", 1)
    raw = read_table(csv_text.encode("utf-8"), "hris.csv")
    result = build_import(raw, guess_mapping(raw.frame.columns), kind_overrides={"E00001": ("leader", "")})
    fix = Corrections(kinds={"E00001": ("leader", "")})
    for_page = import_summary(result, file_name="a|b.csv", corrections=fix, escape=md)
    as_file = import_summary(result, file_name="a|b.csv", corrections=fix)
    assert "**Hana** <b>T</b> [x](y) as leader" in as_file
    assert md("**Hana** <b>T</b> [x](y)") + " as leader" in for_page and "<b>" not in for_page


def test_every_export_of_the_imported_scenario_carries_its_summary_note():
    import io
    from dataclasses import replace

    import openpyxl
    from pptx import Presentation

    from salesops.model import evaluate
    from salesops.report import to_excel, to_html, to_pptx

    result = _result()
    note = summary_note(result, file_name="hris.csv")
    scenario = replace(result.scenario, description=note)
    res = evaluate(scenario)
    charts = {}  # no chart images needed for the text
    wb = openpyxl.load_workbook(io.BytesIO(to_excel(scenario, res)))
    about = {row[0]: row[1] for row in wb["Summary"].iter_rows(min_row=2, values_only=True)}["About this scenario"]
    assert about == note
    deck = Presentation(io.BytesIO(to_pptx(scenario, res, charts=charts)))
    assert deck.slides[0].notes_slide.notes_text_frame.text == note
    assert note.split(":")[0] in to_html(scenario, res, charts=charts)
    assert scenario.to_json().count("Imported from hris.csv (300 rows)") == 1
