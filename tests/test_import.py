"""Importing an HRIS export (salesops.readwrite.hris) and the ``import`` / ``export`` commands."""

from __future__ import annotations

import io
import json
import random
from pathlib import Path

import networkx as nx
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from salesops.model.metrics import METRIC
from salesops.readwrite import hris
from salesops.cli import main
from salesops.readwrite.export import to_csv
from salesops.readwrite.hris import (
    FIELDS,
    ImportProblem,
    ImportRejected,
    MappingError,
    Rule,
    RuleError,
    build_import,
    classify,
    example_csv,
    guess_mapping,
    load_rules,
    override_mapping,
    parse_amount,
    read_table,
)
from salesops.model import evaluate
from salesops.model.org import OPS_HEAD_ID, build_org, org_summary
from salesops.model.roles import load_catalog
from salesops.model.samples import load_sample
from salesops.model.scenario import Scenario

CORPUS = Path(__file__).resolve().parent / "import_corpus"
MANIFEST: dict[str, dict] = json.loads((CORPUS / "manifest.json").read_text(encoding="utf-8"))
RULES = load_rules()


def read(text: str | bytes, filename: str = "people.csv") -> hris.RawTable:
    return read_table(text.encode("utf-8") if isinstance(text, str) else text, filename)


def imp(text: str | bytes, filename: str = "people.csv", overrides: dict | None = None, **options) -> hris.ImportResult:
    raw = read(text, filename)
    mapping = guess_mapping(raw.frame.columns)
    if overrides:
        mapping = override_mapping(mapping, raw.frame.columns, overrides)
    return build_import(raw, mapping, RULES, **options)


def rejected(text: str | bytes, **options) -> str:
    with pytest.raises(ImportRejected) as info:
        imp(text, **options)
    return str(info.value)


def csv_of(rows: list[list[str]]) -> str:
    return "\n".join(",".join(r) for r in rows) + "\n"


HEADER = ["Employee ID", "Name", "Manager ID", "Title", "Region", "Salary"]
SMALL = [
    HEADER,
    ["E1", "Ann", "", "Chief Revenue Officer", "New York", "300000"],
    ["E2", "Bob", "E1", "VP Sales Operations", "New York", "250000"],
    ["E3", "Cy", "E2", "Sales Operations Analyst", "New York", "120000"],
    ["E4", "Di", "E2", "Sales Operations Analyst", "New York", "140000"],
    ["E5", "Ed", "E1", "Head of EMEA Sales", "London", "220000"],
    ["E6", "Fay", "E5", "Sales Manager", "London", "150000"],
    ["E7", "Gus", "E6", "Account Executive", "London", "100000"],
    ["E8", "Hal", "E6", "SDR", "London", "60000"],
    ["E9", "Ida", "E5", "Deal Desk Analyst", "London", "110000"],
    ["E10", "Jo", "E9", "Pricing Analyst", "London", "90000"],
    ["E11", "Kim", "E1", "Recruiter", "New York", "80000"],
    ["E12", "Lu", "E11", "Account Executive", "New York", "100000"],
]


# --------------------------------------------------------------------------
# The corpus of malformed and messy files
# --------------------------------------------------------------------------
def test_corpus_is_big_enough_and_listed():
    files = {p.name for p in CORPUS.iterdir() if p.name != "manifest.json"}
    assert files == set(MANIFEST), "every corpus file has a manifest entry and the reverse"
    assert sum(1 for v in MANIFEST.values() if v["expect"] == "error") >= 30
    assert {n for n in files if n.endswith(".xlsx")} >= {"good.xlsx", "duplicate_id.xlsx"}


@pytest.mark.parametrize("name", sorted(MANIFEST))
def test_corpus_file(name):
    spec = MANIFEST[name]
    data = (CORPUS / name).read_bytes()
    options = spec.get("options", {})
    raw = None
    if spec["expect"] == "error":
        with pytest.raises(ImportRejected) as info:
            raw = read_table(data, name)
            before = raw.frame.copy()
            build_import(raw, guess_mapping(raw.frame.columns), RULES, **options)
        text = str(info.value)
        assert spec["contains"] in text, text
        assert "Traceback" not in text
        assert 1 <= len(info.value.problems) <= hris.MAX_PROBLEMS
        if raw is not None:  # all or nothing: the table read is left as it was
            pd.testing.assert_frame_equal(raw.frame, before)
        return
    raw = read_table(data, name)
    result = build_import(raw, guess_mapping(raw.frame.columns), RULES, **options)
    if spec["expect"] == "warning":
        assert any(spec["contains"] in w for w in result.warnings), result.warnings
    scenario = result.scenario
    scenario.check_positions()
    ops = sum(1 for k in result.classification["kind"] if k == "sales_ops")
    # Sales-ops people stay in the positions, with their reporting lines.
    assert sum(1 for p in scenario.positions if p.kind == "sales_ops") == ops
    assert len(scenario.positions) - (1 if result.summary["virtual_root"] else 0) == spec["people"]
    positions = {p.id: p for p in scenario.positions}
    for pid, name_ in spec.get("names", {}).items():
        assert positions[pid].name == name_
    for pid, kind in spec.get("kinds", {}).items():
        assert positions[pid].kind == kind
    for pid, manager in spec.get("managers", {}).items():
        assert positions[pid].manager_id == manager
    for pid, cost in spec.get("costs", {}).items():
        assert positions[pid].cost_usd_per_year == cost
    res = evaluate(scenario)
    assert res.reps == sum(1 for p in scenario.positions if p.kind == "rep")
    assert Scenario.from_json(scenario.to_json()) == scenario


