"""Every export of every org shape says what the screen says.

For each awkward org (one region, twelve, regions without reps, no sales-ops
roles, an imported 300-person org in ten cities, an edited sample) the Excel
workbook, HTML report, PowerPoint deck, org CSV and GraphML are built from the
scenario and its results, read back with the tools a client would use, and
compared with the model's figures: ROI and cost to the cent (0.1 pp as shown),
FTE, reps and every role's placement.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from salesops.model import evaluate
from salesops.report import render_charts, to_excel, to_html, to_pptx
from salesops.ui.downloads import PACK, build_pack, data_file
from salesops.model.whatif import placement_whatifs
from tests.orgfiles import shapes
from tests.readback import WHATIF_NET, assert_agree, expected, read_csv, read_graphml, read_html, read_pptx, read_xlsx

SHAPES = shapes()


_agree = assert_agree  # tests/readback.py


@pytest.fixture(scope="module", params=list(SHAPES))
def built(request):
    scenario = SHAPES[request.param]
    results = evaluate(scenario)
    pack = build_pack(scenario, results)
    return request.param, scenario, results, pack


def test_every_file_of_the_pack_is_built(built):
    name, _, _, pack = built
    assert not pack.errors, f"{name}: {pack.errors}"
    assert set(pack.files) == set(PACK)


def test_pack_files_agree_with_the_model(built):
    name, scenario, results, pack = built
    want = expected(scenario, results, placement_whatifs(scenario))
    xlsx = read_xlsx(pack.files["xlsx"])
    _agree(xlsx, want, f"{name} Excel")
    assert xlsx.placements == want.placements  # the Roles sheet lists every role, staffed or not
    html_facts = read_html(pack.files["html"].decode("utf-8"), scenario)
    # The card holds the exact ROI, or no number for a design that costs nothing ("n/a (no cost)").
    assert (html_facts.roi is not None or want.roi is None) and html_facts.roi_text is not None
    assert html_facts.reps is not None
    _agree(html_facts, want, f"{name} HTML", exact=False)
    assert html_facts.placements == want.placements
    deck = read_pptx(pack.files["pptx"], scenario)
    assert deck.roi_text is not None and deck.cost_text is not None and deck.reps is not None
    _agree(deck, want, f"{name} PowerPoint", exact=False)
    assert deck.placements == want.placements
    # The what-ifs: every report lists every row of placement_whatifs, best net value first.
    assert xlsx.whatifs is not None and xlsx.whatif_columns[3] == WHATIF_NET
    assert all(w.net is not None for w in xlsx.whatifs)
    if scenario.roles:
        assert html_facts.whatifs is not None and deck.whatifs is not None
        assert all(w.net is not None and w.net_text is not None for w in html_facts.whatifs)
        assert all(w.net_text is not None for w in deck.whatifs)
        nets = [w.net for w in xlsx.whatifs]
        assert nets == sorted(nets, reverse=True)


def test_data_files_agree_with_the_model(built):
    name, scenario, results, _ = built
    want = expected(scenario, results)
    csv_facts = read_csv(data_file("csv", scenario, results))
    _agree(csv_facts, want, f"{name} CSV")
    graphml = read_graphml(data_file("graphml", scenario, results))
    _agree(graphml, want, f"{name} GraphML")
    # Every role with staff shows up with its placement.
    staffed = {r.role_id for r in results.roles if r.fte > 0}
    assert set(csv_facts.placements) == staffed
    assert json.loads(data_file("json", scenario, results))["name"] == scenario.name


def test_the_edited_sample_exports_its_own_figures_not_the_default():
    scenario = SHAPES["midmarket edited"]
    results = evaluate(scenario)
    default = evaluate(shapes()["startup (1 region)"])
    deck = read_pptx(to_pptx(scenario, results, charts={}), scenario)
    assert deck.placements["deal_desk"] == "localized" and deck.placements["crm_admin"] == "hybrid"
    assert deck.roi_text == expected(scenario, results).roi_text != expected(scenario, default).roi_text
    assert len([r for r in read_csv(data_file("csv", scenario, results)).placements]) == 6


def test_a_builder_that_fails_is_reported_and_the_others_still_arrive(monkeypatch):
    scenario = SHAPES["startup (1 region)"]
    results = evaluate(scenario)

    def broken(*args, **kwargs):
        raise KeyError("east")

    monkeypatch.setattr("salesops.report.to_excel", broken)
    pack = build_pack(scenario, results)
    assert set(pack.files) == {"html", "pptx"}
    assert pack.errors == {"xlsx": "KeyError: 'east'"}


def test_the_cli_the_exports_and_the_screen_agree_to_the_cent(tmp_path):
    """`evaluate --json` on a scenario file gives the figures every export carries."""
    scenario = SHAPES["imported 300 people, 10 cities"]
    path = tmp_path / "imported.json"
    path.write_text(scenario.to_json(), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "salesops", "evaluate", str(path), "--json"], capture_output=True, text=True, check=True
    )
    cli = json.loads(done.stdout)
    results = evaluate(scenario)
    assert cli["roi"] == pytest.approx(results.roi, abs=1e-12)
    assert cli["sales_ops_cost"] == pytest.approx(results.sales_ops_cost_usd, abs=0.005)
    assert cli["sales_ops_fte"] == pytest.approx(results.sales_ops_fte, abs=1e-9)
    whatifs = placement_whatifs(scenario)
    xlsx = read_xlsx(to_excel(scenario, results, whatifs=whatifs))
    assert xlsx.roi == pytest.approx(cli["roi"], abs=1e-12)
    assert xlsx.cost == pytest.approx(cli["sales_ops_cost"], abs=0.005)
    html_facts = read_html(
        to_html(scenario, results, charts=render_charts(results, whatifs), whatifs=whatifs), scenario
    )
    assert html_facts.roi == pytest.approx(cli["roi"], abs=1e-12)
    want = expected(scenario, results, whatifs)
    assert xlsx.whatifs and html_facts.whatifs
    _agree(xlsx, want, "imported Excel")
    _agree(html_facts, want, "imported HTML", exact=False)
