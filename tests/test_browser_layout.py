"""Every page at a projector's sizes: no clipped control, no chart text cut short.

Each page of the sidebar's navigation is opened at 1024x768, 1280x720 and 1920x1080 in
Chromium, and two things are read from the live page:

1. Controls: a button, a segmented-control option (and the row that holds the options), a
   radio label, a select's value or a metric's value whose content is wider than its box
   (``scrollWidth > clientWidth``) is clipped or scrolled, as "Hybrid" was at 1280 when it
   showed as "Hy".
2. Chart text: the charts draw as SVG (the shared chart theme asks Vega for its SVG renderer,
   salesops/charts/common.py), so every title, axis label, legend entry and text mark is a
   ``<text>`` element whose words can be read. Vega shortens a text past its limit with "…";
   one that ends in "…" (or "...") was cut. A text that runs past the edge of its chart's
   drawing is cut too, by the edge instead of an ellipsis, and so is a drawing taller or wider
   than the box the page gives it. A category's label that Vega hid as overlapping is lost too.
   Chart text is also held to 14 px at least.

Both checks are written once in JavaScript below and return what they found, so a failure
names the page, the size and the words that were cut.
"""

from __future__ import annotations

import pytest

from tests.browser import ROOT, app_server, chromium, require_browser, wait_idle

pytestmark = pytest.mark.browser

SIZES = ((1024, 768), (1280, 720), (1920, 1080))

# Elements whose text a person must read in full; the check also looks at their descendants.
CONTROLS = ", ".join(
    (
        "[data-testid='stButtonGroup'] [role='radiogroup']",
        "[data-testid='stButtonGroup'] [role='group']",
        "button",
        "[data-testid='stRadio'] label",
        "[data-testid='stSelectbox']",  # the chosen value is the text of its input
        "[data-testid='stMultiSelect']",  # and of each chosen tag
        "[data-testid='stMetricValue']",
        "[data-testid='stMetricLabel']",
        "[role='tab']",
    )
)

CLIPPED_JS = """(selector) => {
    const seen = new Set();
    const found = [];
    const visible = (e) => {
        const r = e.getBoundingClientRect();
        return r.width > 0 && r.height > 0 && getComputedStyle(e).visibility !== 'hidden';
    };
    for (const root of document.querySelectorAll(selector)) {
        for (const e of [root, ...root.querySelectorAll('*')]) {
            if (seen.has(e) || e instanceof SVGElement || !visible(e)) continue;
            seen.add(e);
            // A 1-px element is visually hidden, for screen readers only (a radio's real input).
            if (e.scrollWidth > e.clientWidth + 1 && e.clientWidth > 1) {
                const where = e.closest('[class*="st-key-"]');
                const key = where ? [...where.classList].find(c => c.startsWith('st-key-')) : '';
                found.push({
                    text: (e.innerText || e.textContent || '').trim().slice(0, 80),
                    scroll: e.scrollWidth, client: e.clientWidth, key: key,
                    tag: e.tagName.toLowerCase(), testid: e.getAttribute('data-testid') || '',
                });
            }
        }
    }
    return found;
}"""

CHART_TEXT_JS = """() => {
    const charts = [...document.querySelectorAll('[data-testid="stVegaLiteChart"], .vega-embed')]
        .filter(e => !e.parentElement.closest('.vega-embed'));
    const cut = [];
    let svg = 0, canvas = 0, texts = 0;
    for (const chart of charts) {
        const drawing = chart.querySelector('svg.marks');
        if (!drawing) { if (chart.querySelector('canvas')) canvas++; continue; }
        svg++;
        const box = drawing.getBoundingClientRect();
        // A drawing larger than the box the page gave the chart is cut by the box (or runs over what follows).
        const holder = chart.closest('[data-testid="stElementContainer"]');
        const room = holder ? holder.getBoundingClientRect() : box;
        if (box.bottom > room.bottom + 1 || box.right > room.right + 1) {
            cut.push({text: 'the whole chart', outside: true, height: Math.round(box.height),
                      box: Math.round(room.height), width: Math.round(box.width), chart: Math.round(room.width)});
        }
        for (const t of drawing.querySelectorAll('text')) {
            const words = (t.textContent || '').trim();
            if (!words) continue;
            texts++;
            const r = t.getBoundingClientRect();
            // Vega hides a label it finds overlapping: fine for every other number of an axis, not for
            // a category's name (two letters or more).
            const shown = t.getAttribute('opacity') !== '0';
            const hidden = !shown && /[A-Za-z]{2}/.test(words);
            const outside = shown && (r.left < box.left - 1 || r.right > box.right + 1);
            if (/(\\u2026|\\.\\.\\.)$/.test(words) || words.includes('\\u2026') || outside || hidden) {
                cut.push({text: words.slice(0, 100), outside: outside, hidden: hidden,
                          width: Math.round(r.width), chart: Math.round(box.width)});
            }
        }
    }
    return {charts: charts.length, svg: svg, canvas: canvas, texts: texts, cut: cut};
}"""

