"""The import page's classification rules in plain words, and its classification table with flagged rows.

:func:`render_rules` shows the rules in the order they are tried, each in words
(``title contains "growth partner" -> rep``) with Up / Down / Remove buttons, an **Add a rule** form
(Enter submits it) and a reset to the defaults; the list lives in ``st.session_state["import:rules_list"]``
as plain dicts (:func:`~salesops.readwrite.hris.rules.rule_to_dict`). :func:`render_classification`
shows the import's classification with a "flagged and unclassified only" filter and a search, and
reclassifies the selected rows in one action (``st.session_state["import:overrides"]``, employee id ->
``(kind, role_id)``), optionally adding a rule ``title equals <their title>`` at the top of the list.
"""

from __future__ import annotations

from typing import Any, Hashable

import pandas as pd
import streamlit as st

from salesops.model.limits import MAX_NAME_CHARS, MAX_PATTERN_CHARS, MAX_RULES, MAX_TITLE_CHARS
from salesops.model.positions import KINDS
from salesops.model.roles import load_catalog
from salesops.readwrite.hris import ImportResult, Rule, RuleError, load_rules
from salesops.readwrite.hris.flags import flags
from salesops.readwrite.hris import rules as hris_rules
from salesops.readwrite.hris.rules import rule_to_dict, rules_from_dicts
from salesops.ui.text import md

RULES_KEY = "import:rules_list"
OVERRIDES_KEY = "import:overrides"
GOOD_RULES_KEY = "import:rules_good"  # the last rules that classified the file in time
CHECKED_KEY = "import:rules_checked"  # (the data, the rules) last checked in time: not timed again
TIME_LIMIT = hris_rules.DEFAULT_TIME_LIMIT
_MESSAGE_KEY = "import:rules_message"
_FORM = "import:add_rule"
ALL, FLAGGED = "All", "Flagged and unclassified only"
_FIELDS = {"title": "title", "department": "department", "any": "either"}
_MATCHES = {"contains": "contains", "equals": "equals", "starts_with": "starts with"}
_SHOWN_PATTERN_CHARS = 40  # the rest of a long pattern is in its tooltip
_LIST_HEIGHT = 420  # pixels; a longer list scrolls


def _kind_label(kind: str) -> str:
    return kind.replace("_", " ")


def _role_label(role_id: str) -> str:
    spec = load_catalog().get(role_id)
    return spec.name if spec is not None else "(choose a role)"


def default_rule_dicts() -> list[dict[str, str]]:
    """The default rules (``data/classification_rules.csv``) as the page's plain dicts."""
    return [rule_to_dict(r) for r in load_rules()]


def _rule_dicts() -> list[dict[str, str]]:
    items = st.session_state.get(RULES_KEY)
    if not isinstance(items, list):
        items = default_rule_dicts()
        st.session_state[RULES_KEY] = items
    return items


# ----- callbacks (they run inside a script run, before the page is drawn again) -----
def _move(index: int, step: int) -> None:
    items = list(_rule_dicts())
    other = index + step
    if 0 <= index < len(items) and 0 <= other < len(items):
        items[index], items[other] = items[other], items[index]
        st.session_state[RULES_KEY] = items


def _remove(index: int) -> None:
    items = list(_rule_dicts())
    if 0 <= index < len(items):
        del items[index]
        st.session_state[RULES_KEY] = items


def _reset() -> None:
    st.session_state[RULES_KEY] = default_rule_dicts()
    st.session_state[_MESSAGE_KEY] = ("success", "The default rules are back.")


def _form_value(name: str) -> str:
    value = st.session_state.get(f"{_FORM}:{name}")
    return "" if value is None else str(value).strip()


def _new_rule_from_form() -> dict[str, str]:
    """The form's rule as a plain dict, or a RuleError naming the form's field."""
    field = _form_value("field") or "title"
    text = " ".join(_form_value("text").split())
    pattern = _form_value("pattern")
    kind = _form_value("kind") or "rep"
    role_id = _form_value("role") if kind == "sales_ops" else ""
    if pattern and text:
        raise RuleError("Text and Pattern: give one of them (leave Text blank to use the pattern)")
    if not pattern and not text:
        raise RuleError("Text: type the words to look for")
    if kind == "sales_ops" and not role_id:
        raise RuleError("Sales-ops role: choose the catalog role of a sales-ops rule")
    item = {
        "field": field,
        "match": "pattern" if pattern else (_form_value("match") or "contains"),
        "text": text,
        "pattern": pattern,
        "kind": kind,
        "role_id": role_id,
        "note": _form_value("note"),
    }
    try:
        rules_from_dicts([item])
    except RuleError as exc:
        name = "Pattern" if pattern else "Text"
        raise RuleError(f"{name}: {str(exc).removeprefix('rule 1: ')}") from None
    return item


