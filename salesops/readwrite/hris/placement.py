"""Import stage 5: where each sales-ops person sits in the design, read from the reporting lines.

:func:`place_people` walks up each sales-ops person's managers in the file (the reporting tree before
any trimming) and decides, for each, ``"central"`` or ``"embedded"`` and the region an embedded
person serves, with the reason in words:

1. the user's correction (``placement_overrides``) wins: "your correction"; then the file's optional
   ``placement`` column (``central`` or ``embedded``, written by :mod:`salesops.readwrite.export` so that
   an export re-imports with the same placements);
2. a dotted line (the optional ``dotted_line_id`` column) to a regional sales leader: embedded in
   that leader's region, whatever the solid line says (a matrix set-up: the region directs the work);
3. the solid line: the first of these met going up wins:

   * the head of sales ops (a leader whose title names sales, revenue or go-to-market operations, as
     rules 10 and 11 of ``data/classification_rules.csv`` say): central;
   * a regional sales leader: a leader or manager with reps under them, in a region other than HQ:
     embedded in that leader's region;
   * going up through other sales-ops people; when the line reaches the top without either of the
     above, the top-most of them who has sales-ops reports heads sales ops: central;

4. otherwise where the person sits: at HQ central (unless the department says embedded or local),
   elsewhere embedded in their own region.

May import :mod:`salesops.model` and the earlier stages only.

Examples
--------
>>> from salesops.readwrite.hris import build_import, guess_mapping, read_table
>>> text = (
...     "ID,Name,Manager,Title,Location\\n"
...     "1,Cleo,,Chief Revenue Officer,New York\\n"
...     "2,Vic,1,VP Sales Operations,New York\\n"
...     "3,Lou,1,VP Sales EMEA,London\\n"
...     "4,Ray,3,Account Executive,London\\n"
...     "5,Ann,2,Sales Enablement Manager,London\\n"
...     "6,Bea,3,Deal Desk Analyst,New York\\n"
... )
>>> raw = read_table(text.encode(), "org.csv")
>>> result = build_import(raw, guess_mapping(raw.frame.columns))
>>> [(p["name"], p["placement"], p["reason"]) for p in result.summary["placements"]]  # doctest: +NORMALIZE_WHITESPACE
[('Ann', 'central', 'reports to Vic (VP Sales Operations), the head of sales ops'),
 ('Bea', 'embedded', 'reports to Lou (VP Sales EMEA), who leads sales in EMEA')]
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from salesops.model.limits import MAX_TITLE_CHARS
from salesops.readwrite.hris.state import _ImportState

PLACEMENTS = ("central", "embedded")
_EMBEDDED = re.compile(r"\b(?:embedded|locali[sz]ed|local)\b", re.IGNORECASE)
# The function words of rules 10 and 11 (the head of sales ops); a title is at most MAX_TITLE_CHARS.
_OPS_WORDS = re.compile(
    r"\b(?:(?:sales|revenue|commercial|gtm|go[\s-]to[\s-]market)[\s&-]*(?:ops|operations)"
    r"|(?:sales|revenue)\s+strategy\s*(?:&|and)\s*op(?:eration)?s|rev\s?ops)\b",
    re.IGNORECASE,
)
_HEAD_RULE = re.compile(r"\bhead of sales ops\b", re.IGNORECASE)


@dataclass(frozen=True)
class Placement:
    """Where one sales-ops person counts in the design.

    ``team`` is ``"central"`` or the id of the region an embedded person serves; ``region`` is where
    they sit (the file's); ``corrected`` says the user's correction decided it.
    """

    placement: str
    team: str
    reason: str
    corrected: bool = False


def is_ops_head(st: _ImportState, pid: str) -> bool:
    """Whether a kept person is a head of sales ops: a leader classified by the head-of-sales-ops rules,
    or a leader whose title names sales, revenue or go-to-market operations."""
    i = st.pos.get(pid)
    if i is None or st.kind_of.get(pid) != "leader":
        return False
    return bool(_HEAD_RULE.search(st.reasons[i]) or _OPS_WORDS.search(st.titles[i][:MAX_TITLE_CHARS]))


def _who(st: _ImportState, pid: str) -> str:
    i = st.pos[pid]
    return f"{st.names[i]} ({st.titles[i]})" if st.titles[i] else st.names[i]


def _region_name(st: _ImportState, rid: str) -> str:
    return st.region_names.get(rid, rid)


def _sales_leaders(st: _ImportState) -> set[str]:
    """Leaders and managers with at least one rep under them (anywhere below) in a region other than HQ."""
    leads_reps: set[str] = set()
    for pid, kind in st.kind_of.items():
        if kind != "rep":
            continue
        node = st.parent.get(pid)
        while node is not None and node not in leads_reps:
            leads_reps.add(node)
            node = st.parent.get(node)
    return {
        pid
        for pid in leads_reps
        if st.kind_of.get(pid) in ("leader", "manager") and st.region_of.get(pid, st.hq) != st.hq
    }


def _dotted_lines(st: _ImportState) -> dict[str, str]:
    """Employee id -> the id their dotted line points to (ids, or names naming exactly one person)."""
    values = st.values("dotted_line_id")
    if values is None:
        return {}
    by_name: dict[str, str | None] = {}
    for pid, name in zip(st.ids, st.names):
        by_name[name] = None if name in by_name else pid  # None: the name is not unique
    out: dict[str, str] = {}
    unknown = 0
    for pid, target in zip(st.ids, values):
        if not target or pid not in st.pos or target == pid:
            continue
        found = target if target in st.pos else by_name.get(target)
        if found is None:
            unknown += 1
        else:
            out[pid] = found
    if unknown:
        st.warnings.append(
            f"{unknown} dotted line(s) in column {st.col('dotted_line_id')!r} name no one in the file; ignored"
        )
    return out


def _placement_column(st: _ImportState) -> dict[str, str]:
    """Employee id -> "central" or "embedded" from the file's placement column; a problem for another value."""
    values = st.values("placement")
    if values is None:
        return {}
    out: dict[str, str] = {}
    for pid, text, row in zip(st.ids, values, st.rows):
        wanted = text.strip().lower()
        if not wanted or pid not in st.pos or st.kind_of.get(pid) != "sales_ops":
            continue
        if wanted not in PLACEMENTS:
            st.problem(row, "placement", f"placement {text!r} must be 'central' or 'embedded' (or blank)")
            continue
        out[pid] = wanted
    return out


def _by_line(st: _ImportState, pid: str, leaders: set[str], has_ops_reports: set[str]) -> Placement | None:
    """The placement the solid reporting line implies, or None when it implies none."""
    node = st.parent.get(pid)
    top_ops: str | None = None
    while node is not None:
        if is_ops_head(st, node):
            return Placement("central", "central", f"reports to {_who(st, node)}, the head of sales ops")
        if node in leaders:
            rid = st.region_of[node]
            return Placement(
                "embedded", rid, f"reports to {_who(st, node)}, who leads sales in {_region_name(st, rid)}"
            )
        if st.kind_of.get(node) == "sales_ops" and node in has_ops_reports:
            top_ops = node
        node = st.parent.get(node)
    if top_ops is not None:
        return Placement("central", "central", f"reports to {_who(st, top_ops)}, the head of sales ops")
    if pid in has_ops_reports:
        return Placement("central", "central", "heads sales ops: sales-ops people report to them")
    return None


def _by_seat(st: _ImportState, pid: str) -> Placement:
    """The placement where the person sits implies (the rule when the lines say nothing)."""
    i = st.pos[pid]
    rid = st.region_of[pid]
    words = _EMBEDDED.search(st.departments[i])
    if rid == st.hq and not words:
        return Placement("central", "central", "sits at HQ")
    where = f"sits in {_region_name(st, rid)}" if rid != st.hq else "sits at HQ"
    if words:
        return Placement("embedded", rid, f"{where}; department {st.departments[i]!r} says {words.group(0).lower()}")
    return Placement("embedded", rid, where)


def place_people(st: _ImportState) -> dict[str, Placement]:
    """The placement of every sales-ops person (``st.ops_ids``), by the rules of this module.

    Sets ``st.extra_summary["placements"]``: one dict per sales-ops person in file order, with
    ``id, name, title, role_id, region, region_name, team, placement, reason, corrected``. A
    correction naming no sales-ops person of the file is ignored with a warning; one that is neither
    "central" nor "embedded" is a problem.
    """
    leaders = _sales_leaders(st)
    ops = set(st.ops_ids)
    has_ops_reports = {st.parent[pid] for pid in ops if st.parent.get(pid) in ops}
    dotted = _dotted_lines(st)
    given = _placement_column(st)
    out: dict[str, Placement] = {}
    for pid in st.ops_ids:
        if pid in given:
            wanted = given[pid]
            out[pid] = Placement(
                wanted, "central" if wanted == "central" else st.region_of[pid], "the placement column"
            )
            continue
        target = dotted.get(pid)
        line = _by_line(st, pid, leaders, has_ops_reports)
        if target is not None and target in leaders:
            rid = st.region_of[target]
            also = f"; solid line: {line.reason}" if line is not None and line.placement == "central" else ""
            found = Placement(
                "embedded",
                rid,
                f"dotted line to {_who(st, target)}, who leads sales in {_region_name(st, rid)}{also}",
            )
        else:
            found = line if line is not None else _by_seat(st, pid)
        out[pid] = found
    stale = []
    for pid, wanted in st.placement_overrides.items():
        wanted_text = str(wanted).strip().lower()
        if wanted_text not in PLACEMENTS:
            row = st.first_row.get(pid)
            st.problem(row, None, f"placement correction for {pid!r} must be 'central' or 'embedded', got {wanted!r}")
            continue
        if pid not in out:
            stale.append(pid)
            continue
        found = out[pid]
        if wanted_text == found.placement:
            out[pid] = Placement(
                found.placement, found.team, f"your correction (the file says so too: {found.reason})", True
            )
            continue
        team = "central" if wanted_text == "central" else st.region_of[pid]
        out[pid] = Placement(
            wanted_text, team, f"your correction (the file implies {found.placement}: {found.reason})", True
        )
    if stale:
        st.warnings.append(
            f"{len(stale)} placement correction(s) name no sales-ops person of this file "
            f"({', '.join(repr(s) for s in stale[:5])}{' ...' if len(stale) > 5 else ''}); ignored"
        )
    by_file = sorted(out, key=lambda pid: st.pos[pid])
    st.extra_summary["placements"] = [
        {
            "id": pid,
            "name": st.names[st.pos[pid]],
            "title": st.titles[st.pos[pid]],
            "role_id": st.roles[st.pos[pid]],
            "region": st.region_of[pid],
            "region_name": _region_name(st, st.region_of[pid]),
            "team": out[pid].team,
            "placement": out[pid].placement,
            "reason": out[pid].reason,
            "corrected": out[pid].corrected,
        }
        for pid in by_file
    ]
    return out
