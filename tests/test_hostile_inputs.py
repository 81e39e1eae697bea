"""Hostile links and scenario files: refused quickly with a message, or shown without harm.

Every case is generated here from a valid document: a link or file that would
have cost minutes of server time, crashed a page with a traceback, or styled
text from data. Each must give a clear message (naming the field and the limit)
within a stated time, and the app must keep the scenario it had.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import time
import zlib
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from salesops.model import limits
from salesops.model.samples import load_sample
from salesops.readwrite.schema import load_scenario_file
from salesops.model.scenario import Scenario, ScenarioError
from salesops.readwrite.share import ShareError, decode, encode
from salesops.ui.text import md, plain
from tests.apptest_support import warm_server  # noqa: F401  (autouse: temp database, warm server)

APP = str(Path(__file__).resolve().parent.parent / "streamlit_app.py")
HOSTILE_NAMES = (
    "![x](http://127.0.0.2:9/pixel.png)",
    ":red[**SECURITY ALERT: re-enter your password**]",
    "[click](javascript:alert(1))",
    "<img src=x onerror=alert(1)>",
    ":material/warning: $x^2$ `code` *bold* _it_",
    "www.example.com mail@example.com",
)


def _doc_of(token: str) -> dict:
    payload = token.split(".", 2)[2]
    return json.loads(zlib.decompress(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))))


def _token_of(doc: dict) -> str:
    """A well-formed link (right checksum, right encoding) around any document."""
    raw = json.dumps(doc, separators=(",", ":")).encode("utf-8")  # ensure_ascii keeps lone surrogates as \\ud800
    checksum = hashlib.sha256(raw).hexdigest()[:8]
    return f"1.{checksum}." + base64.urlsafe_b64encode(zlib.compress(raw, 9)).rstrip(b"=").decode("ascii")


def _mid_doc() -> dict:
    return _doc_of(encode(load_sample("midmarket")))


def _many_regions(doc: dict) -> dict:
    doc["regions"] = [{"id": f"r{i}", "name": f"R{i}", "reps": 10_000_000, "managers": 1} for i in range(500)]
    doc["hq_region"] = "r0"
    doc.pop("ref", None)
    return doc


LINKS = {
    "500 regions x 10M reps": (_many_regions, "the scenario has 500 regions; the limit is 50"),
    "10M reps in one region": (lambda d: d["regions"][0].update(reps=10_000_000) or d, "reps must be <= 200000"),
    "lone surrogate in a name": (
        lambda d: d["regions"][1].update(name="West\ud800") or d,
        "not a printable character (U+D800)",
    ),
    "a 300-character name": (lambda d: d.update(name="x" * 300) or d, "the limit is 200"),
    "a control character in the name": (lambda d: d.update(name="Mid\x1bmarket") or d, "U+001B"),
}


@pytest.mark.parametrize("case", list(LINKS))
def test_hostile_links_are_refused_quickly_with_the_reason(case):
    mutate, message = LINKS[case]
    token = _token_of(mutate(_mid_doc()))
    assert len(token) <= 6_000
    started = time.perf_counter()
    with pytest.raises(ShareError) as err:
        decode(token)
    assert time.perf_counter() - started < 0.5, case
    assert message in str(err.value), str(err.value)


@pytest.mark.parametrize("case", list(LINKS))
def test_a_hostile_link_opens_the_default_scenario_with_a_message_and_no_traceback(case):
    mutate, message = LINKS[case]
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["z"] = _token_of(mutate(_mid_doc()))
    at.run()
    assert not at.exception, at.exception
    assert any(message in plain(e.value) for e in at.error), [plain(e.value) for e in at.error]
    assert at.session_state["scenario"] == load_sample("midmarket")


def _file_with_role(**changes) -> bytes:
    doc = json.loads(load_sample("midmarket").to_json())
    doc["roles"][4]["role"].update(changes)
    return json.dumps(doc).encode("utf-8")


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"cost_usd_per_year": 1e308}, "cost_usd_per_year: 1e+308 is greater than the maximum of 5000000"),
        ({"service_rate_per_fte_week": 1e-9}, "service_rate_per_fte_week: 1e-09 is less than the minimum of 0.01"),
        (
            {"demand_per_rep_week": 100.0, "service_rate_per_fte_week": 0.01},
            "need about 1,200,000 FTE; the limit is 20,000 FTE per role",
        ),
    ],
)
def test_absurd_role_parameters_in_a_file_are_refused_with_the_field(changes, message):
    with pytest.raises(ScenarioError) as err:
        load_scenario_file(_file_with_role(**changes))
    assert message in str(err.value), str(err.value)


def test_infinity_in_a_file_is_refused():
    text = load_sample("midmarket").to_json().replace('"cost_usd_per_year": 150000', '"cost_usd_per_year": Infinity', 1)
    assert "Infinity" in text
    with pytest.raises(ScenarioError):
        load_scenario_file(text.encode("utf-8"))


def test_a_file_with_20000_regions_is_refused_in_well_under_a_second():
    doc = json.loads(load_sample("midmarket").to_json())
    doc["regions"] = [
        {
            "id": f"r{i}",
            "name": f"Region {i}",
            "reps": 1,
            "managers": 1,
            "tz_offset_hours": 0,
            "market_complexity": 0.3,
            "cost_index": 1.0,
        }
        for i in range(20_000)
    ]
    doc["hq_region"] = "r0"
    data = json.dumps(doc).encode("utf-8")
    assert len(data) > 2_000_000
    started = time.perf_counter()
    with pytest.raises(ScenarioError, match="20,000 items; the limit is 50|20,000 regions; the limit is 50"):
        load_scenario_file(data)
    assert time.perf_counter() - started < 1.0


def test_every_limit_is_reachable_and_no_further():
    """A scenario exactly at the limits is accepted; one past any of them is not."""
    mid = load_sample("midmarket")
    at_limit = mid.with_assumptions()  # a copy
    from dataclasses import replace

    regions = tuple(
        replace(
            mid.regions[0],
            id=f"r{i}",
            name="n" * limits.MAX_NAME_CHARS,
            reps=limits.MAX_TOTAL_REPS // limits.MAX_REGIONS,
        )
        for i in range(limits.MAX_REGIONS)
    )
    big = replace(at_limit, regions=regions, hq_region="r0")
    assert isinstance(big, Scenario) and big.total_reps == limits.MAX_TOTAL_REPS
    with pytest.raises(ScenarioError, match="limit is 50"):
        replace(big, regions=regions + (replace(regions[0], id="one-more"),))
    with pytest.raises(ScenarioError, match=f"limit is {limits.MAX_NAME_CHARS}"):
        replace(big, name="n" * (limits.MAX_NAME_CHARS + 1))


# --------------------------------------------------------------------------
# Names are text
# --------------------------------------------------------------------------
@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_md_round_trips_and_leaves_no_markdown_active(name):
    escaped = md(name)
    assert plain(escaped) == name
    # Every character markdown acts on is escaped, and no directive, link or autolink is left whole.
    assert not re.search(r"(?<!\\)[*_`\[\]()<>!$~|#]", escaped), escaped
    for whole in ("](", ":red[", "http://", "www.", "mail@", ":material/"):
        assert whole not in escaped, (whole, escaped)


def _hostile_scenario() -> Scenario:
    from dataclasses import replace

    mid = load_sample("midmarket")
    regions = tuple(replace(r, name=HOSTILE_NAMES[i % len(HOSTILE_NAMES)]) for i, r in enumerate(mid.regions))
    roles = tuple(
        replace(p, role=replace(p.role, name=HOSTILE_NAMES[i % len(HOSTILE_NAMES)] + f" {i}"))
        for i, p in enumerate(mid.roles)
    )
    return replace(mid, name=HOSTILE_NAMES[1], regions=regions, roles=roles)


@pytest.mark.parametrize(
    "page",
    [
        "pages/home.py",
        "pages/org_designer.py",
        "pages/roi.py",
        "pages/uncertainty.py",
        "pages/org_analytics.py",
        "pages/peers.py",
        "pages/objectives.py",
        "pages/dashboard.py",
        "pages/compare.py",
        "pages/levers.py",
    ],
)
def test_hostile_names_never_reach_markdown_unescaped(page):
    scenario = _hostile_scenario()
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.session_state["scenario"] = scenario
    at.switch_page(page).run()
    assert not at.exception, at.exception
    sources = [
        e.value
        for kind in ("markdown", "caption", "error", "warning", "info", "success", "subheader", "title")
        for e in getattr(at, kind)
    ]
    sources += [w.label for w in at.segmented_control] + [w.label for w in at.button] + [e.label for e in at.expander]
    for text in sources:
        for raw in ("](http", ":red[", "](javascript"):
            assert raw not in str(text), (page, text)
        assert not re.search(r"(?<!\\)<img", str(text)), (page, text)


def test_a_page_that_fails_shows_a_message_not_a_traceback(monkeypatch):
    import salesops.charts

    def broken(*args, **kwargs):
        raise KeyError("east")

    monkeypatch.setattr(salesops.charts, "page_spec", broken)  # what the ROI page draws its charts with
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    before = at.session_state["scenario"]
    at.switch_page("pages/roi.py").run()
    assert not at.exception, at.exception
    assert any("could not be drawn" in plain(e.value) and "KeyError" in plain(e.value) for e in at.error)
    assert at.session_state["scenario"] is before
    assert at.sidebar.button(key="sidebar:undo") is not None  # the sidebar is still drawn
