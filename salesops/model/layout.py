"""Where each box of the org chart goes: a tidy tree sized by its labels.

The org chart reads left to right: each layer of the org is a column, as wide as
the widest label in it, and every node is a box around its label (one to a few
lines). Down each column the boxes pack as tightly as the subtrees' outlines allow
(a Reingold-Tilford tidy tree with boxes of different heights), each parent centred
on its first and last child. So no two boxes ever overlap, and the reporting lines,
drawn as elbows in the gaps between columns, never cross a label.

Label widths are estimated from the advance widths of the chart's font (Source
Sans, the font Streamlit serves) with a safety margin, so the layout needs neither a
font file nor a browser. Long labels wrap at a width chosen so the whole chart fits
:data:`TARGET_WIDTH` pixels where it can.

Pure Python and deterministic; a 1,500-person org lays out in milliseconds.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Hashable, Mapping, Sequence, TypeVar

__all__ = [
    "COLUMN_GAP",
    "FONT_SIZE",
    "LINE_HEIGHT",
    "MARGIN",
    "NODE_GAP",
    "PAD_X",
    "PAD_Y",
    "TARGET_WIDTH",
    "Box",
    "Connector",
    "TreeLayout",
    "label_tree_layout",
    "label_tree_layouts",
    "text_width",
    "tidy_tree",
    "wrap_text",
]

N = TypeVar("N", bound=Hashable)

FONT_SIZE = 14.0  # px: readable on a projector
LINE_HEIGHT = 18.0  # px between the baselines of a label's lines
PAD_X = 5.0  # px between a box's side and its text
PAD_Y = 5.0  # px between a box's top or bottom and its text
NODE_GAP = 10.0  # px at least between two boxes of one column
COLUMN_GAP = 20.0  # px between two columns: room for the reporting lines
MARGIN = 4.0  # px around the whole chart (room for a selected box's thick outline)
TARGET_WIDTH = 590.0  # px: the chart's width on a 1280x720 screen with the sidebar open
MIN_WRAP = 64.0  # px: labels never wrap narrower than this
MAX_WRAP = 240.0  # px: ... nor wider than this

# Advance widths (in em) of Source Sans Regular for the printable ASCII characters
# " " (32) to "~" (126), measured in Chromium and rounded up.
_ASCII_EM = (
    0.2, 0.289, 0.426, 0.497, 0.497, 0.824, 0.609, 0.249, 0.303, 0.303, 0.418, 0.497, 0.249, 0.311, 0.249, 0.35,
    0.497, 0.497, 0.497, 0.497, 0.497, 0.497, 0.497, 0.497, 0.497, 0.497, 0.249, 0.249, 0.497, 0.497, 0.497, 0.425,
    0.847, 0.543, 0.588, 0.571, 0.615, 0.527, 0.494, 0.617, 0.652, 0.263, 0.479, 0.579, 0.486, 0.727, 0.647, 0.664,
    0.566, 0.664, 0.569, 0.534, 0.536, 0.645, 0.515, 0.786, 0.513, 0.476, 0.539, 0.303, 0.35, 0.303, 0.497, 0.5,
    0.542, 0.504, 0.553, 0.456, 0.555, 0.496, 0.292, 0.504, 0.544, 0.246, 0.247, 0.495, 0.255, 0.829, 0.547, 0.542,
    0.555, 0.555, 0.347, 0.419, 0.338, 0.544, 0.467, 0.719, 0.446, 0.467, 0.425, 0.303, 0.241, 0.303, 0.497,
)  # fmt: skip
_EM = {chr(32 + i): w for i, w in enumerate(_ASCII_EM)}
_EM.update({"·": 0.249, "–": 0.48, "—": 0.8, "‘": 0.249, "’": 0.249, "“": 0.426, "”": 0.426, "…": 0.948, "€": 0.497})
_WIDE_EM = 1.0  # East Asian wide and full-width characters
_OTHER_EM = 0.9  # anything else: wider than any letter of the table but "W", "m" and "@"
SAFETY = 1.04  # estimates run 4% (plus 1 px) over the measured widths: kerning, rounding, hinting


def _char_em(ch: str) -> float:
    em = _EM.get(ch)
    if em is not None:
        return em
    if unicodedata.combining(ch) or unicodedata.category(ch) in ("Cf", "Mn", "Me"):
        return 0.0
    if unicodedata.east_asian_width(ch) in ("W", "F"):
        return _WIDE_EM
    base = unicodedata.normalize("NFKD", ch)
    if base and base != ch and all(c in _EM or unicodedata.combining(c) for c in base):
        return sum(_EM.get(c, 0.0) for c in base)  # an accented letter is as wide as its letter
    return _OTHER_EM


_KNOWN: dict[str, float] = dict(_EM)  # every character measured so far


def _em(text: str) -> float:
    """The sum of the characters' widths in em."""
    try:
        return sum(map(_KNOWN.__getitem__, text))
    except KeyError:
        if len(_KNOWN) < 100_000:  # a bound on the memory an odd text can take
            _KNOWN.update((c, _char_em(c)) for c in set(text) if c not in _KNOWN)
        return sum(_KNOWN[c] if c in _KNOWN else _char_em(c) for c in text)