SMALL_CHART_TEXT_JS = """() => {
    const small = [];
    for (const t of document.querySelectorAll('.vega-embed svg.marks text')) {
        const words = (t.textContent || '').trim();
        if (!words) continue;
        const size = parseFloat(getComputedStyle(t).fontSize || t.getAttribute('font-size'));
        if (size < 14) small.push({text: words.slice(0, 60), size: size});
    }
    return small;
}"""


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The app on a store of its own: what these pages add (an initiative) stays out of every other test's."""
    require_browser()
    db = tmp_path_factory.mktemp("db") / "layout.db"
    with app_server(env={"SALESOPS_DATABASE_URL": f"sqlite:///{db}"}) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


def nav_pages(page) -> list[tuple[str, str]]:
    """(title, address) of each page of the sidebar's navigation, in its order."""
    return page.evaluate(
        """() => [...document.querySelectorAll("[data-testid='stSidebarNav'] a")]
            .map(a => [a.innerText.trim().split('\\n').pop().trim(), a.href])"""
    )


# Pages whose charts appear after a click: (the button to click, first what to choose).
CHART_AFTER_CLICK = {
    "Uncertainty": (".st-key-uncertainty-run button", None),  # the Monte Carlo
    "Recommended design": (".st-key-recommend-odds_run button", None),  # the odds and what would change them
    "ROI levers": (".st-key-levers-add button", ".st-key-levers-add_choice"),  # one default initiative
}


def open_page(page, title: str, href: str) -> None:
    """Open a page through the sidebar (by its address where a page hid the sidebar, as presentation mode does).

    Where a page draws its charts only after a click (:data:`CHART_AFTER_CLICK`), make it, so that
    those charts are checked too.
    """
    link = page.locator(f"[data-testid='stSidebarNav'] a[href='{href}']")
    if link.count() and link.is_visible():
        link.click()
    else:
        page.goto(href)
    wait_idle(page, timeout_ms=60_000)
    settle(page)
    button, choice = CHART_AFTER_CLICK.get(title, (None, None))
    if button:
        charts_before = page.locator("[data-testid='stVegaLiteChart']").count()
        if choice:
            page.locator(f"{choice} [role='combobox']").click()
            page.get_by_role("option").first.click()
            page.keyboard.press("Escape")
        page.locator(button).click()
        wait_idle(page, timeout_ms=90_000)
        page.wait_for_function(
            "n => document.querySelectorAll('[data-testid=\"stVegaLiteChart\"]').length > n",
            arg=charts_before,
            timeout=90_000,
        )
        settle(page)


def settle(page) -> None:
    """Wait until the page is whole: no element still loading or stale, every chart drawn by Vega."""
    wait_idle(page, timeout_ms=60_000)
    page.wait_for_function(
        """() => !document.querySelector('[data-testid="stSkeleton"], [data-stale="true"]')
            && [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')]
                .every(c => c.querySelector('svg.marks, canvas'))""",
        timeout=60_000,
    )
    page.wait_for_timeout(300)  # a legend or an axis laid out in a second pass


def report(problems: dict[str, dict], width: int, height: int) -> str:
    """One line per problem: the page, what is wrong and the words concerned."""
    lines = [f"at {width}x{height}:"]
    for title, found in problems.items():
        for kind, items in found.items():
            for item in items if isinstance(items, list) else [items]:
                lines.append(f"  {title}: {kind}: {item}")
    return "\n".join(lines)


@pytest.mark.parametrize("width,height", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_no_page_clips_a_control_or_cuts_chart_text(server, browser, width, height):
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    try:
        page.goto(server)
        wait_idle(page, timeout_ms=60_000)
        pages = nav_pages(page)
        assert len(pages) >= 14, pages  # the test covers every page the app lists
        problems: dict[str, dict] = {}
        charts_seen = 0
        for title, href in pages:
            open_page(page, title, href)
            clipped = page.evaluate(CLIPPED_JS, CONTROLS)
            text = page.evaluate(CHART_TEXT_JS)
            small = page.evaluate(SMALL_CHART_TEXT_JS)
            charts_seen += text["svg"]
            found = {
                k: v
                for k, v in (("clipped", clipped), ("chart text cut", text["cut"]), ("chart text under 14 px", small))
                if v
            }
            if text["canvas"]:
                found["charts not drawn as SVG (text unreadable here)"] = text["canvas"]
            if found:
                problems[title] = found
                (ROOT / "test-artifacts").mkdir(exist_ok=True)
                slug = title.lower().replace(" ", "-").replace("&", "and")
                page.screenshot(path=str(ROOT / "test-artifacts" / f"layout-{slug}-{width}.png"))
        assert charts_seen >= 20, charts_seen  # the chart check read real charts, those behind a click too
        assert not problems, report(problems, width, height)
    finally:
        context.close()
