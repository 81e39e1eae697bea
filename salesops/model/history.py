"""Undo and redo over immutable values, knowing what the last action changed.

:class:`History` is the pure core of the app's working scenario (the Streamlit
side, :mod:`salesops.ui.state`, only keeps one in the session). Besides the two
stacks it remembers

- ``before``: the value just before the last action, whatever that action was
  (an edit, an Undo or a Redo), so the change shown under a headline figure is
  always what the last click did;
- ``baseline``: the value the user started from (the loaded sample, file, link
  or saved version) with its label, so a workshop can see "since we began".
  Each step carries its baseline, so undoing past a load restores the earlier one.

Examples
--------
>>> h = History("a", "start")
>>> h.commit("b", "edit 1"), h.commit("c", "edit 2")
(True, True)
>>> h.undo(); (h.current, h.before, h.action)
True
('b', 'c', 'Undid: edit 2')
>>> h.redo(); (h.current, h.before, h.baseline)
True
('c', 'b', ('a', 'start'))
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

__all__ = ["History"]

T = TypeVar("T")


@dataclass(frozen=True)
class _Step(Generic[T]):
    value: T
    label: str
    baseline: tuple[T, str]


class History(Generic[T]):
    """A current value with undo and redo stacks (at most ``limit`` undo steps).

    Parameters
    ----------
    value : T
        The first value; it is also the first baseline.
    label : str
        What the value is ("Loaded sample 'midmarket'").
    limit : int
        Undo steps kept; older ones are dropped.
    """

    def __init__(self, value: T, label: str, limit: int = 100) -> None:
        if limit < 1:
            raise ValueError(f"limit must be at least 1, got {limit}")
        self.limit = limit
        self._past: list[_Step[T]] = []
        self._future: list[_Step[T]] = []
        self._cur = _Step(value, label, (value, label))
        self.before: T | None = None
        self.action = label
        self.revision = 0

    @property
    def current(self) -> T:
        return self._cur.value

    @property
    def label(self) -> str:
        """The label of the step that made the current value."""
        return self._cur.label

    @property
    def baseline(self) -> tuple[T, str]:
        """(value, label) the current value's line of edits started from."""
        return self._cur.baseline

    def can_undo(self) -> bool:
        return bool(self._past)

    def can_redo(self) -> bool:
        return bool(self._future)

    def commit(self, value: T, label: str, *, baseline: bool = False) -> bool:
        """Make ``value`` current (undoable). With ``baseline`` it also becomes the new baseline.

        Returns False, changing nothing, when ``value`` equals the current value.
        """
        if value == self._cur.value:
            return False
        self._past.append(self._cur)
        del self._past[: -self.limit]
        self._future.clear()
        self.before = self._cur.value
        self._cur = _Step(value, label, (value, label) if baseline else self._cur.baseline)
        self.action = label
        self.revision += 1
        return True

    def reset(self, value: T, label: str) -> None:
        """Start afresh from ``value`` (no undo past it; it is the baseline)."""
        self._past.clear()
        self._future.clear()
        self._cur = _Step(value, label, (value, label))
        self.before = None
        self.action = label
        self.revision += 1

    def undo(self) -> bool:
        """Go back one step; False when there is nothing to undo."""
        if not self._past:
            return False
        undone = self._cur
        self._future.append(undone)
        self.before = undone.value
        self._cur = self._past.pop()
        self.action = f"Undid: {undone.label}"
        self.revision += 1
        return True

    def redo(self) -> bool:
        """Go forward one step; False when there is nothing to redo."""
        if not self._future:
            return False
        self._past.append(self._cur)
        del self._past[: -self.limit]
        self.before = self._cur.value
        self._cur = self._future.pop()
        self.action = f"Redid: {self._cur.label}"
        self.revision += 1
        return True
