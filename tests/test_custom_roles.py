"""Roles of the user's own: built and checked field by field, evaluated, saved, shared, exported; the form.

A custom role (a "Partner ops" no catalog holds) or a copy of a catalog role with other figures must
be a role like any other: its teams sized and costed, its switches in the what-ifs, and the same role
after a save, a share link and a scenario file. On the Org designer, the form adds it in one undoable
step, names the field of a refused value and leaves the scenario as it was, and a read-only view
disables it.
"""

from __future__ import annotations

import json
import math
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from salesops.model import evaluate
from salesops.model.limits import MAX_ROLE_FTE, ROLE_RANGES
from salesops.model.metrics import HEADLINE
from salesops.model.roles import (
    CUSTOM_CATEGORY,
    CUSTOM_FIELDS,
    CustomRoleError,
    RoleSpec,
    custom_role,
    custom_role_id,
    load_catalog,
)
from salesops.model.samples import load_sample
from salesops.model.scenario import RolePlan, Scenario
from salesops.model.whatif import placement_whatifs
from salesops.readwrite import share
from salesops.readwrite.schema import load_scenario_file
from salesops.ui.role_form import COPY, NEW, URGENCY_CHOICES, form_key
from salesops.ui.text import plain
from tests.apptest_support import app, goto, warm_server  # noqa: F401  (autouse: temp database, warm server)

DESIGNER = "pages/org_designer.py"
PARTNER = dict(
    name="Partner ops",
    functions=["partner deals", "deal desk"],
    relation="supports",
    cost_usd_per_year=130_000,
    demand_per_rep_week=0.2,
    service_rate_per_fte_week=20,
    urgency_hours=24,
)


def _partner(scenario: Scenario | None = None, **changes) -> RoleSpec:
    given_ = {**PARTNER, **changes}
    existing = [p.role for p in scenario.roles] if scenario is not None else ()
    return custom_role(**given_, existing=existing)


def _with_partner(sample: str = "midmarket", placement: str = "centralized") -> Scenario:
    scenario = load_sample(sample)
    return scenario.with_plan(RolePlan(role=_partner(scenario), placement=placement))


# ----------------------------------------------------------------------------------------- the helper
def test_a_custom_role_keeps_what_was_stated_and_gets_an_id_of_its_own():
    role = _partner(load_sample("midmarket"))
    assert role.id == "custom_partner_ops" and role.id not in load_catalog()
    assert (role.name, role.relation, role.functions) == ("Partner ops", "supports", ("partner deals", "deal desk"))
    assert (role.cost_usd_per_year, role.demand_per_rep_week, role.service_rate_per_fte_week) == (130_000, 0.2, 20)
    assert role.urgency_hours == 24 and 0 < role.target_answer_hours < role.urgency_hours
    assert role.category == CUSTOM_CATEGORY and role.control == ""
    # What the form does not ask starts inside the catalog's own span.
    catalog = list(load_catalog().values())
    for name in ("rep_hours_saved_per_request", "local_knowledge_sensitivity", "standardization_gain"):
        values = [getattr(r, name) for r in catalog]
        assert min(values) <= getattr(role, name) <= max(values), name


def test_ids_never_collide_with_the_scenario_or_the_catalog():
    scenario = load_sample("midmarket")
    first = _partner(scenario)
    scenario = scenario.with_plan(RolePlan(role=first))
    second = _partner(scenario, name="Partner Ops!")  # another name with the same letters
    assert second.id not in {p.role.id for p in scenario.roles} and second.id.startswith("custom_partner_ops")
    assert custom_role_id("Deal desk") != "deal_desk"  # a catalog id is never taken
    assert custom_role_id("") == "custom_role" and custom_role_id("???") == "custom_role"


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(min_size=1, max_size=30), min_size=1, max_size=12))
def test_any_names_give_distinct_ids(names):
    taken: list[str] = []
    for name in names:
        new = custom_role_id(name, taken)
        assert new not in taken and new not in load_catalog()
        assert new.isascii() and new == new.strip() and len(new) < 60
        taken.append(new)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("cost_usd_per_year", -1.0),
        ("cost_usd_per_year", ROLE_RANGES["cost_usd_per_year"][1] * 2),
        ("demand_per_rep_week", 101.0),
        ("service_rate_per_fte_week", 0.0),
        ("urgency_hours", 0.0),
        ("urgency_hours", math.nan),
        ("cost_usd_per_year", "lots"),
        ("cost_usd_per_year", True),
    ],
)
def test_a_refused_figure_names_its_field_in_the_forms_words(field, value):
    with pytest.raises(CustomRoleError) as refused:
        custom_role(**{**PARTNER, field: value})
    assert refused.value.field == field
    assert str(refused.value).startswith(CUSTOM_FIELDS[field])


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"name": "   "}, "name", "must not be blank"),
        ({"name": "Deal Desk"}, "name", "already has a role called 'Deal desk'"),
        ({"name": "x" * 201}, "name", "the limit is 200"),
        ({"functions": []}, "functions", "name at least one"),
        ({"functions": ["ok", "bad\x00"]}, "functions", "not a printable character"),
        ({"relation": "owns"}, "relation", "choose leads or supports"),
    ],
)
def test_a_refused_name_function_or_relation_says_which(changes, field, words):
    with pytest.raises(CustomRoleError) as refused:
        custom_role(**{**PARTNER, **changes}, existing=[p.role for p in load_sample("midmarket").roles])
    assert refused.value.field == field and words in str(refused.value)
    assert str(refused.value).startswith(CUSTOM_FIELDS[field])


