"""Import: bring your own org from an HRIS export (CSV or XLSX)."""

import hashlib
from dataclasses import replace

import streamlit as st

from salesops.readwrite import hris

from salesops.readwrite import schema
from salesops.model.limits import IMPORT_SECONDS, MAX_UPLOAD_BYTES
from salesops.model.scenario import ScenarioError
from salesops.model.worker import BudgetExceeded, run_bounded
from salesops.readwrite.hris.summary import Corrections, import_summary, summary_note
from salesops.ui import persist, state
from salesops.ui.boot import ensure_app_navigation
from salesops.ui.import_lines import render_placements
from salesops.ui.import_regions import render_regions
from salesops.ui.import_rules import checked_rules, render_classification, render_rules
from salesops.ui.text import md
from salesops.ui.guard import stop_page

ensure_app_navigation()

NONE = "(not in file)"
FIELD_LABELS = {
    "id": "Employee id (required)",
    "manager_id": "Manager id (required)",
    "name": "Full name",
    "first_name": "First name",
    "last_name": "Last name",
    "title": "Job title",
    "department": "Department",
    "location": "Location",
    "region": "Region",
    "country": "Country",
    "cost": "Salary / cost",
    "kind": "Kind (leader, manager, rep, sales_ops, other)",
    "role_id": "Sales-ops role id",
    "fte": "FTE",
    "tz_offset_hours": "Region hours from HQ",
    "market_complexity": "Region market complexity",
    "cost_index": "Region cost index",
    "dotted_line_id": "Dotted-line manager id",
    "placement": "Sales-ops placement (central or embedded)",
}


# Parsed files and built orgs are kept per session (released when the session ends), a few at a time;
# a big file is read and built in a worker process with a time and memory budget.
_CACHE_KEY, _CACHE_ENTRIES = "import:cache", 4
_IN_WORKER_BYTES = 1_000_000


def _cached(key: tuple, compute):
    cache: dict = st.session_state.setdefault(_CACHE_KEY, {})
    if key in cache:
        cache[key] = cache.pop(key)  # most recently used last
        return cache[key]
    value = compute()
    cache[key] = value
    while len(cache) > _CACHE_ENTRIES:
        cache.pop(next(iter(cache)))
    return value


def _bounded(fn, *args, big: bool, **kwargs):
    if not big:
        return fn(*args, **kwargs)
    try:
        return run_bounded(fn, *args, seconds=IMPORT_SECONDS, **kwargs)
    except BudgetExceeded as exc:
        raise hris.ImportRejected([hris.ImportProblem(f"the import was {exc}")]) from None


def _read(data: bytes, name: str, digest: str) -> hris.RawTable:
    return _cached(
        ("read", digest, name),
        lambda: _bounded(hris.read_table, data, name, big=len(data) > _IN_WORKER_BYTES, max_bytes=MAX_UPLOAD_BYTES),
    )


def _build(
    data: bytes,
    digest: str,
    name: str,
    mapping: tuple,
    keep_other: bool,
    virtual_root: bool,
    overrides: tuple,
    rules: tuple,
    regions: tuple,
    placements: tuple,
) -> hris.ImportResult:
    raw = _read(data, name, digest)
    with st.spinner("Building the org…"):
        return _cached(
            ("build", digest, name, mapping, keep_other, virtual_root, overrides, rules, regions, placements),
            lambda: _bounded(
                hris.build_import,
                raw,
                dict(mapping),
                list(rules),
                big=len(data) > _IN_WORKER_BYTES,
                keep_other=keep_other,
                virtual_root=virtual_root,
                kind_overrides=dict(overrides) or None,
                region_map=dict(regions) or None,
                placement_overrides=dict(placements) or None,
                name=f"Imported: {name}",
            ),
        )


st.title("Import your org")
st.markdown(
    "Upload an HRIS export (Workday, BambooHR, SAP or a spreadsheet) with one row per person, an employee id "
    f"and a manager id. CSV or XLSX, up to {MAX_UPLOAD_BYTES / 1e6:.0f} MB. "
    "Nothing changes until you press **Use this org**; "
    "a file that cannot be read leaves your current scenario exactly as it was."
)
with st.expander("Open a scenario file (.json) saved from this app or the command line", icon=":material/data_object:"):
    scenario_file = st.file_uploader("Scenario file", type=["json"], key="import:scenario_file")
    if scenario_file is not None:
        try:
            opened = schema.load_scenario_file(scenario_file.getvalue())
        except ScenarioError as exc:
            st.error(f"**{md(scenario_file.name)}** is not a scenario this app can open: {md(exc)}")
            st.caption(
                "Your current scenario is unchanged. The file must be a scenario saved from this app or from "
                "`python -m salesops` (scenario documents of versions 1 to 3)."
            )
        else:
            st.success(
                f"**{md(opened.name)}**: {opened.total_reps:,} reps in {len(opened.regions)} regions, "
                f"{len(opened.roles)} sales-ops roles."
            )
            if st.button("Use this scenario", key="import:scenario_accept", type="primary"):
                persist.leave_shared_view()
                state.commit(opened, f"Opened {scenario_file.name}", baseline=True)
                st.success("Done: it is now the working scenario (Undo brings back the previous one).")
upload = st.file_uploader("HRIS export", type=["csv", "txt", "xlsx"], key="import:file")
if upload is None:
    st.info(
        "Columns are recognised from the names HRIS exports use (Employee ID, Reports To, Job Title, "
        "Department, Location, Base Pay, …); you can correct every guess before importing."
    )
    stop_page()

