"""Classification rules in plain words, the time limit, flagged rows and the page's rules and reclassification.

The pure logic is tested directly; the page's parts (:mod:`salesops.ui.import_rules`) through AppTest with a
small harness that imports a 300-person file where 12 reps have the title "Growth Partner", which no default
rule knows.
"""

from __future__ import annotations

import csv
import io
import time

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from salesops.model import limits
from salesops.readwrite import hris
from salesops.readwrite.hris import Rule, RuleError, classify, load_rules
from salesops.readwrite.hris import rules as rules_module
from salesops.readwrite.hris.flags import BLANK_TITLE, BY_DEPARTMENT, NO_RULE, OPS_WITHOUT_ROLE, OTHER_IN_SALES, flags
from salesops.readwrite.hris.rules import match_all, rule_to_dict, rules_from_dicts
from salesops.ui import import_rules
from salesops.ui.text import plain
from tests.orgfiles import hris_csv_with_cities

RULES = load_rules()
GROWTH = "Growth Partner"
N_GROWTH = 12


def growth_partner_csv() -> str:
    """The 300-person export with the first 12 "Account Executive" rows retitled "Growth Partner"."""
    rows = list(csv.reader(io.StringIO(hris_csv_with_cities(300))))
    header, body = rows[0], rows[1:]
    title = header.index("Business Title")
    renamed = 0
    for row in body:
        if row[title] == "Account Executive" and renamed < N_GROWTH:
            row[title] = GROWTH
            renamed += 1
    assert renamed == N_GROWTH
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([header, *body])
    return out.getvalue()


def _import(rules=None, overrides=None) -> hris.ImportResult:
    raw = hris.read_table(growth_partner_csv().encode(), "org.csv")
    return hris.build_import(raw, hris.guess_mapping(raw.frame.columns), rules or RULES, kind_overrides=overrides)


# --------------------------------------------------------------------------
# Plain rules
# --------------------------------------------------------------------------
@pytest.mark.parametrize(
    "match, text, title, expected",
    [
        ("contains", "growth partner", "Senior GROWTH   partner, EMEA", True),
        ("contains", "growth partner", "Growth\u00a0Partner", True),  # a no-break space is a space
        ("contains", "growth partner", "Growth Partnerships Lead", True),  # contains means contains
        ("contains", "growth partner", "Partner, Growth", False),
        ("equals", "growth partner", "  Growth Partner ", True),
        ("equals", "growth partner", "Growth Partner II", False),
        ("starts_with", "sales ops", "Sales  Ops Analyst", True),
        ("starts_with", "sales ops", "Head of Sales Ops", False),
        ("contains", "c++", "C++ Developer", True),  # no regular expression: + is a plus
        ("contains", "a.b", "axb", False),  # and . is a dot
        ("equals", ".*", "anything", False),
    ],
)
def test_plain_rules_compare_text_ignoring_case_and_spaces(match, text, title, expected):
    rule = Rule(10, "title", "", "rep", match=match, text=text)
    assert rule.matches(title, "") is expected
    assert classify(title, "", [rule]) == (("rep", "") if expected else ("other", ""))


def test_a_plain_rule_looks_where_its_field_says():
    by_title = Rule(10, "title", "", "rep", match="equals", text="partner")
    by_department = Rule(10, "department", "", "rep", match="equals", text="partner")
    either = Rule(10, "any", "", "rep", match="equals", text="partner")
    assert (by_title.matches("Partner", "x"), by_title.matches("x", "Partner")) == (True, False)
    assert (by_department.matches("Partner", "x"), by_department.matches("x", "Partner")) == (False, True)
    assert (either.matches("Partner", "x"), either.matches("x", "Partner"), either.matches("x", "y")) == (
        True,
        True,
        False,
    )


