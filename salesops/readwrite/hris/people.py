"""Import stages 1 and 2: check the column mapping, read the people (ids, names, managers, numbers), classify them.

Each stage is a function of the shared :class:`~salesops.readwrite.hris.state._ImportState`: it sets
what it works out on the state and adds the problems it finds, in the order its checks run.
"""

from __future__ import annotations

from collections import Counter

import pandas as pd

from salesops.model.limits import MAX_TITLE_CHARS
from salesops.model.positions import KINDS
from salesops.model.roles import load_catalog
from salesops.readwrite.hris.errors import ImportProblem
from salesops.readwrite.hris.mapping import _FIELD_LABELS, FIELD_ALIASES, FIELDS
from salesops.readwrite.hris.rules import match_all
from salesops.readwrite.hris.state import _ImportState
from salesops.readwrite.hris.values import _norm_kind, _norm_role, _parse_cost, _parse_fte, _parse_signed


def check_mapping(st: _ImportState) -> None:
    """Keep the mapped columns the file has (``st.cols``); refuse unknown fields and missing required columns."""
    cols: dict[str, str] = {}
    columns = [str(c) for c in st.frame.columns]
    for f, c in st.mapping.items():
        if f not in FIELDS:
            st.problems.append(
                ImportProblem(None, None, f"unknown field {f!r} in the column mapping; fields: {', '.join(FIELDS)}")
            )
            continue
        if c in (None, ""):
            continue
        if c not in columns:
            st.problems.append(ImportProblem(None, str(c), f"mapped to {f!r} but the file has no such column"))
            continue
        cols[f] = c
    st.cols = cols
    for f in ("id", "manager_id"):
        if f not in cols:
            st.problems.append(ImportProblem(None, None, _missing(f)))
    if "name" not in cols and not ("first_name" in cols and "last_name" in cols):
        st.problems.append(
            ImportProblem(
                None,
                None,
                _missing("name") + "; or map both 'first_name' "
                f"({', '.join(FIELD_ALIASES['first_name'])}) and "
                f"'last_name' ({', '.join(FIELD_ALIASES['last_name'])})",
            )
        )
    st.stop_if_problems()


def _missing(f: str) -> str:
    return f"no {_FIELD_LABELS[f]} column: looked for {', '.join(FIELD_ALIASES[f])} (map one with COLUMN={f})"


def read_people(st: _ImportState) -> None:
    """Ids, names, managers (ids, or names matched to ids), titles, departments, costs, FTE and region parameters."""
    rows = st.rows
    ids = st.values("id")
    st.ids = ids
    first_row: dict[str, int] = {}
    first_index: dict[str, int] = {}
    for i, (pid, row) in enumerate(zip(ids, rows)):
        if not pid:
            st.problem(row, "id", "blank employee id")
        elif pid in first_row:
            st.problem(row, "id", f"duplicate employee id {pid!r} (also on row {first_row[pid]})")
        else:
            first_row[pid] = row
            first_index[pid] = i
    st.first_row = first_row
    st.first_index = first_index
    # Names
    names = st.values("name") or [""] * len(rows)
    firsts, lasts = st.values("first_name"), st.values("last_name")
    if firsts is not None or lasts is not None:
        firsts = firsts or [""] * len(rows)
        lasts = lasts or [""] * len(rows)
        names = [n or f"{a} {b}".strip() for n, a, b in zip(names, firsts, lasts)]
    unnamed = sum(1 for n, pid in zip(names, ids) if not n and pid)
    if unnamed:
        st.warnings.append(f"{unnamed} employee(s) have no name; their id is used as the name")
    st.names = [n or pid for n, pid in zip(names, ids)]
    # Managers (ids, or names when every unknown value names exactly one person)
    managers = st.values("manager_id")
    unknown = {m for m in managers if m and m not in first_row}
    if unknown:
        name_counts = Counter(st.names)
        if all(name_counts.get(m, 0) == 1 for m in unknown):
            by_name = {n: pid for n, pid in zip(st.names, ids) if name_counts[n] == 1}
            managers = [by_name[m] if m in unknown else m for m in managers]
            st.warnings.append(
                f"column {st.col('manager_id')!r} holds names, not ids: {len(unknown)} manager(s) matched by name"
            )
            unknown = set()
    st.managers = managers
    for pid, m, row in zip(ids, managers, rows):
        if m in unknown:
            st.problem(row, "manager_id", f"manager {m!r} does not exist")
        elif m and m == pid:
            st.warnings.append(f"row {row}: {pid!r} is their own manager; taken as the top of the org")
    st.titles = st.values("title") or [""] * len(rows)
    st.departments = st.values("department") or [""] * len(rows)
    st.costs = _numbers(st, "cost", _parse_cost, default=None)
    st.ftes = _ftes(st)
    st.region_params = {
        f: _numbers(st, f, _parse_signed, default=None) for f in ("tz_offset_hours", "market_complexity", "cost_index")
    }