def _add() -> None:
    items = _rule_dicts()
    if len(items) >= MAX_RULES:
        st.session_state[_MESSAGE_KEY] = ("error", f"Rule not added: the limit is {MAX_RULES:,} rules.")
        return
    try:
        item = _new_rule_from_form()
    except RuleError as exc:
        st.session_state[_MESSAGE_KEY] = ("error", f"Rule not added. {exc}")
        return
    st.session_state[RULES_KEY] = [*items, item]
    words = rules_from_dicts([item])[0].words
    st.session_state[_MESSAGE_KEY] = ("success", f"Added rule {len(items) + 1}: {words}")
    for name in ("text", "pattern", "note"):
        st.session_state[f"{_FORM}:{name}"] = ""


def _show_message() -> None:
    message = st.session_state.pop(_MESSAGE_KEY, None)
    if message:
        level, text = message
        (st.error if level == "error" else st.success)(md(text))


# ----- the rules -----
def render_rules() -> list[Rule]:
    """The rules in the order they are tried, editable; returns the rules to classify with.

    Returns
    -------
    list of Rule
        Numbered 10, 20, ... in list order (so sorting by priority keeps the order shown).
    """
    items = _rule_dicts()
    try:
        rules = rules_from_dicts(items)
    except RuleError as exc:  # only a hand-edited session could hold a bad rule
        st.error(f"Rules not applied: {md(exc)}. The default rules are used instead.")
        st.session_state[RULES_KEY] = items = default_rule_dicts()
        rules = rules_from_dicts(items)
    st.caption(
        "Each person gets the class of the first rule that matches their title or department; nobody "
        "matched is 'other'. Plain rules ignore case and extra spaces."
    )
    _show_message()
    listing = st.container(height=_LIST_HEIGHT) if len(rules) > 8 else st.container()
    for i, rule in enumerate(rules):
        text, up, down, remove = listing.columns([10, 1, 1, 1], vertical_alignment="center")
        note = f" :gray[— {md(rule.note)}]" if rule.note else ""
        full = md(rule.pattern) if rule.match == "pattern" and len(rule.pattern) > _SHOWN_PATTERN_CHARS else None
        text.markdown(f"**{i + 1}.** {md(rule.describe(_SHOWN_PATTERN_CHARS))}{note}", help=full)
        up.button(
            "↑",
            key=f"import:rule_up:{i}",
            help="Up: try this rule earlier",
            disabled=i == 0,
            on_click=_move,
            args=(i, -1),
        )
        down.button(
            "↓",
            key=f"import:rule_down:{i}",
            help="Down: try this rule later",
            disabled=i == len(rules) - 1,
            on_click=_move,
            args=(i, 1),
        )
        remove.button("✕", key=f"import:rule_remove:{i}", help="Remove this rule", on_click=_remove, args=(i,))
    _add_form()
    st.button("Reset to the default rules", key="import:rules_reset", on_click=_reset)
    return rules


def _add_form() -> None:
    catalog = load_catalog()
    with st.form(_FORM, clear_on_submit=False, enter_to_submit=True):
        st.markdown("**Add a rule** (it is tried after the rules above; move it up to try it earlier)")
        c1, c2, c3 = st.columns([1, 1, 2])
        c1.selectbox("Look in", list(_FIELDS), format_func=_FIELDS.get, key=f"{_FORM}:field")
        c2.selectbox("Match", list(_MATCHES), format_func=_MATCHES.get, key=f"{_FORM}:match")
        c3.text_input("Text", max_chars=MAX_TITLE_CHARS, key=f"{_FORM}:text", placeholder="growth partner")
        c4, c5, c6 = st.columns([1, 2, 2])
        c4.selectbox("Class", list(KINDS), index=list(KINDS).index("rep"), format_func=_kind_label, key=f"{_FORM}:kind")
        c5.selectbox(
            "Sales-ops role (class sales ops only)", [""] + list(catalog), format_func=_role_label, key=f"{_FORM}:role"
        )
        c6.text_input("Note (optional)", max_chars=MAX_NAME_CHARS, key=f"{_FORM}:note")
        with st.expander("Advanced: a regular expression instead of the text"):
            st.text_input(
                "Pattern",
                max_chars=MAX_PATTERN_CHARS,
                key=f"{_FORM}:pattern",
                help="Searched case-insensitively by RE2 (no backreferences or lookaround); leave Text blank.",
            )
        st.form_submit_button("Add the rule", on_click=_add, icon=":material/add:")


def checked_rules(
    rules: list[Rule], titles: list[str], departments: list[str], data_key: Hashable | None = None
) -> list[Rule]:
    """``rules`` if they classify the file within :data:`TIME_LIMIT`; else the last rules that did.

    Past the limit the page says which rule was running and that nothing was changed, and the
    previous rules (the defaults at first) stay in force, so the page keeps its last good result.
    ``data_key`` names the file and columns the titles come from: rules already checked against the
    same data are not timed again on the page's next run.
    """
    checked = (data_key, tuple(rules))
    if data_key is not None and st.session_state.get(CHECKED_KEY) == checked:
        return rules
    try:
        hris_rules.match_all(titles, departments, rules, time_limit=TIME_LIMIT)
    except RuleError as exc:
        st.error(md(f"Rules not applied: {exc}"))
        good = st.session_state.get(GOOD_RULES_KEY)
        return list(good) if good is not None else load_rules()
    st.session_state[GOOD_RULES_KEY] = tuple(rules)
    st.session_state[CHECKED_KEY] = checked
    return rules