def test_a_plain_rule_sees_the_first_characters_of_a_title_like_a_pattern_does():
    rule = Rule(10, "title", "", "rep", match="contains", text="partner")
    assert rule.matches("x" * (limits.MAX_TITLE_CHARS - 7) + "partner", "")
    assert not rule.matches("x" * limits.MAX_TITLE_CHARS + "partner", "")
    with pytest.raises(RuleError, match=r"rule 10 .*text has 201 characters"):
        Rule(10, "title", "", "rep", match="contains", text="y" * (limits.MAX_TITLE_CHARS + 1))


def test_rules_read_in_words():
    assert Rule(1, "title", "", "rep", match="contains", text="growth partner").words == (
        'title contains "growth partner" -> rep'
    )
    assert Rule(1, "department", "", "sales_ops", "deal_desk", match="starts_with", text="sales ops").words == (
        'department starts with "sales ops" -> sales ops (Deal desk)'
    )
    assert Rule(1, "any", r"\bvp\b", "leader", note="vps").words == (
        'title or department matches the pattern "\\bvp\\b" -> leader'
    )


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"match": "like", "text": "x"}, "rule 5: match must be one of contains, equals, starts_with, pattern"),
        ({"match": "contains", "text": "   "}, 'rule 5 (title contains ""): text must not be blank'),
        ({"match": "contains", "text": "x", "pattern": "x"}, "a 'contains' rule takes a text, not a pattern"),
        ({"match": "pattern", "text": "x", "pattern": "x"}, "a pattern rule takes a pattern, not a text"),
    ],
)
def test_bad_plain_rules_are_refused_naming_the_rule_and_the_field(kwargs, message):
    pattern = kwargs.pop("pattern", "")
    with pytest.raises(RuleError) as info:
        Rule(5, "title", pattern, "rep", **kwargs)
    assert message in str(info.value)


def test_rules_from_dicts_try_the_rules_in_list_order_and_name_a_bad_one_by_position():
    items = [
        {"field": "title", "match": "contains", "text": "partner", "kind": "rep"},
        {"field": "title", "match": "contains", "text": "growth", "kind": "manager"},
    ]
    assert classify(GROWTH, "", rules_from_dicts(items)) == ("rep", "")
    assert classify(GROWTH, "", rules_from_dicts(items[::-1])) == ("manager", "")
    assert [r.priority for r in rules_from_dicts(items)] == [10, 20]
    # round trip through the page's dicts
    assert rules_from_dicts([rule_to_dict(r) for r in RULES]) == [
        Rule(10 * i, r.field, r.pattern, r.kind, r.role_id, r.note) for i, r in enumerate(RULES, start=1)
    ]
    with pytest.raises(RuleError, match=r"^rule 2 \(title contains \"\"\): text must not be blank$"):
        rules_from_dicts([items[0], {"field": "title", "match": "contains", "text": "", "kind": "rep"}])
    with pytest.raises(RuleError, match="^201 classification rules; the limit is 200$"):
        rules_from_dicts(items * 100 + items[:1])


def test_an_old_rules_file_without_match_reads_as_pattern_rules_and_the_defaults_are_unchanged(tmp_path):
    with rules_module.RULES_PATH.open(encoding="utf-8") as fh:
        records = list(csv.DictReader(fh))
    assert {r["match"] for r in records} == {"pattern"} and {r["text"] for r in records} == {""}
    old = tmp_path / "old_rules.csv"
    columns = ["priority", "field", "pattern", "kind", "role_id", "note"]
    with old.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(records)
    assert load_rules(old) == RULES
    titles = [line.split(",")[2] for line in hris.example_csv(300).splitlines()[1:]]
    assert [classify(t, "", load_rules(old)) for t in titles] == [classify(t, "", RULES) for t in titles]
    # and a rules file with plain rules reads back as written
    mixed = [Rule(5, "title", "", "rep", note="ours", match="equals", text=GROWTH), *RULES]
    path = tmp_path / "mixed.csv"
    hris.rules_frame(mixed).to_csv(path, index=False)
    assert load_rules(path) == mixed