def _numbers(st: _ImportState, f: str, parse, default: float | None) -> list[float | None]:
    """The numbers of column ``f`` read by ``parse`` (``default`` where blank); a problem for each bad cell."""
    values = st.values(f)
    if values is None:
        return [default] * len(st.rows)
    parsed: dict[str, float | None | str] = {}
    for text in set(values):
        if not text:
            parsed[text] = default
            continue
        try:
            parsed[text] = parse(text)
        except ValueError as exc:
            parsed[text] = str(exc)
    out: list[float | None] = []
    label = _FIELD_LABELS[f]
    for text, row in zip(values, st.rows):
        value = parsed[text]
        if isinstance(value, str):
            st.problem(row, f, f"{label} {text!r} {value}")
            out.append(default)
        else:
            out.append(value)
    return out


def _ftes(st: _ImportState) -> list[float]:
    """The FTE of each row (1 where blank); a column that looks like percentages is divided by 100."""
    values = _numbers(st, "fte", _parse_fte, default=None)
    texts = st.values("fte") or [""] * len(st.rows)
    plain = [v for v, t in zip(values, texts) if v is not None and not t.endswith("%")]
    scale = 1.0
    if plain:
        median = float(pd.Series(plain).median())
        if median > 1.5 and max(plain) <= 100:
            scale = 0.01
            st.warnings.append(f"column {st.col('fte')!r} looks like percentages (median {median:g}): divided by 100")
    out = []
    for v, text, row in zip(values, texts, st.rows):
        if v is None:
            out.append(1.0)
            continue
        if not text.endswith("%"):
            v *= scale
        if v > 100:
            st.problem(row, "fte", f"fte {text!r} is more than 100")
        out.append(v)
    return out


def classify_people(st: _ImportState) -> None:
    """Kind, role and reason of each person: the rules, then the kind and role_id columns, then the overrides."""
    catalog = load_catalog()
    st.catalog = catalog
    matched = match_all(st.titles, st.departments, st.rules)  # in priority order, under a time limit
    kinds_col, roles_col = st.values("kind"), st.values("role_id")
    n = len(st.rows)
    kinds, roles, reasons = [""] * n, [""] * n, [""] * n
    roles_list = ", ".join(catalog)
    for i, (title, dept, row) in enumerate(zip(st.titles, st.departments, st.rows)):
        rule = matched[i]
        kind, role = (rule.kind, rule.role_id) if rule is not None else ("other", "")
        reason = rule.label if rule is not None else "no rule matched"
        k_text = kinds_col[i] if kinds_col is not None else ""
        r_text = roles_col[i] if roles_col is not None else ""
        given_role = None
        if r_text:
            given_role = _norm_role(r_text, catalog)
            if given_role is None:
                st.problem(row, "role_id", f"unknown role_id {r_text!r} (roles: {roles_list})")
        if k_text:
            given_kind = _norm_kind(k_text)
            if given_kind not in KINDS:
                st.problem(row, "kind", f"unknown kind {k_text!r} (kinds: {', '.join(KINDS)})")
            elif given_kind == "sales_ops":
                if given_role:
                    kind, role, reason = "sales_ops", given_role, "kind and role_id columns"
                elif not r_text and kind == "sales_ops":
                    reason = f"kind column; role from {reason}"
                elif not r_text:
                    st.problem(
                        row,
                        "kind",
                        f"kind 'sales_ops' needs a role_id (roles: {roles_list}); "
                        f"no rule gives one for title {title!r}",
                    )
            else:
                if r_text:
                    st.problem(
                        row,
                        "role_id",
                        f"role_id {r_text!r} given for kind {given_kind!r}; only sales_ops people have a role",
                    )
                kind, role, reason = given_kind, "", "kind column"
        elif given_role:
            kind, role, reason = "sales_ops", given_role, "role_id column"
        kinds[i], roles[i], reasons[i] = kind, role, reason
    for pid, (kind, role) in st.kind_overrides.items():
        if pid not in st.first_row:
            st.problems.append(ImportProblem(None, None, f"kind override names unknown employee {pid!r}"))
            continue
        i = st.first_index[pid]
        kind = _norm_kind(kind or "")
        role = role or ""
        if kind not in KINDS:
            st.problems.append(
                ImportProblem(
                    st.rows[i], None, f"kind override for {pid!r}: unknown kind {kind!r} (kinds: {', '.join(KINDS)})"
                )
            )
            continue
        if kind == "sales_ops":
            role_id = _norm_role(role, catalog) if role else (roles[i] if kinds[i] == "sales_ops" else None)
            if role_id is None:
                st.problems.append(
                    ImportProblem(
                        st.rows[i],
                        None,
                        f"kind override for {pid!r}: sales_ops needs a role_id (roles: {roles_list}), got {role!r}",
                    )
                )
                continue
            role = role_id
        else:
            role = ""
        kinds[i], roles[i], reasons[i] = kind, role, "override"
    st.kinds, st.roles, st.reasons = kinds, roles, reasons
    long_texts = sum(
        1 for t, d in set(zip(st.titles, st.departments)) if len(t) > MAX_TITLE_CHARS or len(d) > MAX_TITLE_CHARS
    )
    if long_texts:
        st.warnings.append(
            f"{long_texts:,} distinct title(s) or department(s) are longer than "
            f"{MAX_TITLE_CHARS:,} characters: the rules looked at the first {MAX_TITLE_CHARS:,}"
        )