_SPACES = re.compile(r"[ \t\n\r\f\v]+")  # where a line may break: not at a no-break space


def _words(text: str) -> list[str]:
    return [w for w in _SPACES.split(text) if w]


def text_width(text: str, font_size: float = FONT_SIZE) -> float:
    """Width in pixels of one line of ``text`` in the chart's font, estimated on the safe side.

    Examples
    --------
    >>> text_width("")
    0.0
    >>> round(text_width("Deal desk"), 1)  # its letters' advance widths add up to 57.4 px at 14 px
    59.7
    >>> text_width("é") == text_width("e")
    True
    """
    if not text:
        return 0.0
    return _em(text) * font_size * SAFETY + 1.0


def wrap_text(text: str, max_width: float, font_size: float = FONT_SIZE) -> list[str]:
    """``text`` in lines no wider than ``max_width`` px: breaks at spaces, and inside a word only if it must.

    Runs of white space (new lines included) count as one space; a no-break space
    (``"\\u00a0"``) keeps its neighbours on one line. Never returns an empty list; an
    empty text is one empty line.

    Examples
    --------
    >>> wrap_text("Marketing operations and lead management", 140)
    ['Marketing operations', 'and lead management']
    >>> wrap_text("Supercalifragilistic", 60)
    ['Supercali', 'fragilistic']
    >>> wrap_text("", 100)
    ['']
    """
    if max_width <= 0:
        raise ValueError(f"max_width must be > 0 px, got {max_width!r}")
    room = (max_width - 1.0) / (font_size * SAFETY) + 1e-9  # the widest line, in em (a word exactly as wide fits)
    space = _KNOWN[" "]
    lines: list[str] = []
    current, used = "", 0.0
    for word in _words(text):
        width = _em(word)
        if current and used + space + width <= room:
            current, used = f"{current} {word}", used + space + width
            continue
        if current:
            lines.append(current)
        while width > room and len(word) > 1:  # a word wider than a line: break it where it must
            cut, taken = 0, 0.0
            for ch in word:
                step = _KNOWN[ch] if ch in _KNOWN else _char_em(ch)
                if taken + step > room and cut:
                    break
                taken += step
                cut += 1
            lines.append(word[:cut])
            word = word[cut:]
            width = _em(word)
        current, used = word, width
    lines.append(current)
    return lines