# --------------------------------------------------------------------------
# Safety and the time limit
# --------------------------------------------------------------------------
@pytest.mark.parametrize(
    "pattern, reason",
    [(r"(\w+)\1", "invalid escape sequence"), (r"partner(?!ship)", "invalid perl operator"), ("a" * 1_001, "1,001")],
)
def test_an_unsafe_pattern_is_refused_naming_the_rule_and_why(pattern, reason):
    with pytest.raises(RuleError) as info:
        rules_from_dicts(
            [{"field": "title", "match": "contains", "text": "ae", "kind": "rep"}] * 2
            + [{"field": "title", "pattern": pattern, "kind": "rep"}]
        )
    message = str(info.value)
    assert message.startswith("rule 3 (") and reason in message, message


def test_a_catastrophic_pattern_over_2000_long_titles_classifies_within_a_second():
    rule = Rule(1, "title", "(a+)+$", "rep")  # exponential with a backtracking engine
    titles = [f"{i:04d}" + "a" * 5_000 + "b" for i in range(2_000)]  # all distinct: no cache helps
    started = time.perf_counter()
    try:
        matched = match_all(titles, [""] * len(titles), [rule, *RULES])
    except RuleError as exc:  # stopped: then with the message the page shows
        assert "time limit of 1 s" in str(exc) and "nothing was changed" in str(exc)
    else:
        # the rules see the first 200 characters: digits then a's, which the pattern matches at the end
        assert {m.kind if m else None for m in matched} == {"rep"}
    assert time.perf_counter() - started < 1.5


def test_past_its_time_limit_classification_stops_naming_a_rule_and_changes_nothing(monkeypatch):
    rules = [Rule(1, "title", "(a+)+$", "rep"), *RULES]
    before = list(rules)
    titles = [f"title {i}" for i in range(1_000)]
    clock = iter(range(1_000_000))
    monkeypatch.setattr(rules_module.time, "perf_counter", lambda: float(next(clock)))  # 1 s per reading
    with pytest.raises(RuleError) as info:
        match_all(titles, [""] * len(titles), rules, time_limit=1)
    message = str(info.value)
    # the clock reads 0 at the start (limit at 1), 1 after 256 distinct titles (not past), 2 after 512
    assert message.startswith("classification stopped: past its time limit of 1 s after 512 of 1,000 rows")
    assert "while rule " in message and "nothing was changed (the previous rules stay in force)" in message
    assert rules == before
    monkeypatch.undo()
    assert len(match_all(titles, [""] * len(titles), rules)) == len(titles)
    with pytest.raises(RuleError, match="time_limit must be between 0 and 60 seconds"):
        match_all(titles, titles, rules, time_limit=0)


def test_match_all_agrees_with_the_import():
    result = _import()
    table = result.classification
    matched = match_all(table["title"].tolist(), table["department"].tolist(), RULES)
    assert [m.kind if m else "other" for m in matched] == table["kind"].tolist()
    assert [m.label if m else "no rule matched" for m in matched] == table["rule"].tolist()


# --------------------------------------------------------------------------
# Flagged rows
# --------------------------------------------------------------------------
def test_flags_give_each_reason_in_words():
    table = pd.DataFrame(
        {
            "title": ["Account Executive", GROWTH, "", "Analyst", "Ops person", "Recruiter"],
            "department": ["Sales", "Sales EMEA", "Sales", "Deal Desk", "Sales Operations", "People"],
            "kind": ["rep", "other", "other", "sales_ops", "sales_ops", "other"],
            "role_id": ["", "", "", "deal_desk", "", ""],
            "rule": [
                classify_label("Account Executive", "Sales"),
                "no rule matched",
                "no rule matched",
                classify_label("Analyst", "Deal Desk"),
                "kind column",
                "no rule matched",
            ],
        },
        index=[10, 11, 12, 13, 14, 15],
    )
    got = flags(table)
    assert got.index.tolist() == table.index.tolist()
    assert got.tolist() == [
        "",
        f"{OTHER_IN_SALES}; {NO_RULE}",
        f"{OTHER_IN_SALES}; {BLANK_TITLE}",
        BY_DEPARTMENT,
        OPS_WITHOUT_ROLE,
        NO_RULE,
    ]
    with pytest.raises(ValueError, match="no column"):
        flags(table.drop(columns="rule"))


