"""Plain words: every term a sales leader might not know has one definition, in the sidebar and in help texts."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from salesops.ui.glossary import GLOSSARY, define
from salesops.ui.text import plain
from tests.apptest_support import app, goto, open_sections, warm_server  # noqa: F401  (autouse: temp database, warm server)

# The words the workshop review named as unexplained.
REVIEWED = ("pp", "P10 / P50 / P90", "FTE", "Draws", "Seed", "Triangular range", "Single-point figure", "Elasticity")


def test_every_reviewed_term_has_a_definition_in_plain_words():
    for term in REVIEWED:
        text = define(term)
        assert 30 < len(text) < 300, term
        assert term.split(" ")[0].lower() not in ("see",), term
    assert define("pp").startswith("Percentage points")


def _sidebar_markdown(at: AppTest) -> str:
    return " ".join(plain(m.value) for m in at.sidebar.markdown)


GLOSSARY_FIRST = f"**{next(iter(GLOSSARY))}**"


def test_the_sidebar_lists_every_term_on_every_page():
    at = app()
    assert not _sidebar_markdown(at) or GLOSSARY_FIRST not in _sidebar_markdown(at)  # built only while open
    open_sections(at, "sidebar:glossary")
    for page in ("pages/roi.py", "pages/uncertainty.py", "pages/org_designer.py"):
        goto(at, page)  # the section stays open from page to page
        text = _sidebar_markdown(at)
        assert all(f"**{term}**: {GLOSSARY[term]}" in text for term in GLOSSARY), page


def test_the_uncertainty_page_explains_its_words_where_they_are_used():
    at = goto(app(), "pages/uncertainty.py")
    assert at.number_input(key="uncertainty:draws").help == define("Draws")
    assert at.number_input(key="uncertainty:seed").help == define("Seed")
    caption = " ".join(plain(c.value) for c in at.caption)
    assert "triangular" not in caption and "Deterministic" not in caption
    at.button(key="uncertainty:run").click().run()
    assert not at.exception, at.exception
    p10 = [m for m in at.metric if m.label.endswith("P10")]
    assert p10 and all(m.help == define("P10 / P50 / P90") for m in p10)