def test_rejection_lists_up_to_twenty_problems_with_rows():
    rows = [HEADER, SMALL[1]] + [[f"R{i}", f"Rep {i}", f"M{i}", "SDR", "London", "1"] for i in range(30)]
    with pytest.raises(ImportRejected) as info:
        imp(csv_of(rows))
    exc = info.value
    assert exc.total == 30 and len(exc.problems) == 20
    assert exc.problems[0] == ImportProblem(3, "Manager ID", "manager 'M0' does not exist")
    lines = str(exc).splitlines()
    assert lines[0] == "row 3, column 'Manager ID': manager 'M0' does not exist"
    assert lines[-1] == "... and 10 more problems"


def test_duplicate_ids_name_both_rows_and_problems_come_in_row_order():
    rows = SMALL + [["E3", "Cy again", "E2", "SDR", "London", "1"], ["E20", "Zed", "E1", "SDR", "London", "x"]]
    text = rejected(csv_of(rows))
    assert text.splitlines() == [
        "row 14, column 'Employee ID': duplicate employee id 'E3' (also on row 4)",
        "row 15, column 'Salary': cost 'x' is not a number",
    ]


def test_cycles_and_orphans_are_all_reported():
    rows = SMALL + [
        ["C1", "A", "C2", "SDR", "London", "1"],
        ["C2", "B", "C3", "SDR", "London", "1"],
        ["C3", "C", "C1", "SDR", "London", "1"],
        ["O1", "D", "nobody", "SDR", "London", "1"],
    ]
    lines = rejected(csv_of(rows)).splitlines()
    assert "row 14, column 'Manager ID': reporting cycle: C1 -> C2 -> C3 -> C1" in lines
    assert "row 17, column 'Manager ID': manager 'nobody' does not exist" in lines


def test_oversize_file_is_refused_before_reading():
    with pytest.raises(ImportRejected, match=r"^file is 25.3 MB; the limit is 20 MB$"):
        read_table(b"x" * 25_300_000, "big.csv")
    with pytest.raises(ImportRejected, match="the limit is 1 MB"):
        read_table(b"a" * (1_000_000 + 1), "big.csv", max_bytes=1_000_000)


def test_missing_columns_say_which_names_were_looked_for():
    text = rejected("Who,Boss,Job\nE1,,VP Sales\n")
    assert "no employee id column: looked for Employee ID" in text
    assert "Worker ID" in text and "Reports To" in text and "Full Name" in text
    assert len(text.splitlines()) == 3


_CELLS = st.sampled_from(
    [
        "E1",
        "E2",
        "E3",
        "",
        "x",
        "=1+1",
        "'-3",
        "-5",
        "$1,000",
        "50%",
        "VP Sales",
        "SDR",
        "Sales Ops Manager",
        "CRM Administrator",
        "sales_ops",
        "crm_admin",
        "EMEA",
        "é",
        '"',
        ";",
    ]
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.binary(max_size=300)
    | st.lists(st.lists(_CELLS, min_size=1, max_size=8), min_size=0, max_size=8).map(
        lambda rows: "\n".join(
            ",".join(r) for r in [["ID", "Name", "Manager ID", "Title", "Region", "FTE", "kind", "role_id"]] + rows
        ).encode("utf-8")
    )
)
def test_any_input_imports_or_is_rejected_with_reasons(data):
    try:
        raw = read_table(data, "fuzz.csv")
        result = build_import(raw, guess_mapping(raw.frame.columns), RULES, virtual_root=True)
    except ImportRejected as exc:
        assert exc.problems and all(str(p) and "\n" not in str(p) for p in exc.problems)
        return
    result.scenario.check_positions()
    evaluate(result.scenario)


# --------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------
def test_everything_is_read_as_trimmed_strings_with_spreadsheet_rows():
    raw = read("\n ID ; Name ;Manager ID;FTE\n007; Ann  ;;1.0\n\n0070;NA;007;\n")
    assert list(raw.frame.columns) == ["ID", "Name", "Manager ID", "FTE"]
    assert raw.frame.to_dict("records") == [
        {"ID": "007", "Name": "Ann", "Manager ID": "", "FTE": "1.0"},
        {"ID": "0070", "Name": "NA", "Manager ID": "007", "FTE": ""},
    ]
    assert list(raw.frame.index) == [3, 5]  # blank line 1 and 4 still count as rows


def test_delimiters_are_sniffed():
    for delimiter in (",", ";", "\t"):
        raw = read(delimiter.join(["ID", "Name", "Manager ID"]) + "\nE1" + delimiter + '"A, B; C"' + delimiter + "\n")
        assert raw.frame.loc[2, "Name"] == "A, B; C"


def test_excel_sep_line_names_the_delimiter():
    raw = read("sep=;\nID;Name, full;Manager ID\nE1;Ann, B;\n")
    assert list(raw.frame.columns) == ["ID", "Name, full", "Manager ID"]
    assert list(raw.frame.index) == [2]


def test_encodings():
    text = "ID,Name,Manager ID\nE1,Zoë Ångström,\n"
    for data in (
        text.encode("utf-8"),
        b"\xef\xbb\xbf" + text.encode("utf-8"),
        text.encode("utf-16"),
        b"\xfe\xff" + text.encode("utf-16-be"),
    ):
        raw = read_table(data, "x.csv")
        assert list(raw.frame.columns) == ["ID", "Name", "Manager ID"]
        assert raw.frame.loc[2, "Name"] == "Zoë Ångström"
        assert raw.warnings == ()
    raw = read_table(text.encode("cp1252"), "x.csv")
    assert raw.frame.loc[2, "Name"] == "Zoë Ångström"
    assert raw.warnings == ("read as Windows-1252: line 2 is not UTF-8",)


def test_apostrophe_before_a_formula_character_is_removed():
    raw = read("ID,Name,Manager ID\nE1,'=1+1,\nE2,'-x,E1\nE3,'plain,E1\nE4,''@odd,E1\n")
    assert raw.frame["Name"].tolist() == ["=1+1", "-x", "'plain", "'@odd"]


