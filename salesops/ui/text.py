"""User text shown through Streamlit's markdown, as plain text.

Streamlit renders markdown in ``st.markdown``, captions, alerts, widget labels
and help: a name such as ``![x](http://host/x.png)`` would make every viewer's
browser fetch that image, and ``:red[**ALERT**]`` would show as styled text.
Every string that comes from data (names, titles, notes, file names, messages
that quote them) goes through :func:`md` before it is placed in markdown.

Markdown punctuation is backslash-escaped. Streamlit's own extensions
(``:red[...]`` colours, ``:material/icon:`` icons, ``:emoji:`` codes) and GFM
autolinks (``http://...``, ``www.``, ``a@b``) are matched on the text after
escapes are resolved, so an invisible word joiner (U+2060) follows every
``:`` and comes before every ``.`` and ``@``: they still read as typed.

Examples
--------
>>> md("EMEA (London)")
'EMEA \\\\(London\\\\)'
>>> "](" in md("![x](http://evil/x.png)"), md("a_b") == "a\\\\_b"
(False, True)
"""

from __future__ import annotations

import re

__all__ = ["md", "plain"]

_PUNCTUATION = re.compile(r"([\\`*_{}\[\]()#+\-!|<>$~&=^\"'])")
_JOIN_AFTER = re.compile(r"(:)")
_JOIN_BEFORE = re.compile(r"([.@])")
_WORD_JOINER = "\u2060"


def md(text: object) -> str:
    """``text`` escaped so that Streamlit's markdown shows it exactly, styled by nothing."""
    escaped = _PUNCTUATION.sub(r"\\\1", str(text))
    joined = _JOIN_AFTER.sub(r"\1" + _WORD_JOINER, escaped)
    return _JOIN_BEFORE.sub(_WORD_JOINER + r"\1", joined)


def plain(markdown: str) -> str:
    """The text that :func:`md` escaped, as a reader sees it (for tests and logs).

    >>> plain(md("![x](http://evil/x.png) :red[a_b]")) == "![x](http://evil/x.png) :red[a_b]"
    True
    """
    return re.sub(r"\\(.)", r"\1", markdown.replace(_WORD_JOINER, ""))