@settings(max_examples=80, deadline=None)
@given(
    cost=st.floats(*ROLE_RANGES["cost_usd_per_year"]),
    demand=st.floats(*ROLE_RANGES["demand_per_rep_week"]),
    rate=st.floats(*ROLE_RANGES["service_rate_per_fte_week"]),
    urgency=st.floats(*ROLE_RANGES["urgency_hours"]),
    local=st.floats(0.0, 1.0),
)
def test_every_figure_inside_its_bounds_makes_a_valid_role(cost, demand, rate, urgency, local):
    role = custom_role(
        "RevOps generalist", "CRM and systems", "leads", cost, demand, rate, urgency, local_knowledge_sensitivity=local
    )
    assert RoleSpec.from_dict(role.to_dict()) == role  # what a file or link carries rebuilds it
    low, high = ROLE_RANGES["target_answer_hours"]
    assert low <= role.target_answer_hours <= high


def test_a_copy_keeps_the_originals_other_figures_but_not_its_control():
    desk = load_catalog()["deal_desk"]
    copy = custom_role(
        "Deal desk EMEA",
        list(desk.functions),
        desk.relation,
        120_000,
        desk.demand_per_rep_week,
        desk.service_rate_per_fte_week,
        desk.urgency_hours / 2,
        base=desk,
        existing=[desk],
    )
    assert copy.id != desk.id and copy.cost_usd_per_year == 120_000
    for name in ("category", "rep_hours_saved_per_request", "standardization_gain", "peak_factor", "peak_share"):
        assert getattr(copy, name) == getattr(desk, name), name
    assert copy.target_answer_hours == pytest.approx(desk.target_answer_hours / 2)  # as urgent, relatively
    # Two roles protecting one pricing policy would count its value twice.
    scenario = load_sample("midmarket")
    both = scenario.with_plan(RolePlan(role=copy))
    assert evaluate(both).control_value_usd == pytest.approx(evaluate(scenario).control_value_usd)


# ------------------------------------------------------------------------------------------ the model
def test_a_custom_role_is_sized_and_costed_like_any_other():
    before = load_sample("midmarket")
    scenario = _with_partner()
    res = evaluate(scenario)
    role = scenario.plan("custom_partner_ops").role
    teams = [t for t in res.teams if t.role_id == role.id]
    assert teams and sum(t.fte for t in teams) > 0
    # Every request the reps raise reaches a team, and the auto-sized team is not overloaded.
    assert sum(t.demand_per_week for t in teams) == pytest.approx(scenario.total_reps * role.demand_per_rep_week)
    assert not any(t.overloaded for t in teams)
    assert all(t.utilization <= scenario.assumptions.max_utilization + 1e-9 for t in teams)
    # A team costs its FTE at the stated cost, times where it sits; the other roles' cost does not move.
    index = {r.id: r.cost_index for r in scenario.regions}
    for t in teams:
        assert t.cost_usd_per_year == pytest.approx(t.fte * 130_000 * index[t.location_region])
    row = next(r for r in res.roles if r.role_id == role.id)
    assert res.sales_ops_cost_usd == pytest.approx(evaluate(before).sales_ops_cost_usd + row.cost_usd_per_year)
    assert row.hours_saved_per_rep_week > 0 and row.name == "Partner ops"
    # Twice the cost per FTE: the same team at twice the cost.
    dearer = scenario.with_plan(replace(scenario.plan(role.id), role=replace(role, cost_usd_per_year=260_000)))
    row2 = next(r for r in evaluate(dearer).roles if r.role_id == role.id)
    assert (row2.fte, row2.cost_usd_per_year) == pytest.approx((row.fte, 2 * row.cost_usd_per_year))