def test_xlsx_numbers_keep_their_digits(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["Employee ID", "Name", "Manager ID", "Salary", "FTE"])
    ws.append(["007", "Ann", None, 120000.0, 1])
    ws.append([8, "Bob", "007", 95000.75, 0.5])
    buffer = io.BytesIO()
    wb.save(buffer)
    raw = read_table(buffer.getvalue(), "people.bin")  # recognised by content, whatever the name
    assert raw.frame.to_dict("records") == [
        {"Employee ID": "007", "Name": "Ann", "Manager ID": "", "Salary": "120000", "FTE": "1"},
        {"Employee ID": "8", "Name": "Bob", "Manager ID": "007", "Salary": "95000.75", "FTE": "0.5"},
    ]


@pytest.mark.parametrize(
    "text, value",
    [
        ("120000", 120000.0),
        ("$120,000", 120000.0),
        ("120.000,50", 120000.5),
        ("€ 95.000", 95000.0),
        ("USD 1,250,000.75", 1250000.75),
        ("1 250 000", 1250000.0),
        ("1'250.5", 1250.5),
        ("0", 0.0),
        ("150000.0", 150000.0),
        ("2,5", 2.5),
    ],
)
def test_amounts(text, value):
    assert parse_amount(text) == value


@pytest.mark.parametrize(
    "text, reason",
    [
        ("abc", "is not a number"),
        ("-5", "is negative"),
        ("(5,000)", "is negative"),
        ("1.2.3,4,5", "is not a number"),
        ("nan", "is not a number"),
        ("$", "is not a number"),
    ],
)
def test_bad_amounts(text, reason):
    with pytest.raises(ValueError, match=reason):
        parse_amount(text)


# --------------------------------------------------------------------------
# Column guessing and --map
# --------------------------------------------------------------------------
@pytest.mark.parametrize(
    "columns, expected",
    [
        (
            [
                "Employee ID",
                "Worker",
                "Business Title",
                "Manager Employee ID",
                "Supervisory Organization",
                "Location",
                "Annual Salary",
                "FTE",
            ],  # Workday
            {
                "id": "Employee ID",
                "name": "Worker",
                "title": "Business Title",
                "manager_id": "Manager Employee ID",
                "department": "Supervisory Organization",
                "location": "Location",
                "cost": "Annual Salary",
                "fte": "FTE",
            },
        ),
        (
            [
                "Employee #",
                "First Name",
                "Last Name",
                "Job Title",
                "Reports To",
                "Department",
                "Location",
                "Division",
                "Pay Rate",
            ],  # BambooHR
            {
                "id": "Employee #",
                "first_name": "First Name",
                "last_name": "Last Name",
                "title": "Job Title",
                "manager_id": "Reports To",
                "department": "Department",
                "location": "Location",
            },
        ),
        (
            [
                "Personnel Number",
                "Employee Name",
                "Position",
                "Manager Personnel Number",
                "Organizational Unit",
                "Country",
                "Base Salary (EUR)",
                "FTE %",
            ],  # SAP
            {
                "id": "Personnel Number",
                "name": "Employee Name",
                "title": "Position",
                "manager_id": "Manager Personnel Number",
                "department": "Organizational Unit",
                "country": "Country",
                "cost": "Base Salary (EUR)",
                "fte": "FTE %",
            },
        ),
        (
            ["id", "parentId", "name", "title", "dept", "office", "sales_region", "salary", "role"],  # a spreadsheet
            {
                "id": "id",
                "manager_id": "parentId",
                "name": "name",
                "title": "title",
                "department": "dept",
                "location": "office",
                "region": "sales_region",
                "cost": "salary",
                "role_id": "role",
            },
        ),
        (
            ["EMPLOYEE_ID", "SUPERVISOR ID", "FULL NAME", "JOB TITLE", "WORK LOCATION", "TOTAL COST", "kind"],
            {
                "id": "EMPLOYEE_ID",
                "manager_id": "SUPERVISOR ID",
                "name": "FULL NAME",
                "title": "JOB TITLE",
                "location": "WORK LOCATION",
                "cost": "TOTAL COST",
                "kind": "kind",
            },
        ),
    ],
)
def test_guess_mapping(columns, expected):
    mapping = guess_mapping(columns)
    assert set(mapping) == set(FIELDS)
    assert {f: c for f, c in mapping.items() if c is not None} == expected


def test_export_columns_are_recognised():
    mapping = guess_mapping(to_csv(load_sample("startup")).splitlines()[0].split(","))
    assert mapping["id"] == "employee_id" and mapping["cost"] == "cost_usd_per_year"
    assert all(
        mapping[f] == f
        for f in (
            "manager_id",
            "name",
            "title",
            "department",
            "region",
            "kind",
            "role_id",
            "fte",
            "tz_offset_hours",
            "market_complexity",
            "cost_index",
        )
    )


def test_map_overrides_replace_guesses():
    text = "Emp,Boss,Full Name,Job Title,City,Region\nA,,Ann,VP Sales,Paris,EMEA\nB,A,Bob,SDR,Lyon,EMEA\n"
    with pytest.raises(ImportRejected, match="no employee id column"):
        imp(text)
    result = imp(text, overrides={"Emp": "id", "Boss": "manager_id", "Region": "", "City": "region"})
    assert [(p.id, p.manager_id, p.region) for p in result.scenario.positions] == [
        ("A", None, "paris"),
        ("B", "A", "lyon"),
    ]
    assert result.summary["mapping"]["region"] == "City"
    # case-insensitive column names; an unknown field or column is named
    columns = ["Emp", "Boss"]
    assert override_mapping(guess_mapping(columns), columns, {"emp": "id"})["id"] == "Emp"
    with pytest.raises(MappingError, match="unknown field 'salary' for column 'Emp'"):
        override_mapping(guess_mapping(columns), columns, {"Emp": "salary"})
    with pytest.raises(MappingError, match="unknown column 'Nope'; the file's columns are: 'Emp', 'Boss'"):
        override_mapping(guess_mapping(columns), columns, {"Nope": "id"})


