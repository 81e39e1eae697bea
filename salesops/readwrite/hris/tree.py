"""Import stage 3: check the reporting tree (cycles, roots) and trim it (a virtual root; sales-ops staff out).

:func:`check_tree` finds reporting cycles and the roots; :func:`trim_tree` adds a virtual root above
several roots, takes the sales-ops staff (and, on request, the people classified other) out of the
tree and moves their reports up. Both are functions of the shared
:class:`~salesops.readwrite.hris.state._ImportState`.
"""

from __future__ import annotations

from salesops.readwrite.hris.errors import ImportProblem
from salesops.readwrite.hris.state import VIRTUAL_ROOT_ID, _ImportState


def check_tree(st: _ImportState) -> None:
    """Parents and roots (``st.parent``, ``st.root_ids``); a problem for each cycle, for no root or several."""
    parent: dict[str, str | None] = {}
    roots: list[str] = []
    for pid, m in zip(st.ids, st.managers):
        if not pid or pid in parent:
            continue
        if not m or m == pid:
            parent[pid] = None
            roots.append(pid)
        elif m in st.first_row:
            parent[pid] = m
        else:
            parent[pid] = None  # unknown manager: already a problem, not a root
    state: dict[str, int] = {}
    cycles = []
    for start in parent:
        if start in state:
            continue
        path = []
        node: str | None = start
        while node is not None and node not in state:
            state[node] = 1
            path.append(node)
            node = parent[node]
        if node is not None and state[node] == 1:
            cycles.append(path[path.index(node) :])
        for n in path:
            state[n] = 2
    for cycle in cycles:
        k = min(range(len(cycle)), key=lambda j: st.first_row[cycle[j]])
        ordered = cycle[k:] + cycle[:k]
        st.problem(st.first_row[ordered[0]], "manager_id", "reporting cycle: " + " -> ".join(ordered + [ordered[0]]))
    if not roots and parent:
        st.problems.append(
            ImportProblem(
                None,
                None,
                "no root: every employee has a manager; the top person's manager id must be blank (or their own id)",
            )
        )
    elif len(roots) > 1 and not st.virtual_root:
        shown = ", ".join(f"{r} (row {st.first_row[r]})" for r in roots[:10])
        more = f" and {len(roots) - 10} more" if len(roots) > 10 else ""
        st.problems.append(
            ImportProblem(
                None,
                st.cols.get("manager_id"),
                f"several roots (employees with no manager): {shown}{more}; give "
                "them a common manager, or import with the virtual-root option "
                "(--virtual-root) to add one above them",
            )
        )
    if len(roots) > 1 and st.virtual_root and VIRTUAL_ROOT_ID in parent:
        st.problem(
            st.first_row[VIRTUAL_ROOT_ID],
            "id",
            f"id {VIRTUAL_ROOT_ID!r} is taken, so no virtual root can be added above the {len(roots)} roots",
        )
    st.parent = parent
    st.root_ids = roots


def trim_tree(st: _ImportState) -> None:
    """The root, the kept people in breadth-first order and their new managers, the sales-ops staff and the dropped."""
    parent = dict(st.parent)
    pos = st.first_index
    st.pos = pos
    if len(st.root_ids) > 1:
        root = VIRTUAL_ROOT_ID
        for r in st.root_ids:
            parent[r] = root
        parent[root] = None
        st.warnings.append(
            f"added a virtual root {VIRTUAL_ROOT_ID!r} above the {len(st.root_ids)} "
            f"people with no manager: {', '.join(st.root_ids[:10])}" + (" ..." if len(st.root_ids) > 10 else "")
        )
    else:
        root = st.root_ids[0]
    st.root = root
    if root in pos:
        i = pos[root]
        if st.kinds[i] == "sales_ops":
            st.warnings.append(
                f"the top of the org {root!r} ({st.titles[i] or 'no title'}) is classified "
                "sales_ops; kept as the org's leader"
            )
            st.kinds[i], st.roles[i], st.reasons[i] = "leader", "", st.reasons[i] + "; top of the org"
    children: dict[str, list[str]] = {}
    for pid, m in parent.items():
        if m is not None:
            children.setdefault(m, []).append(pid)
    order = [root]
    for node in order:  # breadth first: a manager comes before their reports
        order.extend(children.get(node, ()))
    kind_of = {pid: st.kinds[i] for pid, i in pos.items()}
    if root == VIRTUAL_ROOT_ID:
        kind_of[root] = "leader"
    removed = {pid for pid, k in kind_of.items() if k == "sales_ops"}
    dropped = set()
    if not st.keep_other:
        dropped = {pid for pid, k in kind_of.items() if k == "other" and pid != root}
        if root in pos and kind_of[root] == "other":
            st.warnings.append(f"the top of the org {root!r} is classified other; kept so the org stays one tree")
    gone = removed | dropped
    new_parent: dict[str, str | None] = {root: None}
    for node in order[1:]:
        p = parent[node]
        new_parent[node] = p if p not in gone else new_parent[p]
    st.new_parent = new_parent
    st.ops_ids = [pid for pid in order if pid in removed]
    st.dropped = dropped
    st.kept = [pid for pid in order if pid not in gone]
    st.kind_of = kind_of