data = upload.getvalue()
file_digest = hashlib.sha256(data).hexdigest()  # once a run: it names the file in every cache below
try:
    raw = _read(data, upload.name, file_digest)
except hris.ImportRejected as exc:
    st.error(f"**{md(upload.name)}** cannot be imported:\n\n" + "\n".join(f"- {md(p)}" for p in exc.lines()))
    st.caption("Your current scenario is unchanged.")
    stop_page()
for warning in raw.warnings:
    st.warning(warning)

st.subheader("1. Columns")
columns = list(raw.frame.columns)
guess = hris.guess_mapping(columns)
cols = st.columns(4)
mapping = {}
for i, field in enumerate(hris.FIELDS):
    key = f"import:map:{field}"
    options = [NONE] + columns
    if key not in st.session_state or st.session_state[key] not in options:
        st.session_state[key] = guess.get(field) or NONE
    choice = cols[i % 4].selectbox(FIELD_LABELS.get(field, field), options, key=key)
    mapping[field] = None if choice == NONE else choice
with st.expander(f"Preview of the file ({len(raw.frame):,} rows)"):
    st.dataframe(raw.frame.head(50), hide_index=True)

st.subheader("2. Options")
opt1, opt2 = st.columns(2)
keep_other = opt1.toggle(
    "Keep staff outside sales as context",
    value=True,
    key="import:keep_other",
    help="Off: people classified as 'other' are left out; their reports move up.",
)
virtual_root = opt2.toggle(
    "Add a virtual root over several top-level people",
    value=False,
    key="import:virtual_root",
    help="For exports of one department, where several people have no manager in the file.",
)

with st.expander("Classification rules (tried in order, first match wins; add your own titles)"):
    titles = raw.frame[mapping["title"]].tolist() if mapping.get("title") else [""] * len(raw.frame)
    departments = raw.frame[mapping["department"]].tolist() if mapping.get("department") else [""] * len(raw.frame)
    file_key = (file_digest, mapping.get("title"), mapping.get("department"))
    rules = tuple(checked_rules(render_rules(), titles, departments, file_key))  # too slow: last good rules stay


def _rule_key(rule) -> tuple:
    """What a rule does, whatever its number in the list."""
    return (rule.field, rule.match, rule.text, rule.pattern, rule.kind, rule.role_id)


default_rules = {_rule_key(r) for r in hris.load_rules()}
overrides = st.session_state.setdefault("import:overrides", {})
region_map = st.session_state.setdefault("import:region_map", {})
placements = st.session_state.setdefault("import:placements", {})
try:
    result = _build(
        data,
        file_digest,
        upload.name,
        tuple(sorted(mapping.items(), key=lambda kv: kv[0])),
        keep_other,
        virtual_root,
        tuple(sorted(overrides.items())),
        rules,
        tuple(sorted(region_map.items())),
        tuple(sorted(placements.items())),
    )
except hris.ImportRejected as exc:
    st.error(f"**{md(upload.name)}** cannot be imported:\n\n" + "\n".join(f"- {md(p)}" for p in exc.lines()))
    st.caption("Fix the file or the column choices above; your current scenario is unchanged.")
    if overrides or region_map or placements:
        st.button(
            "Undo my corrections (classes, regions and placements)",
            key="import:clear_overrides",
            on_click=lambda: st.session_state.update(
                {"import:overrides": {}, "import:region_map": {}, "import:placements": {}}
            ),
        )
    stop_page()
for warning in result.warnings:
    st.warning(warning)

st.subheader("3. Check the classification")
summary = result.summary
m = st.columns(5)
m[0].metric("People", f"{summary.get('people', len(result.classification)):,}")
m[1].metric("Reps", f"{result.scenario.total_reps:,}")
m[2].metric("Managers", f"{sum(r.managers for r in result.scenario.regions):,}")
m[3].metric(
    "Sales-ops FTE", f"{sum(p.central_fte + sum(f for _, f in p.local_fte) for p in result.scenario.roles):,.1f}"
)
m[4].metric("Regions", f"{len(result.scenario.regions)}")
render_classification(result, list(rules))

st.subheader("4. Regions")
render_regions(result)

st.subheader("5. Sales-ops placement, from the reporting lines")
render_placements(result)

st.subheader("6. Import summary")
corrections = Corrections(
    kinds=dict(overrides),
    regions=dict(region_map),
    placements=dict(placements),
    rules=tuple(r.words for r in rules if _rule_key(r) not in default_rules),
    columns={f: c for f, c in mapping.items() if c != guess.get(f)},
)
summary_text = import_summary(result, file_name=upload.name, corrections=corrections)
with st.container(border=True):
    st.markdown(import_summary(result, file_name=upload.name, corrections=corrections, escape=md))
st.download_button(
    "Download the import summary (Markdown)",
    data=summary_text,
    file_name="import-summary.md",
    mime="text/markdown",
    icon=":material/download:",
    key="import:summary_download",
)

st.subheader("7. Use it")
if st.button("Use this org", type="primary", key="import:accept", icon=":material/check:"):
    persist.leave_shared_view()
    imported = replace(
        result.scenario, description=summary_note(result, file_name=upload.name, corrections=corrections)
    )
    state.commit(imported, f"Imported {upload.name}", baseline=True)
    for key in ("import:overrides", "import:region_map", "import:placements"):
        st.session_state[key] = {}
    st.success(
        f"Imported {result.scenario.total_reps:,} reps in {len(result.scenario.regions)} regions. "
        "Open **Org designer** or **Productivity & ROI** to work with it; Undo brings back the "
        "previous scenario."
    )