def tidy_tree(children: Mapping[N, Sequence[N]], root: N, breadth: Mapping[N, float], gap: float) -> dict[N, float]:
    """The centre of every node along the breadth axis of a layered tidy tree.

    Each node takes ``breadth[node]`` (its box's extent across the layers). Sibling
    subtrees are placed one after the other, each as close to the last as their
    outlines allow at every layer, at least ``gap`` apart; a parent sits midway
    between its first and last child. Outlines are merged smaller into larger, so
    the work is about linear in the number of nodes, and nothing recurses.

    Examples
    --------
    Three unit boxes under a root: 0, 2 and 4 apart by a gap of 1, the root over the middle.

    >>> sorted(tidy_tree({"r": ["a", "b", "c"]}, "r", {"r": 1, "a": 1, "b": 1, "c": 1}, gap=1).items())
    [('a', 0.0), ('b', 2.0), ('c', 4.0), ('r', 2.0)]

    A leaf next to a deep subtree tucks in beside it, level by level:

    >>> pos = tidy_tree({"r": ["a", "b"], "a": ["a1", "a2"]}, "r", dict.fromkeys(["r", "a", "b", "a1", "a2"], 1), 1)
    >>> pos["b"] - pos["a"]  # b need only clear a (not a's children, one layer down)
    2.0
    """
    # Outline of a finished subtree: (tops, bottoms, offset); the lists run from the
    # deepest layer up to the subtree's root (the last item), each value plus offset
    # being the edge in the frame of the subtree's parent while it is being built.
    outline: dict[N, tuple[list[float], list[float], float]] = {}
    centre: dict[N, float] = {}  # a node's centre in its own subtree's frame
    shift: dict[N, float] = {}  # where a subtree's frame sits in its parent's
    stack: list[tuple[N, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        kids = children.get(node, ())
        if not done:
            stack.append((node, True))
            stack.extend((k, False) for k in reversed(kids))
            continue
        half = breadth[node] / 2.0
        if not kids:
            outline[node] = ([-half], [half], 0.0)
            centre[node] = 0.0
            continue
        tops, bots, off = outline.pop(kids[0])
        shift[kids[0]] = 0.0
        for kid in kids[1:]:
            k_tops, k_bots, k_off = outline.pop(kid)
            common = min(len(tops), len(k_tops))
            s = max(bots[-1 - j] + off - k_tops[-1 - j] - k_off for j in range(common)) + gap
            shift[kid] = s
            if len(k_tops) >= len(tops):  # keep the kid's lists; the layers both have keep the upper tops
                new_off = k_off + s
                for j in range(common):
                    k_tops[-1 - j] = tops[-1 - j] + off - new_off
                tops, bots, off = k_tops, k_bots, new_off
            else:  # keep ours; the layers both have take the kid's bottoms
                for j in range(common):
                    bots[-1 - j] = k_bots[-1 - j] + k_off + s - off
        first, last = kids[0], kids[-1]
        mid = (shift[first] + centre[first] + shift[last] + centre[last]) / 2.0
        centre[node] = mid
        tops.append(mid - half - off)
        bots.append(mid + half - off)
        outline[node] = (tops, bots, off)
    # Frames to absolute positions, parents before children.
    origin = {root: 0.0}
    out: dict[N, float] = {}
    todo = [root]
    while todo:
        node = todo.pop()
        out[node] = origin[node] + centre[node]
        for kid in children.get(node, ()):
            origin[kid] = origin[node] + shift[kid]
            todo.append(kid)
    return out


@dataclass(frozen=True)
class Box:
    """One node's box, in pixels from the chart's top-left corner, with its label's lines."""

    node: Hashable
    depth: int
    x: float
    y: float
    width: float
    height: float
    lines: tuple[str, ...]
    text_width: float  # the widest line, estimated on the safe side

    @property
    def text_box(self) -> tuple[float, float, float, float]:
        """(left, top, right, bottom) of the label's text."""
        left, top = self.x + PAD_X, self.y + PAD_Y
        return (left, top, left + self.text_width, top + len(self.lines) * LINE_HEIGHT)


@dataclass(frozen=True)
class Connector:
    """One straight piece of a reporting line: from (x, y) to (x2, y2), in pixels.

    Every x is a column's left edge plus an offset (``x = column + offset``), so a
    chart wider than the layout can spread the columns and keep the offsets.
    """

    column: float
    offset: float
    y: float
    column2: float
    offset2: float
    y2: float

    @property
    def x(self) -> float:
        return self.column + self.offset

    @property
    def x2(self) -> float:
        return self.column2 + self.offset2


@dataclass(frozen=True)
class TreeLayout:
    """The boxes of a tree, its columns (left edge, width) and its size in pixels."""

    boxes: dict[Hashable, Box]
    parents: dict[Hashable, Hashable]
    columns: tuple[tuple[float, float], ...]
    width: float
    height: float
    wrap: float  # the width labels wrapped at (a column with a longer word wraps wider)

    def connectors(self) -> list[Connector]:
        """The reporting lines as elbows: out of the manager's box, down the gap, into each report's box."""
        by_parent: dict[Hashable, list[Hashable]] = {}
        for node, parent in self.parents.items():
            by_parent.setdefault(parent, []).append(node)
        out: list[Connector] = []
        for parent, kids in by_parent.items():
            p = self.boxes[parent]
            left, col_width = self.columns[p.depth]
            child_left = self.columns[p.depth + 1][0]
            bus = col_width + COLUMN_GAP / 2.0  # offset of the vertical line from the parent's column
            mid_y = p.y + p.height / 2.0
            out.append(Connector(left, p.width, mid_y, left, bus, mid_y))
            ys = [self.boxes[k].y + self.boxes[k].height / 2.0 for k in kids]
            lo, hi = min(ys + [mid_y]), max(ys + [mid_y])
            if hi > lo:
                out.append(Connector(left, bus, lo, left, bus, hi))
            out.extend(Connector(left, bus, y, child_left, 0.0, y) for y in ys)
        return out


def _depths(children: Mapping[N, Sequence[N]], root: N) -> dict[N, int]:
    depth = {root: 0}
    todo = [root]
    while todo:
        node = todo.pop()
        for kid in children.get(node, ()):
            depth[kid] = depth[node] + 1
            todo.append(kid)
    return depth


def _column_wraps(natural: list[float], longest: list[float], target: float) -> tuple[float, list[float]]:
    """The widest wrap (within bounds) at which the columns fit ``target`` px, and each column's wrap.

    A column never wraps narrower than its longest word (up to :data:`MAX_WRAP`), so
    a word is split only when it is wider than that.
    """
    fixed = 2 * MARGIN + len(natural) * 2 * PAD_X + (len(natural) - 1) * COLUMN_GAP

    def columns(wrap: float) -> list[float]:
        return [min(MAX_WRAP, max(wrap, word)) for word in longest]

    def total(wrap: float) -> float:
        return fixed + sum(min(n, c) for n, c in zip(natural, columns(wrap)))

    lo, hi = MIN_WRAP, MAX_WRAP
    if total(hi) <= target:
        lo = hi
    elif total(lo) <= target:
        for _ in range(30):  # total() is monotone in wrap: bisect to well under a pixel
            mid = (lo + hi) / 2.0
            lo, hi = (mid, hi) if total(mid) <= target else (lo, mid)
    return lo, columns(lo)


def label_tree_layout(
    children: Mapping[N, Sequence[N]],
    root: N,
    labels: Mapping[N, Sequence[str]],
    target_width: float = TARGET_WIDTH,
) -> TreeLayout:
    """Boxes for a tree whose nodes carry labels of one or more paragraphs, left to right by layer.

    Each paragraph of a label starts a new line and wraps at one width for the whole
    chart, the widest (from :data:`MIN_WRAP` to :data:`MAX_WRAP`) at which the
    columns fit ``target_width``, though never inside a word that a column could
    hold; a deeper tree than fits is wider than the target.

    Examples
    --------
    >>> labels = {"cro": ["Chief Revenue Officer"], "a": ["EMEA"], "b": ["Americas", "Regional VP"]}
    >>> lay = label_tree_layout({"cro": ["a", "b"]}, "cro", labels)
    >>> [len(lay.boxes[n].lines) for n in ("cro", "a", "b")]
    [1, 1, 2]
    >>> lay.boxes["a"].x == lay.boxes["b"].x > lay.boxes["cro"].x + lay.boxes["cro"].width
    True
    """
    return label_tree_layouts(children, root, labels, (target_width,))[0]


def label_tree_layouts(
    children: Mapping[N, Sequence[N]],
    root: N,
    labels: Mapping[N, Sequence[str]],
    target_widths: Sequence[float],
) -> list[TreeLayout]:
    """:func:`label_tree_layout` for each of several target widths (the tree is read once)."""
    for target in target_widths:
        if not 100 <= target <= 100_000:
            raise ValueError(f"target width must be 100 to 100,000 px, got {target!r}")
    depth = _depths(children, root)
    layers = max(depth.values()) + 1
    paragraphs = {node: [" ".join(_words(p)) for p in (labels.get(node) or [""])] for node in depth}
    natural_of = {node: [text_width(p) for p in paras] for node, paras in paragraphs.items()}
    natural = [0.0] * layers
    longest = [0.0] * layers
    for node, d in depth.items():
        natural[d] = max([natural[d], *natural_of[node]])
        longest[d] = max([longest[d], *(text_width(w) for p in paragraphs[node] for w in _words(p))])
    parents: dict[Hashable, Hashable] = {kid: node for node in depth for kid in children.get(node, ())}
    out = []
    for target in target_widths:
        wrap, wraps = _column_wraps(natural, longest, target)
        lines: dict[N, tuple[str, ...]] = {}
        widths: dict[N, float] = {}
        col_text = [0.0] * layers
        for node, d in depth.items():
            ls: list[str] = []
            width = 0.0
            for para, nat in zip(paragraphs[node], natural_of[node]):
                if nat <= wraps[d]:  # fits on one line as it is
                    ls.append(para)
                    width = max(width, nat)
                else:
                    wrapped = wrap_text(para, wraps[d])
                    ls.extend(wrapped)
                    width = max([width, *map(text_width, wrapped)])
            lines[node] = tuple(ls)
            widths[node] = width
            col_text[d] = max(col_text[d], width)
        columns = []
        left = MARGIN
        for d in range(layers):
            columns.append((left, col_text[d] + 2 * PAD_X))
            left += col_text[d] + 2 * PAD_X + COLUMN_GAP
        heights = {node: len(ls) * LINE_HEIGHT + 2 * PAD_Y for node, ls in lines.items()}
        centre = tidy_tree(children, root, heights, NODE_GAP)
        top = min(centre[n] - heights[n] / 2.0 for n in centre) - MARGIN
        boxes: dict[Hashable, Box] = {
            node: Box(
                node=node,
                depth=d,
                x=columns[d][0],
                y=centre[node] - heights[node] / 2.0 - top,
                width=widths[node] + 2 * PAD_X,
                height=heights[node],
                lines=lines[node],
                text_width=widths[node],
            )
            for node, d in depth.items()
        }
        height = max(b.y + b.height for b in boxes.values()) + MARGIN
        width = columns[-1][0] + columns[-1][1] + MARGIN
        out.append(TreeLayout(boxes, parents, tuple(columns), width, height, wrap))
    return out
