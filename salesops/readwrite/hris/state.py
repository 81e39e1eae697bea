"""The shared state of one import, which the stages of :func:`salesops.readwrite.hris.build_import` fill in turn.

Also the two ids an import may make up: the region of people without one, and the root added above
several people with no manager.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

import pandas as pd

from salesops.model.roles import RoleSpec
from salesops.model.scenario import Region
from salesops.readwrite.hris.errors import ImportProblem, ImportRejected
from salesops.readwrite.hris.read import RawTable
from salesops.readwrite.hris.rules import Rule

UNASSIGNED = "unassigned"
VIRTUAL_ROOT_ID = "virtual-root"


def _later() -> Any:
    """A field a stage sets: not an argument, unset (AttributeError) until then."""
    return field(init=False, repr=False, compare=False)


@dataclass
class _ImportState:
    """One import in progress: its inputs, the problems and warnings so far, and what each stage worked out.

    The stages run in the order of the groups below (see :func:`salesops.readwrite.hris.build._run`);
    each sets its group, and reads what the earlier ones set. Lists indexed like ``rows`` hold one value
    per file row; ``pos`` maps an employee id to that index.
    """

    raw: RawTable
    mapping: Mapping[str, str | None]
    rules: list[Rule]
    keep_other: bool
    virtual_root: bool
    kind_overrides: dict[str, tuple[str, str]]
    name: str
    region_map: dict[str, str] = field(default_factory=dict)  # location -> region name, the user's choices
    placement_overrides: dict[str, str] = field(default_factory=dict)  # employee id -> "central" | "embedded"
    extra_summary: dict[str, Any] = field(default_factory=dict)  # summary entries a stage adds
    problems: list[ImportProblem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # build._run
    frame: pd.DataFrame = _later()
    rows: list[int] = _later()
    # people.check_mapping: field -> the file's column
    cols: dict[str, str] = _later()
    # people.read_people
    ids: list[str] = _later()
    first_row: dict[str, int] = _later()
    first_index: dict[str, int] = _later()
    names: list[str] = _later()
    managers: list[str] = _later()
    titles: list[str] = _later()
    departments: list[str] = _later()
    costs: list[float | None] = _later()
    ftes: list[float] = _later()
    region_params: dict[str, list[float | None]] = _later()
    # people.classify_people
    catalog: dict[str, RoleSpec] = _later()
    kinds: list[str] = _later()
    roles: list[str] = _later()
    reasons: list[str] = _later()
    # tree.check_tree
    parent: dict[str, str | None] = _later()
    root_ids: list[str] = _later()
    # tree.trim_tree
    pos: dict[str, int] = _later()
    root: str = _later()
    new_parent: dict[str, str | None] = _later()
    ops_ids: list[str] = _later()
    dropped: set[str] = _later()
    kept: list[str] = _later()
    kind_of: dict[str, str] = _later()
    # regions.place_regions
    region_source: str | None = _later()
    region_of: dict[str, str] = _later()
    hq: str = _later()
    regions: list[Region] = _later()
    region_names: dict[str, str] = _later()
    cost_index: dict[str, float] = _later()

    # ----- helpers ----------------------------------------------------------
    def col(self, f: str) -> str | None:
        return self.cols.get(f)

    def values(self, f: str) -> list[str] | None:
        c = self.cols.get(f)
        return self.frame[c].tolist() if c is not None else None

    def problem(self, row: int | None, f: str | None, message: str) -> None:
        self.problems.append(ImportProblem(row, self.cols.get(f) if f else None, message))

    def stop_if_problems(self) -> None:
        if self.problems:
            rowed = sorted((p for p in self.problems if p.row is not None), key=lambda p: p.row)
            whole = [p for p in self.problems if p.row is None]
            raise ImportRejected(rowed + whole)