def test_a_custom_role_has_its_own_what_ifs():
    scenario = _with_partner()
    table = placement_whatifs(scenario)
    rows = table[table["role_id"] == "custom_partner_ops"]
    assert sorted(rows["alternative"]) == ["hybrid", "localized"]
    assert set(rows["role"]) == {"Partner ops"}
    assert (rows["delta_fte"].abs() > 0).any()  # localizing splits the pooled team: the switch does something


# ---------------------------------------------------------------------- saved, shared, exported, re-imported
@pytest.mark.parametrize("sample", ["midmarket", "enterprise"])
def test_a_custom_role_saves_and_reopens_from_the_database(tmp_path, sample):
    from salesops.store import Store

    scenario = _with_partner(sample, placement="hybrid")
    store = Store(f"sqlite:///{tmp_path / 'roles.db'}")
    try:
        info = store.create(scenario, note="with partner ops")
        back = store.load(info.scenario_id).scenario
    finally:
        store.engine.dispose()
    assert back == scenario and back.plan("custom_partner_ops").role == scenario.plan("custom_partner_ops").role
    assert evaluate(back).headline() == evaluate(scenario).headline()


def test_a_custom_role_travels_in_full_in_a_share_link():
    scenario = _with_partner()
    token = share.encode(scenario)
    assert share.decode(token) == scenario
    carried = [r["role"] for r in share._compact(scenario)["roles"]]
    # Catalog roles travel as their id; the custom one as every figure, so no catalog is needed to open it.
    assert carried[:-1] == [p.role.id for p in scenario.roles[:-1]]
    assert carried[-1] == scenario.plan("custom_partner_ops").role.to_dict()


def test_a_copy_with_new_figures_travels_in_full_too():
    scenario = load_sample("enterprise")
    desk = scenario.plan("deal_desk")
    copy = custom_role(
        "Deal desk LATAM",
        ["deal desk"],
        "leads",
        90_000,
        0.5,
        28,
        8,
        base=desk.role,
        existing=[p.role for p in scenario.roles],
    )
    scenario = scenario.with_plan(replace(desk, role=copy, placement="localized"))
    assert share.decode(share.encode(scenario)) == scenario


def test_a_custom_role_exports_to_the_scenario_file_and_reimports_equal():
    scenario = _with_partner()
    text = scenario.to_json()
    assert json.loads(text)["roles"][-1]["role"]["name"] == "Partner ops"
    again = load_scenario_file(text.encode("utf-8"))  # the Import org page's path: schema, then the model
    assert again == scenario
    assert evaluate(again).headline() == evaluate(scenario).headline()


# ------------------------------------------------------------------------------------------ the page
def _texts(elements) -> list[str]:
    return [plain(str(e.value)) for e in elements]


def _fill(at, **values) -> None:
    for field, value in values.items():
        key = form_key(field)
        if field == "name":
            at.text_input(key=key).set_value(value)
        elif field == "functions":
            at.multiselect(key=key).set_value(value)
        elif field == "relation":
            at.radio(key=key).set_value(value)
        elif field == "urgency_choice":
            at.selectbox(key=key).set_value(value)
        elif field == "local_knowledge_sensitivity":
            at.slider(key=key).set_value(value)
        else:
            at.number_input(key=key).set_value(value)
    at.run()
    assert not at.exception, at.exception


def _add(at) -> None:
    at.button(key="roles:add_custom").click().run()
    assert not at.exception, at.exception


@pytest.mark.parametrize("sample", ["midmarket", "enterprise"])
def test_a_sample_with_every_catalog_role_can_still_add_one(sample):
    at = app()
    at.selectbox(key="scenario:sample").set_value(sample).run()
    goto(at, DESIGNER)
    assert {p.role.id for p in at.session_state["scenario"].roles} == set(load_catalog())
    assert at.selectbox(key="roles:add_choice").options == ["A role of your own…", "A copy of a role in this scenario…"]
    assert at.selectbox(key="roles:add_choice").value == NEW
    assert not at.button(key="roles:add_custom").disabled


def test_the_org_designer_shows_the_headline_strip():
    at = goto(app(), DESIGNER)
    assert [m.label for m in at.main.metric][: len(HEADLINE)] == [m.label for m in HEADLINE]