def test_mapping_to_a_missing_column_is_a_problem():
    raw = read(csv_of(SMALL))
    mapping = dict(guess_mapping(raw.frame.columns), title="Job")
    with pytest.raises(ImportRejected, match="column 'Job': mapped to 'title' but the file has no such column"):
        build_import(raw, mapping, RULES)


# --------------------------------------------------------------------------
# Classification
# --------------------------------------------------------------------------
CLASSES = [
    *[
        (t, ("rep", ""))
        for t in (
            "Account Executive",
            "Sales Representative",
            "Senior AE",
            "SDR",
            "Business Development Representative",
            "Inside Sales Rep",
        )
    ],
    *[(t, ("manager", "")) for t in ("Sales Manager", "Regional Sales Manager", "Team Lead, Sales")],
    *[
        (t, ("leader", ""))
        for t in (
            "VP Sales",
            "Chief Revenue Officer",
            "Head of EMEA Sales",
            "Director of Sales",
            "VP Sales Operations",
            "Director, Revenue Operations",
            "Head of Sales Ops",
        )
    ],
    ("Sales Operations Analyst", ("sales_ops", "analytics")),
    ("Revenue Operations Manager", ("sales_ops", "analytics")),
    ("Sales Ops Manager", ("sales_ops", "analytics")),
    ("CRM Administrator", ("sales_ops", "crm_admin")),
    ("Salesforce Admin", ("sales_ops", "crm_admin")),
    ("Deal Desk Analyst", ("sales_ops", "deal_desk")),
    ("Pricing Analyst", ("sales_ops", "deal_desk")),
    ("Marketing Operations Manager", ("sales_ops", "marketing_ops")),
    ("Sales Enablement Manager", ("sales_ops", "enablement")),
    ("Sales Trainer", ("sales_ops", "enablement")),
    ("Compensation Analyst", ("sales_ops", "planning")),
    ("Territory Planning Manager", ("sales_ops", "planning")),
    ("Quota Analyst", ("sales_ops", "planning")),
    *[
        (t, ("other", ""))
        for t in ("Marketing Representative", "Marketing Manager", "Software Engineer", "Recruiter", "CFO")
    ],
]


@pytest.mark.parametrize("title, expected", CLASSES, ids=[c[0] for c in CLASSES])
def test_classification(title, expected):
    assert classify(title, "", RULES) == expected
    assert classify(title.upper(), "", RULES) == expected  # case-insensitive
    assert classify(f"  {title.lower()}  ", "", RULES) == expected


def test_heads_of_sales_ops_are_recognised_by_the_org_chart():
    from salesops.model.org import _is_ops_title
    from salesops.model.positions import Position

    for title in ("VP Sales Operations", "Director, Revenue Operations", "Head of Sales Ops"):
        assert _is_ops_title(Position("x", "X", "leader", title=title))


def test_department_decides_when_the_title_does_not():
    assert classify("Analyst", "Sales Operations", RULES) == ("sales_ops", "analytics")
    assert classify("Specialist", "Deal Desk", RULES) == ("sales_ops", "deal_desk")
    assert classify("Analyst", "Finance", RULES) == ("other", "")


def test_rules_are_editable():
    rules = load_rules()
    assert load_rules() == rules and load_rules() is not rules  # a fresh list each time
    frame = hris.rules_frame(rules)
    assert hris.rules_from_frame(frame) == rules
    rules.insert(0, Rule(1, "title", r"\bsolutions? engineer\b", "rep", "", "our SEs carry quota"))
    assert classify("Solutions Engineer", "", rules) == ("rep", "")
    assert classify("Solutions Engineer", "", load_rules()) == ("other", "")
    with pytest.raises(RuleError, match="kind must be one of"):
        Rule(5, "title", "x", "boss")
    with pytest.raises(RuleError, match="needs a role_id"):
        Rule(5, "title", "x", "sales_ops", "wizard")
    with pytest.raises(RuleError, match="not a valid regular expression"):
        Rule(5, "title", "(", "rep")
    frame.loc[2, "field"] = "salary"
    with pytest.raises(RuleError, match="rules row 3: .*field must be one of title, department, any"):
        hris.rules_from_frame(frame)


def test_kind_and_role_columns_override_the_rules():
    text = (
        "Employee ID,Name,Manager ID,Title,kind,role_id\n"
        "E1,Ann,,Boss,leader,\nE2,Bob,E1,Software Engineer,rep,\nE3,Cy,E1,Recruiter,,enablement\n"
        "E4,Di,E1,CRM Administrator,Sales Ops,\nE5,Ed,E1,Account Executive,,\n"
    )
    result = imp(text)
    c = result.classification.set_index("id")
    assert c.loc["E2", ["kind", "rule"]].tolist() == ["rep", "kind column"]
    assert c.loc["E3", ["kind", "role_id", "rule"]].tolist() == ["sales_ops", "enablement", "role_id column"]
    assert c.loc["E4", ["kind", "role_id"]].tolist() == ["sales_ops", "crm_admin"]
    assert c.loc["E5", "rule"].startswith("rule 50")
    assert [r.role.id for r in result.scenario.roles] == ["crm_admin", "enablement"]


def test_kind_overrides_win():
    result = imp(csv_of(SMALL), kind_overrides={"E11": ("rep", ""), "E7": ("sales_ops", "planning")})
    positions = {p.id: p for p in result.scenario.positions}
    assert positions["E11"].kind == "rep"
    assert (positions["E7"].kind, positions["E7"].role_id, positions["E7"].manager_id) == (
        "sales_ops",
        "planning",
        "E6",
    )
    assert result.scenario.plan("planning").central_fte == 0 and result.scenario.plan("planning").local_fte == (
        ("london", 1.0),
    )
    with pytest.raises(ImportRejected, match="kind override names unknown employee 'E99'"):
        imp(csv_of(SMALL), kind_overrides={"E99": ("rep", "")})
    with pytest.raises(ImportRejected, match="row 8: kind override for 'E7': sales_ops needs a role_id"):
        imp(csv_of(SMALL), kind_overrides={"E7": ("sales_ops", "")})