def classify_label(title: str, department: str) -> str:
    return match_all([title], [department], RULES)[0].label


def test_the_growth_partners_of_the_test_file_are_flagged():
    table = _import().classification
    reasons = flags(table).set_axis(table["id"])
    growth_ids = table.loc[table["title"] == GROWTH, "id"]
    assert len(growth_ids) == N_GROWTH
    assert set(reasons[growth_ids]) == {f"{OTHER_IN_SALES}; {NO_RULE}"}
    # nothing the default rules recognised is flagged as "no rule matched"
    assert not reasons[table.set_index("id")["rule"] != "no rule matched"].str.contains(NO_RULE).any()


# --------------------------------------------------------------------------
# The page: rules list and classification table
# --------------------------------------------------------------------------
def _harness() -> None:
    import streamlit as st

    from salesops.readwrite import hris
    from salesops.ui.import_rules import checked_rules, render_classification, render_rules
    from tests.test_import_rules import growth_partner_csv

    raw = hris.read_table(growth_partner_csv().encode(), "org.csv")
    titles, departments = raw.frame["Business Title"].tolist(), raw.frame["Supervisory Organization"].tolist()
    rules = checked_rules(render_rules(), titles, departments)
    overrides = st.session_state.setdefault("import:overrides", {})
    result = hris.build_import(raw, hris.guess_mapping(raw.frame.columns), rules, kind_overrides=overrides or None)
    st.session_state["harness:kinds"] = dict(zip(result.classification["id"], result.classification["kind"]))
    render_classification(result, rules)