def test_adding_a_role_of_your_own_is_one_undoable_step_seen_in_the_headline():
    at = goto(app(), DESIGNER)
    before = at.session_state["scenario"]
    cost_before = next(m.value for m in at.metric if m.label == "Sales-ops cost")
    _fill(
        at,
        name="Partner ops",
        functions=["partner deals", "deal desk"],
        cost_usd_per_year=130_000.0,
        demand_per_rep_week=0.2,
        service_rate_per_fte_week=20.0,
        urgency_choice="Within a few days",
    )
    assert at.number_input(key=form_key("urgency_hours")).value == URGENCY_CHOICES["Within a few days"] == 24
    _add(at)
    scenario = at.session_state["scenario"]
    assert scenario.roles[:-1] == before.roles
    assert scenario.roles[-1].role == _partner(before)  # what the helper makes of the same figures
    assert not at.error
    assert "**Partner ops**" in _texts(at.markdown)  # its card in the role list
    assert [b.label for b in at.button if b.key == "remove:custom_partner_ops"] == ["Remove Partner ops"]
    assert "Last change: Added role Partner ops" in _texts(at.sidebar.caption)
    assert "Change from the last action: Added role Partner ops." in _texts(at.main.caption)
    cost_after = next(m for m in at.metric if m.label == "Sales-ops cost")
    assert cost_after.value != cost_before and cost_after.delta.startswith("+$")
    at.sidebar.button(key="sidebar:undo").click().run()
    assert at.session_state["scenario"] == before


def test_copying_a_role_starts_from_its_figures_and_place():
    at = goto(app(), DESIGNER)
    at.segmented_control(key="placement:deal_desk").set_value("Hybrid").run()
    before = at.session_state["scenario"]
    at.selectbox(key="roles:add_choice").set_value(COPY).run()
    at.selectbox(key=form_key("copy_from")).set_value("deal_desk").run()
    desk = before.plan("deal_desk").role
    assert at.text_input(key=form_key("name")).value == "Deal desk (copy)"
    assert at.number_input(key=form_key("cost_usd_per_year")).value == desk.cost_usd_per_year
    assert at.multiselect(key=form_key("functions")).value == list(desk.functions)
    assert any("stays with the original" in t for t in _texts(at.caption))
    _fill(at, name="Deal desk EMEA", cost_usd_per_year=110_000.0)
    _add(at)
    added = at.session_state["scenario"].roles[-1]
    assert added.role.name == "Deal desk EMEA" and added.role.id not in {p.role.id for p in before.roles}
    assert (added.role.cost_usd_per_year, added.role.functions) == (110_000, desk.functions)
    assert added.placement == "hybrid" and added.sizing == "auto"
    assert "Last change: Added role Deal desk EMEA (a copy of Deal desk)" in _texts(at.sidebar.caption)


@pytest.mark.parametrize(
    ("values", "words"),
    [
        ({"name": ""}, "Role name must not be blank"),
        ({"name": "deal desk"}, "Role name: the scenario already has a role called 'Deal desk'"),
        ({"name": "Partner ops", "functions": []}, "Functions it covers: name at least one"),
        (
            {"name": "Partner ops", "demand_per_rep_week": 100.0, "service_rate_per_fte_week": 0.01},
            "Requests per rep per week and Requests one FTE handles per week",
        ),
    ],
)
def test_a_refused_value_names_the_field_and_changes_nothing(values, words):
    at = goto(app(), DESIGNER)
    before = at.session_state["scenario"]
    _fill(at, **{"functions": ["partner deals"], **values})
    _add(at)
    assert at.session_state["scenario"] == before
    errors = _texts(at.error)
    assert len(errors) == 1 and words in errors[0] and "The scenario is unchanged" in errors[0], errors
    if "FTE" in words:  # the bound, in numbers the room can check
        assert f"{before.total_reps:,} reps would need about" in errors[0] and f"{MAX_ROLE_FTE:,}" in errors[0]
    at.run()  # the message is for the refused attempt only
    assert not at.error


def test_a_read_only_view_disables_adding_copying_and_removing():
    at = app()
    at.session_state["persist:readonly"] = True
    goto(at, DESIGNER)
    assert at.selectbox(key="roles:add_choice").disabled
    form = [
        w
        for kind in ("text_input", "multiselect", "number_input", "radio", "slider", "selectbox")
        for w in getattr(at, kind)
    ]
    mine = [w for w in form if str(w.key).startswith("role_form:")]
    assert len(mine) >= 9 and all(w.disabled for w in mine)
    assert at.button(key="roles:add_custom").disabled
    removes = [b for b in at.button if str(b.key).startswith("remove:")]
    assert len(removes) == 6 and all(b.disabled for b in removes)


ROOT = Path(__file__).resolve().parent.parent
PAGES = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "pages").glob("*.py"))


@pytest.mark.parametrize("page", PAGES)
def test_every_page_shows_a_scenario_with_a_custom_role(page):
    scenario = _with_partner("enterprise", placement="hybrid")
    at = app()
    at.session_state["scenario"] = scenario
    goto(at, page)
    assert not at.error, (page, _texts(at.error))
    assert at.session_state["scenario"] == scenario