def test_classification_table():
    result = imp(csv_of(SMALL))
    c = result.classification
    assert list(c.columns) == ["row", "id", "name", "title", "department", "region", "kind", "role_id", "rule"]
    assert c["row"].tolist() == list(range(2, 14))
    assert c.set_index("id").loc["E9", ["kind", "role_id", "region"]].tolist() == ["sales_ops", "deal_desk", "london"]
    assert c.set_index("id").loc["E11", "rule"] == "no rule matched"


# --------------------------------------------------------------------------
# Building the scenario
# --------------------------------------------------------------------------
def test_small_org():
    result = imp(csv_of(SMALL))
    s = result.scenario
    positions = {p.id: p for p in s.positions}
    # sales-ops staff became roles and stay in the org with their real managers
    assert set(positions) == {"E1", "E2", "E3", "E4", "E5", "E6", "E7", "E8", "E9", "E10", "E11", "E12"}
    assert positions["E10"].manager_id == "E9" and positions["E9"].manager_id == "E5"
    assert positions["E2"].kind == "leader"
    assert positions["E7"].manager_id == "E6" and positions["E12"].manager_id == "E11"
    assert s.hq_region == "new-york"
    assert [(r.id, r.name, r.reps, r.managers, r.tz_offset_hours) for r in s.regions] == [
        ("new-york", "New York", 1, 0, 0.0),
        ("london", "London", 2, 1, 5.0),
    ]
    analytics = s.plan("analytics")
    assert (analytics.placement, analytics.sizing, analytics.central_fte, analytics.local_fte) == (
        "centralized",
        "manual",
        2.0,
        (),
    )
    assert analytics.role.cost_usd_per_year == 130000.0  # mean of 120k and 140k
    deal = s.plan("deal_desk")
    assert (deal.placement, deal.central_fte, deal.local_fte) == ("localized", 0.0, (("london", 2.0),))
    assert [p.role.id for p in s.roles] == ["analytics", "deal_desk"]
    assert result.summary["by_kind"] == {"leader": 3, "manager": 1, "rep": 3, "sales_ops": 4, "other": 1}
    assert result.summary["roles"][1] == {
        "role_id": "deal_desk",
        "name": s.plan("deal_desk").role.name,
        "placement": "localized",
        "people": 2,
        "fte": 2.0,
        "central_fte": 0.0,
        "local_fte": {"london": 2.0},
        "cost_usd_per_year": 100000.0,
    }
    res = evaluate(s)
    assert res.reps == 3 and res.sales_ops_fte == 4.0
    assert res.sales_ops_cost_usd == pytest.approx(120000 + 140000 + 110000 + 90000)
    # the org chart keeps the file's lines: the central team under the head of sales ops, the embedded
    # one under the head of EMEA sales
    graph = build_org(s)
    assert graph.has_edge("E2", "E3") and graph.has_edge("E5", "E9") and graph.has_edge("E9", "E10")
    assert OPS_HEAD_ID not in graph
    # once the design changes, the designed teams are drawn instead
    graph = build_org(s.with_placement("deal_desk", "centralized"))
    assert graph.has_edge("E2", "ops:deal_desk:central") and "E9" not in graph and graph.has_edge("E2", "E3")


def test_hybrid_role_and_embedded_staff_at_hq():
    rows = SMALL + [
        ["E13", "Mo", "E5", "Sales Operations Analyst", "London", "100000"],
        ["E14", "No", "E1", "CRM Administrator", "New York", "150000"],
        ["E15", "Oz", "E1", "CRM Administrator", "New York", "150000"],
    ]
    rows[0] = HEADER + ["Department", "FTE"]
    rows[1:] = [r + ["", "1"] for r in rows[1:]]
    rows[-1][6:] = ["Sales Ops (embedded)", "0.5"]
    s = imp(csv_of(rows)).scenario
    assert (s.plan("analytics").placement, s.plan("analytics").central_fte, s.plan("analytics").local_fte) == (
        "hybrid",
        2.0,
        (("london", 1.0),),
    )
    crm = s.plan("crm_admin")
    assert (crm.placement, crm.central_fte, crm.local_fte) == ("hybrid", 1.5, ())  # the HQ spoke folds into the hub
    assert crm.role.cost_usd_per_year == pytest.approx(300000 / 1.5)


def test_costs_fall_back_on_the_catalog():
    rows = [r[:5] for r in SMALL]
    s = imp(csv_of(rows)).scenario
    catalog = load_catalog()
    assert s.plan("analytics").role == catalog["analytics"]
    assert all(p.cost_usd_per_year == 0.0 for p in s.positions)


def test_virtual_root():
    rows = SMALL + [["X1", "Xi", "", "VP Sales", "Tokyo", "1"], ["X2", "Yu", "X1", "SDR", "Tokyo", "1"]]
    text = csv_of(rows)
    assert "several roots (employees with no manager): E1 (row 2), X1 (row 14)" in rejected(text)
    result = imp(text, virtual_root=True)
    positions = {p.id: p for p in result.scenario.positions}
    root = positions[hris.VIRTUAL_ROOT_ID]
    assert (root.manager_id, root.kind, root.region) == (None, "leader", "new-york")
    assert positions["E1"].manager_id == positions["X1"].manager_id == hris.VIRTUAL_ROOT_ID
    assert result.summary["virtual_root"] and result.summary["root"] == hris.VIRTUAL_ROOT_ID
    assert result.scenario.region("tokyo").tz_offset_hours == 14.0  # +9 from UTC-5
    evaluate(result.scenario)
    # the option changes nothing for a file with one root
    assert imp(csv_of(SMALL), virtual_root=True).scenario == imp(csv_of(SMALL)).scenario