# ----- the classification -----
def _flag_column(table: pd.DataFrame, rules: list[Rule]) -> pd.Series:
    reasons = flags(table, rules)
    unclassified = (table["kind"] == "other") & (reasons == "")
    return reasons.where(~unclassified, "unclassified ('other')")


def _common_title(titles: pd.Series) -> str | None:
    distinct = {" ".join(str(t).split()) for t in titles}
    return next(iter(distinct)) if len(distinct) == 1 and "" not in distinct else None


def render_classification(result: ImportResult, rules: list[Rule] | None = None) -> None:
    """The classification table: filter, search, select rows and reclassify them in one action.

    Parameters
    ----------
    result : ImportResult
        The import to show.
    rules : list of Rule, optional
        The rules it was built with (default: the page's list), to tell department-only decisions.
    """
    if rules is None:
        rules = rules_from_dicts(_rule_dicts())
    table = result.classification.copy()
    table.insert(0, "why look", _flag_column(table, rules))
    # Names, never internal ids, on the page (the flags above read the ids).
    region_names = {r["id"]: r["name"] for r in result.summary.get("regions", [])}
    table["region"] = [region_names.get(r, r) for r in table["region"]]
    table["role_id"] = [_role_label(r) if r else "" for r in table["role_id"]]
    overrides: dict[str, tuple[str, str]] = dict(st.session_state.get(OVERRIDES_KEY) or {})
    left, right = st.columns([2, 3], vertical_alignment="bottom")
    shown = left.segmented_control("Show", [ALL, FLAGGED], default=ALL, key="import:class_filter") or ALL
    search = right.text_input(
        "Search id, name, title or department", max_chars=MAX_NAME_CHARS, key="import:class_search"
    ).strip()
    view = table
    if shown == FLAGGED:
        view = view[view["why look"] != ""]
    if search:
        needle = search.casefold()
        hit = pd.Series(False, index=view.index)
        for column in ("id", "name", "title", "department"):
            hit |= view[column].astype(str).str.casefold().str.contains(needle, regex=False)
        view = view[hit]
    flagged = int((table["why look"] != "").sum())
    st.caption(
        f"{len(view):,} of {len(table):,} rows shown; {flagged:,} flagged or unclassified. "
        "Select rows to reclassify them."
    )
    event: Any = st.dataframe(
        view,
        key=f"import:class_table:{shown}:{search}:{len(overrides)}",
        on_select="rerun",
        selection_mode="multi-row",
        hide_index=True,
        width="stretch",
        column_config={
            "why look": "Why look",
            "row": "Row",
            "id": "Employee id",
            "name": "Name",
            "title": "Title",
            "department": "Department",
            "region": "Region",
            "kind": "Class",
            "role_id": "Sales-ops role",
            "rule": "Decided by",
        },
    )
    picked = [r for r in event.selection.rows if 0 <= r < len(view)] if event is not None else []
    if st.checkbox(
        f"Select every row shown ({len(view):,})", key=f"import:class_all:{shown}:{search}:{len(overrides)}"
    ):
        picked = list(range(len(view)))
    if picked:
        _reclassify(view.iloc[picked], overrides)


def _reclassify(selected: pd.DataFrame, overrides: dict[str, tuple[str, str]]) -> None:
    """The one action on the selected rows: set their class (and role), optionally add a rule."""
    n = len(selected)
    catalog = load_catalog()
    c1, c2 = st.columns(2)
    kind = c1.selectbox("Class", list(KINDS), format_func=_kind_label, key="import:reclass_kind")
    role = ""
    if kind == "sales_ops":
        role = c2.selectbox("Sales-ops role", list(catalog), format_func=_role_label, key="import:reclass_role")
    title = _common_title(selected["title"])
    add_rule = False
    if title is not None:
        add_rule = st.checkbox(
            f'and add a rule: title equals "{title}" (at the top of the rules, so it wins)', key="import:reclass_rule"
        )
    what = _kind_label(kind) + (f" ({_role_label(role)})" if role else "")
    if not st.button(f"Reclassify {n:,} selected as {what}", type="primary", key="import:reclass_go"):
        return
    updated = dict(overrides)
    for pid in selected["id"]:
        updated[str(pid)] = (kind, role)
    st.session_state[OVERRIDES_KEY] = updated
    if add_rule and title is not None:
        item = {"field": "title", "match": "equals", "text": title, "pattern": "", "kind": kind, "role_id": role}
        item["note"] = f"added when reclassifying {n:,} row(s)"
        items = _rule_dicts()
        if len(items) >= MAX_RULES:
            st.session_state[_MESSAGE_KEY] = ("error", f"Rule not added: the limit is {MAX_RULES:,} rules.")
        else:
            st.session_state[RULES_KEY] = [item, *items]
            st.session_state[_MESSAGE_KEY] = ("success", f'Added rule 1: title equals "{title}" -> {what}')
    st.rerun()