def _page() -> AppTest:
    at = AppTest.from_function(_harness, default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    return at


def _rules_shown(at: AppTest) -> list[str]:
    return [m.value for m in at.markdown if m.value.startswith("**") and m.value[2:3].isdigit()]


def _growth_ids() -> list[str]:
    table = _import().classification
    return table.loc[table["title"] == GROWTH, "id"].tolist()


def test_a_rule_added_by_the_form_applies_to_the_import():
    at = _page()
    n = len(at.session_state["import:rules_list"])
    assert len(_rules_shown(at)) == n == len(RULES)
    assert {at.session_state["harness:kinds"][i] for i in _growth_ids()} == {"other"}
    at.text_input(key="import:add_rule:text").input("growth  partner")
    at.selectbox(key="import:add_rule:kind").set_value("rep")
    at.button(key="FormSubmitter:import:add_rule-Add the rule").click().run()
    assert not at.exception, at.exception
    rules = at.session_state["import:rules_list"]
    assert len(rules) == n + 1 and rules[-1]["match"] == "contains" and rules[-1]["text"] == "growth partner"
    assert 'title contains "growth partner" -> rep' in plain(at.success[0].value)
    assert {at.session_state["harness:kinds"][i] for i in _growth_ids()} == {"rep"}
    assert len(_rules_shown(at)) == n + 1


@pytest.mark.parametrize(
    "fill, field",
    [
        ({}, "Text:"),
        ({"import:add_rule:text": "ops", "import:add_rule:kind": "sales_ops"}, "Sales-ops role:"),
        ({"import:add_rule:pattern": r"(a)\1"}, "Pattern:"),
        ({"import:add_rule:pattern": "x", "import:add_rule:text": "x"}, "Text and Pattern:"),
    ],
)
def test_a_bad_rule_is_refused_naming_the_field_and_the_list_stays(fill, field):
    at = _page()
    before = list(at.session_state["import:rules_list"])
    for key, value in fill.items():
        if key.endswith("kind"):
            at.selectbox(key=key).set_value(value)
        else:
            at.text_input(key=key).input(value)
    at.button(key="FormSubmitter:import:add_rule-Add the rule").click().run()
    assert not at.exception, at.exception
    assert at.session_state["import:rules_list"] == before
    assert [e.value for e in at.error] and field in plain(at.error[0].value), [e.value for e in at.error]


def test_up_moves_a_rule_earlier_and_reset_brings_the_defaults_back():
    at = _page()
    first, second = at.session_state["import:rules_list"][:2]
    at.button(key="import:rule_up:1").click().run()
    assert at.session_state["import:rules_list"][:2] == [second, first]
    assert at.button(key="import:rule_up:0").disabled
    at.button(key="import:rule_remove:0").click().run()
    assert at.session_state["import:rules_list"][0] == first
    assert len(at.session_state["import:rules_list"]) == len(RULES) - 1
    at.button(key="import:rules_reset").click().run()
    assert at.session_state["import:rules_list"] == [rule_to_dict(r) for r in RULES]


def test_the_flagged_filter_shows_only_flagged_and_unclassified_rows():
    at = _page()
    assert len(at.dataframe[0].value) == 300
    at.segmented_control(key="import:class_filter").set_value("Flagged and unclassified only").run()
    shown = at.dataframe[0].value
    table = _import().classification
    expected = set(table.loc[(flags(table) != "") | (table["kind"] == "other"), "id"])
    assert set(shown["id"]) == expected and len(shown) == len(expected) < 300
    assert (shown["why look"] != "").all()
    assert set(_growth_ids()) <= set(shown["id"])


def test_selected_growth_partners_are_reclassified_as_reps_in_one_action_with_a_rule():
    at = _page()
    at.text_input(key="import:class_search").input(GROWTH).run()
    table = at.dataframe[0]
    assert set(table.value["title"]) == {GROWTH} and len(table.value) == N_GROWTH
    at.session_state[table.key] = {"selection": {"rows": list(range(N_GROWTH)), "columns": [], "cells": []}}
    at.run()
    at.selectbox(key="import:reclass_kind").set_value("rep").run()
    at.checkbox(key="import:reclass_rule").check().run()
    go = at.button(key="import:reclass_go")
    assert go.label == f"Reclassify {N_GROWTH} selected as rep"
    go.click().run()
    assert not at.exception, at.exception
    growth = _growth_ids()
    assert at.session_state["import:overrides"] == {pid: ("rep", "") for pid in growth}
    assert at.session_state["import:rules_list"][0]["text"] == GROWTH
    assert at.session_state["import:rules_list"][0]["match"] == "equals"
    assert {at.session_state["harness:kinds"][i] for i in growth} == {"rep"}
    # the rule alone (without the corrections) classifies them too
    rules = rules_from_dicts(at.session_state["import:rules_list"])
    assert {classify(GROWTH, "Sales", rules)} == {("rep", "")}


def test_rules_past_the_time_limit_are_not_applied_and_the_last_good_ones_stay(monkeypatch):
    at = _page()
    at.text_input(key="import:add_rule:text").input(GROWTH)
    at.button(key="FormSubmitter:import:add_rule-Add the rule").click().run()
    assert {at.session_state["harness:kinds"][i] for i in _growth_ids()} == {"rep"}
    # now any classification is too slow: one clock reading per title, a limit of a nanosecond
    monkeypatch.setattr(rules_module, "CHECK_EVERY", 1)
    monkeypatch.setattr(import_rules, "TIME_LIMIT", 1e-9)
    at.text_input(key="import:add_rule:text").input("Recruiter")  # 'other' today; this rule would make them reps
    at.button(key="FormSubmitter:import:add_rule-Add the rule").click().run()
    assert not at.exception, at.exception
    message = plain(at.error[0].value)
    assert message.startswith("Rules not applied: classification stopped: past its time limit") and (
        "nothing was changed" in message and "while rule " in message
    ), message
    kinds = at.session_state["harness:kinds"]
    assert {kinds[i] for i in _growth_ids()} == {"rep"}  # the rule added before still applies
    table = _import().classification
    recruiters = table.loc[table["title"] == "Recruiter", "id"]
    assert len(recruiters) > 0 and {kinds[i] for i in recruiters} == {"other"}  # the new rule does not