def test_keep_other_false_drops_others_and_moves_their_reports_up():
    rows = SMALL + [
        ["E13", "Pat", "E11", "Executive Assistant", "New York", "1"],
        ["E14", "Quo", "E13", "SDR", "New York", "1"],
    ]
    kept = imp(csv_of(rows)).scenario
    dropped = imp(csv_of(rows), keep_other=False)
    positions = {p.id: p for p in dropped.scenario.positions}
    assert {"E11", "E13"} & set(positions) == set()
    assert positions["E12"].manager_id == "E1" and positions["E14"].manager_id == "E1"
    assert dropped.summary["dropped_other"] == 2
    assert len(kept.positions) - len(dropped.scenario.positions) == 2
    assert evaluate(dropped.scenario).roi == pytest.approx(evaluate(kept).roi)


def test_top_of_the_org_is_kept_whatever_its_kind():
    text = "ID,Name,Manager ID,Title\nE1,Ann,,Chief Financial Officer\nE2,Bob,E1,Account Executive\n"
    result = imp(text, keep_other=False)
    assert [p.id for p in result.scenario.positions] == ["E1", "E2"]
    text = "ID,Name,Manager ID,Title\nE1,Ann,,Sales Ops Manager\nE2,Bob,E1,Sales Operations Analyst\n"
    result = imp(text)
    assert [(p.id, p.kind) for p in result.scenario.positions] == [("E1", "leader"), ("E2", "sales_ops")]
    assert any(
        "'E1' (Sales Ops Manager) is classified sales_ops; kept as the org's leader" in w for w in result.warnings
    )


def test_regions_from_region_then_location_then_country():
    text = (
        "ID,Name,Manager ID,Title,Sales Region,Office,Country\n"
        "E1,Ann,,CRO,AMER,New York,United States\n"
        "E2,Bob,E1,Head of EMEA Sales,EMEA,London,United Kingdom\n"
        "E3,Cy,E2,Account Executive,emea,Paris,France\n"
        "E4,Di,E2,Account Executive,EMEA,Berlin,Germany\n"
        "E5,Ed,E1,VP Sales APAC,Asia Pacific,Singapore,Singapore\n"
    )
    s = imp(text).scenario
    assert s.hq_region == "amer"
    regions = {r.id: r for r in s.regions}
    assert set(regions) == {"amer", "emea", "asia-pacific"}
    assert regions["emea"].name == "EMEA" and regions["emea"].reps == 2  # the common spelling names it
    assert regions["emea"].tz_offset_hours == 6.0  # EMEA (+1) from AMER (-5)
    # an unknown region name takes the time zone of its people's offices
    assert regions["asia-pacific"].tz_offset_hours == 13.0
    assert (regions["emea"].market_complexity, regions["emea"].cost_index) == (0.3, 1.0)
    # offices and countries are grouped into regions (issue 15), not made regions of their own
    s = imp(text, overrides={"Sales Region": ""}).scenario
    assert {r.id for r in s.regions} == {"north-america", "emea", "apac"}
    s = imp(text, overrides={"Sales Region": "", "Office": ""}).scenario
    assert {r.id: r.tz_offset_hours for r in s.regions} == {
        "north-america": 0.0,
        "emea": 6.0,  # France (UTC+1) wins the tie of one person each by name
        "apac": 13.0,
    }


def test_hq_and_time_zones_wrap_round_the_globe():
    text = (
        "ID,Name,Manager ID,Title,Location\nE1,Ann,,CRO,San Francisco\nE2,Bob,E1,VP Sales,Tokyo\n"
        "E3,Cy,E1,VP Sales,Sydney\nE4,Di,E1,VP Sales,Auckland\nE5,Ed,E1,VP Sales,Sao Paulo\n"
    )
    s = imp(text).scenario
    assert {r.id: r.tz_offset_hours for r in s.regions} == {
        "north-america": 0.0,
        "apac": -4.0,  # Auckland (UTC+12) wins the tie by name: 20 hours ahead of UTC-8 is 4 behind
        "latin-america": 5.0,
    }


def test_hq_comes_from_leaders_when_the_root_has_no_region():
    text = (
        "ID,Name,Manager ID,Title,Region\nE1,Ann,,CEO,\nE2,Bob,E1,VP Sales,APAC\n"
        "E3,Cy,E1,Director of Sales,APAC\nE4,Di,E1,VP Sales,EMEA\nE5,Ed,E4,SDR,EMEA\nE6,Fi,E4,SDR,EMEA\n"
    )
    result = imp(text)
    assert result.scenario.hq_region == "apac"
    assert result.scenario.region("emea").tz_offset_hours == -7.0
    assert any("1 employee(s) have a blank region; they are in region 'Unassigned'" in w for w in result.warnings)
    assert {p.id: p.region for p in result.scenario.positions}["E1"] == hris.UNASSIGNED


def test_unknown_time_zone_is_zero_with_a_warning():
    text = "ID,Name,Manager ID,Title,Region\nE1,Ann,,CRO,NA\nE2,Bob,E1,VP Sales,Narnia\n"
    result = imp(text)
    assert result.scenario.region("narnia").tz_offset_hours == 0.0
    assert "time zone of region 'Narnia' is unknown (not in data/locations.csv): 0 hours from HQ assumed" in (
        result.warnings
    )


def test_manager_names_are_matched_when_unambiguous():
    text = (
        "Employee #,First Name,Last Name,Job Title,Reports To\n1,Ann,Lee,CRO,\n2,Bob,Roy,Sales Manager,Ann Lee\n"
        "3,Cy,Dee,Account Executive,Bob Roy\n"
    )
    s = imp(text).scenario
    assert [(p.id, p.name, p.manager_id) for p in s.positions] == [
        ("1", "Ann Lee", None),
        ("2", "Bob Roy", "1"),
        ("3", "Cy Dee", "2"),
    ]
    twice = text + "4,Ann,Lee,SDR,Bob Roy\n"
    assert "manager 'Ann Lee' does not exist" in rejected(twice)


def test_fte_and_percentages():
    text = "ID,Name,Manager ID,Title,FTE\nE1,Ann,,CRO,\nE2,Bob,E1,CRM Administrator,50%\nE3,Cy,E1,SDR,0.8\n"
    s = imp(text).scenario
    assert [p.fte for p in s.positions] == [1.0, 0.5, 0.8]
    assert s.plan("crm_admin").central_fte == 0.5
    assert "fte '150' is more than 100" in rejected(text + "E4,Di,E1,SDR,150\n")


def test_imported_scenario_works_everywhere(tmp_path):
    s = imp(example_csv(300)).scenario
    s.check_positions()
    assert Scenario.from_json(s.to_json()) == s
    res = evaluate(s)
    assert res.reps == sum(1 for p in s.positions if p.kind == "rep") > 0
    for placement in ("centralized", "localized", "hybrid"):
        assert evaluate(s.with_placement("all", placement)).sales_ops_fte > 0
    graph = build_org(s, expand_regions=[])
    assert nx.is_arborescence(graph)
    assert org_summary(build_org(s))["reps"] == res.reps
    region = s.regions[1]
    bigger = s.with_region_headcount(region.id, region.reps + 3, region.managers + 1)
    bigger.check_positions()


def test_imported_scenario_renders_on_every_page():
    from streamlit.testing.v1 import AppTest

    scenario = imp(example_csv(120)).scenario
    roi = METRIC["roi"].text(evaluate(scenario).roi)
    app = str(Path(__file__).resolve().parent.parent / "streamlit_app.py")
    for page in ("pages/home.py", "pages/org_designer.py", "pages/roi.py"):
        at = AppTest.from_file(app, default_timeout=60)
        at.run()
        at.session_state["scenario"] = scenario
        at.switch_page(page).run()
        assert not at.exception, (page, at.exception)
        assert not at.error, (page, at.error)
        assert at.session_state["scenario"] == scenario
        if page != "pages/org_designer.py":
            assert [m.value for m in at.metric if m.label == "ROI"] == [roi]


# --------------------------------------------------------------------------
# Round trips
# --------------------------------------------------------------------------
def test_csv_to_org_to_csv_loses_nothing():
    first = imp(example_csv(400), filename="hris.csv").scenario
    exported = to_csv(first)
    again = imp(exported, filename="hris.csv").scenario
    assert again.positions == first.positions
    assert again.roles == first.roles
    assert again.regions == first.regions and again.hq_region == first.hq_region
    assert to_csv(again) == exported
    assert evaluate(again).headline() == evaluate(first).headline()


def test_shuffled_rows_give_the_same_scenario():
    lines = example_csv(500).splitlines()
    body = lines[1:]
    random.Random(7).shuffle(body)
    original = imp("\n".join(lines) + "\n").scenario
    shuffled = imp("\n".join([lines[0]] + body) + "\n").scenario
    assert shuffled == original
    assert shuffled.positions == original.positions


def test_ten_thousand_rows():
    text = example_csv(10_000)
    result = imp(text)
    s = result.scenario
    frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    assert result.summary["rows"] == result.summary["people"] == 10_000
    kinds = result.summary["by_kind"]
    assert sum(kinds.values()) == 10_000
    assert len(s.positions) == 10_000  # sales-ops people included
    assert (
        s.total_reps
        == kinds["rep"]
        == sum(
            frame["Business Title"].isin(
                ["Account Executive", "Senior AE", "SDR", "Business Development Representative"]
            )
        )
    )
    fte = sum(p.central_fte + sum(f for _, f in p.local_fte) for p in s.roles)
    ops_rows = frame[frame["Supervisory Organization"] == "Sales Operations"]
    assert fte == pytest.approx(sum(float(x) for x in ops_rows["FTE"]) - 1.0)  # minus the VP Sales Operations
    assert s.hq_region == "north-america" and len(s.regions) == 4  # Singapore and Sydney are both APAC
    assert {r.id: r.tz_offset_hours for r in s.regions} == {
        "north-america": 0.0,
        "emea": 5.0,
        "apac": 13.0,  # Singapore has more people than Sydney
        "latin-america": 2.0,
    }
    assert {p.placement for p in s.roles} >= {"hybrid"}
    s.check_positions()
    res = evaluate(s)
    assert res.reps == s.total_reps and res.sales_ops_fte == pytest.approx(fte)


# --------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------
def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_import_writes_a_scenario_evaluate_accepts(capsys, tmp_path):
    people = tmp_path / "people.csv"
    people.write_text(example_csv(200), encoding="utf-8")
    out_file = tmp_path / "org.json"
    code, out, err = run(capsys, "import", str(people), "--out", str(out_file), "--name", "Acme")
    assert code == 0 and err == ""
    scenario = Scenario.from_json(out_file.read_text(encoding="utf-8"))
    assert scenario.name == "Acme" and scenario.positions
    for text in (
        "people by kind: leader 7, manager 18, rep 148, sales_ops 15, other 12",
        "Regions",
        "north-america",
        "Sales-ops roles",
        "crm_admin",
        "hybrid",
        f"wrote {out_file}",
    ):
        assert text in out
    code, out, err = run(capsys, "evaluate", str(out_file), "--json")
    assert code == 0 and json.loads(out)["roi"] == evaluate(scenario).roi


def test_cli_import_summary_only_and_stdout(capsys, tmp_path):
    people = tmp_path / "people.csv"
    people.write_text(csv_of(SMALL), encoding="utf-8")
    code, out, err = run(capsys, "import", str(people))
    assert code == 0 and "wrote" not in out and "deal_desk" in out
    assert not list(tmp_path.glob("*.json"))
    code, out, err = run(capsys, "import", str(people), "--out", "-")
    assert code == 0 and "Regions" in err
    assert Scenario.from_json(out).plan("deal_desk").local_fte == (("london", 2.0),)


def test_cli_import_options(capsys, tmp_path):
    rows = [
        ["Emp", "Boss", "Name", "Title", "City"],
        ["A", "", "Ann", "VP Sales", "Paris"],
        ["B", "A", "Bob", "Recruiter", "Paris"],
        ["C", "B", "Cy", "SDR", "Paris"],
        ["D", "", "Di", "VP Sales", "Tokyo"],
    ]
    people = tmp_path / "p.csv"
    people.write_text(csv_of(rows), encoding="utf-8")
    out_file = tmp_path / "o.json"
    code, out, err = run(
        capsys,
        "import",
        str(people),
        "--map",
        "Emp=id",
        "--map",
        "Boss=manager_id",
        "--virtual-root",
        "--drop-other",
        "--out",
        str(out_file),
    )
    assert code == 0, err
    s = Scenario.from_json(out_file.read_text(encoding="utf-8"))
    assert [(p.id, p.manager_id) for p in s.positions] == [
        ("A", "virtual-root"),
        ("C", "A"),
        ("D", "virtual-root"),
        ("virtual-root", None),
    ]
    assert "left out (--drop-other): 1 other" in out and "virtual-root (added)" in out


def test_cli_import_rejected_file(capsys):
    path = CORPUS / "cycle.csv"
    code, out, err = run(capsys, "import", str(path), "--out", "never.json")
    assert code == 1 and out == ""
    assert err.startswith(
        f"error: cannot import {str(path)!r}: row 5, column 'Manager ID': reporting cycle: E4 -> E7 -> E4"
    )
    assert "Traceback" not in err and not Path("never.json").exists()
    code, out, err = run(capsys, "import", str(CORPUS / "many_problems.csv"))
    lines = err.splitlines()
    assert code == 1 and lines[0].startswith("error: cannot import") and "(30 problems)" in lines[0]
    assert len(lines) == 21 and all(line.startswith("  ") for line in lines[1:])
    assert lines[-1] == "  ... and 10 more problems"


@pytest.mark.parametrize(
    "argv, code, named",
    [
        (["import", "{dir}/missing.csv"], 1, "missing.csv"),
        (["import", "{dir}"], 1, "directory"),
        (["import", "{corpus}/empty.csv"], 1, "the file is empty (0 bytes)"),
        (["import", "{corpus}/corrupt.xlsx"], 1, "unreadable XLSX file"),
        (["import", "{corpus}/bom.csv", "--map", "Title"], 2, "COLUMN=FIELD"),
        (["import", "{corpus}/bom.csv", "--map", "Title=salary"], 2, "unknown field 'salary'"),
        (["import", "{corpus}/bom.csv", "--map", "Nope=title"], 2, "unknown column 'Nope'"),
        (["import", "{corpus}/bom.csv", "--out", "{dir}/no/such/dir.json"], 1, "dir.json"),
        (["export", "nosuchsample"], 2, "'nosuchsample'"),
        (["export", "midmarket", "--format", "pdf"], 2, "'pdf'"),
        (["export", "midmarket", "--out", "{dir}/no/such/x.csv"], 1, "x.csv"),
    ],
)
def test_cli_errors_are_one_line(capsys, tmp_path, argv, code, named):
    argv = [a.format(dir=tmp_path, corpus=CORPUS) for a in argv]
    got, out, err = run(capsys, *argv)
    assert got == code
    assert out == ""
    assert len(err.splitlines()) == 1 and err.startswith("error: ")
    assert named in err and "Traceback" not in err


def test_cli_export_csv_and_graphml(capsys, tmp_path):
    csv_file = tmp_path / "mm.csv"
    code, out, err = run(capsys, "export", "midmarket", "--format", "csv", "--out", str(csv_file))
    assert code == 0 and err == "" and out.startswith(f"wrote {csv_file}: ")
    data = csv_file.read_bytes()
    assert data.startswith(b"\xef\xbb\xbfemployee_id,")  # BOM for spreadsheets
    result = build_import(read_table(data, "mm.csv"), guess_mapping(read_table(data, "mm.csv").frame.columns))
    assert result.scenario.total_reps == 120
    assert evaluate(result.scenario).roi == pytest.approx(evaluate(load_sample("midmarket")).roi, rel=1e-12)
    graph_file = tmp_path / "mm.graphml"
    code, out, err = run(capsys, "export", "midmarket", "--out", str(graph_file))  # format from the extension
    assert code == 0 and "as graphml" in out
    graph = nx.read_graphml(graph_file)
    assert graph.number_of_nodes() == len(data.decode("utf-8-sig").splitlines()) - 1
    code, out, err = run(capsys, "export", "startup")
    assert code == 0 and out.startswith("employee_id,name,")


def test_cli_import_then_export_round_trip(capsys, tmp_path):
    people = tmp_path / "people.csv"
    people.write_text(example_csv(150), encoding="utf-8")
    org = tmp_path / "org.json"
    assert run(capsys, "import", str(people), "--out", str(org))[0] == 0
    exported = tmp_path / "org.csv"
    assert run(capsys, "export", str(org), "--out", str(exported))[0] == 0
    again = tmp_path / "again.json"
    assert run(capsys, "import", str(exported), "--out", str(again), "--name", "Imported from people.csv")[0] == 0
    first = Scenario.from_json(org.read_text(encoding="utf-8"))
    second = Scenario.from_json(again.read_text(encoding="utf-8"))
    assert second.positions == first.positions and second.roles == first.roles
    assert second.regions == first.regions
