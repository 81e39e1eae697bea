"""The org chart on the Org designer page, in Chromium: no label overlaps another or runs off the chart.

Two orgs (the mid-market sample, drawn with every region expanded as the page does
for a small org, and the enterprise sample, collapsed) at 1024x768, 1280x720 and
1440x900, one window resized in place as a projector would. The chart draws as SVG,
so every label is a ``<text>`` element whose box the browser reports; the check reads
those boxes and the node boxes around them, and fails on any two labels that
intersect, a label outside its node's box, a label or box past the edge of the chart
or of the window, text under 14 px, or text shortened with an ellipsis. A click on a
label (not only on its box) opens that node's details. Screenshots of each chart, whole,
go to test-artifacts/.
"""

from __future__ import annotations

import pytest

from salesops.model.org import build_org
from salesops.model.samples import load_sample
from tests.browser import ROOT, app_server, choose_option, chromium, require_browser, wait_idle

pytestmark = pytest.mark.browser

SIZES = ((1024, 768), (1280, 720), (1440, 900))
CHART = ".st-key-org-chart"

# Boxes (in page pixels) of the chart's labels, its node boxes and the chart itself, read from Vega's SVG.
READ_JS = """(sel) => {
    const holder = document.querySelector(sel + ' [data-testid="stVegaLiteChart"]') || document.querySelector(sel);
    const svg = holder && holder.querySelector('svg.marks');
    if (!svg) return null;
    const rect = (e) => { const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
    const labels = [...svg.querySelectorAll('g.mark-text.role-mark text')].map(t => ({
        text: t.textContent, box: rect(t), size: parseFloat(getComputedStyle(t).fontSize),
    }));
    const legend = [...svg.querySelectorAll('.role-legend text')].map(t => ({text: t.textContent, box: rect(t)}));
    const nodes = [...svg.querySelectorAll('g.mark-rect.role-mark path')].map(rect);
    return {svg: rect(svg), holder: rect(holder), window: [0, 0, innerWidth, innerHeight], labels, legend, nodes};
}"""


def _intersect(a, b, slack=0.5) -> bool:
    return a[0] < b[2] - slack and b[0] < a[2] - slack and a[1] < b[3] - slack and b[1] < a[3] - slack


def _inside(inner, outer, slack=0.5) -> bool:
    return (
        inner[0] >= outer[0] - slack
        and inner[1] >= outer[1] - slack
        and inner[2] <= outer[2] + slack
        and inner[3] <= outer[3] + slack
    )


def problems(seen: dict) -> list[str]:
    """Everything wrong with the chart the browser drew, in words."""
    found = []
    labels, legend, nodes = seen["labels"], seen["legend"], seen["nodes"]
    chart, holder = seen["svg"], seen["holder"]
    if chart[2] > holder[2] + 0.5 or chart[2] > seen["window"][2]:
        found.append(
            f"the chart ({chart[2] - chart[0]:.0f} px) is wider than its place ({holder[2] - holder[0]:.0f} px)"
        )
    texts = labels + legend
    for i, a in enumerate(texts):
        if a["text"].rstrip().endswith(("\u2026", "...")):
            found.append(f"cut with an ellipsis: {a['text']!r}")
        if not _inside(a["box"], chart) or a["box"][2] > seen["window"][2]:
            found.append(f"past the chart's edge: {a['text']!r} {a['box']} (chart {chart})")
        for b in texts[i + 1 :]:
            if _intersect(a["box"], b["box"]):
                found.append(f"overlap: {a['text']!r} and {b['text']!r}")
    for a in labels:
        if a["size"] < 14:
            found.append(f"under 14 px ({a['size']} px): {a['text']!r}")
        if not any(_inside(a["box"], n) for n in nodes):
            found.append(f"outside its box: {a['text']!r} {a['box']}")
    for i, a in enumerate(nodes):
        if not _inside(a, chart):
            found.append(f"a node box past the chart's edge: {a}")
        found.extend(f"two node boxes overlap: {a} {b}" for b in nodes[i + 1 :] if _intersect(a, b))
    return found


def read_chart(page) -> dict:
    """The chart once it has been drawn for the window's current width."""
    page.wait_for_function(
        """(sel) => {
            const h = document.querySelector(sel + ' [data-testid="stVegaLiteChart"]');
            const s = h && h.querySelector('svg.marks');
            return s && s.querySelectorAll('g.mark-text.role-mark text').length > 0
                && Math.abs(s.getBoundingClientRect().width - h.getBoundingClientRect().width) < 1;
        }""",
        arg=CHART,
        timeout=30_000,
    )
    page.wait_for_timeout(600)  # the web font is in and Vega's second pass (the legend) is done
    return page.evaluate(READ_JS, CHART)


def shoot(page, name: str, seen: dict) -> None:
    """A screenshot of the whole chart (the window made as tall as it), then the window as it was."""
    (ROOT / "test-artifacts").mkdir(exist_ok=True)
    size = page.viewport_size
    tall = int(seen["svg"][3] - seen["svg"][1]) + 400
    page.set_viewport_size({"width": size["width"], "height": max(size["height"], min(tall, 12_000))})
    page.wait_for_timeout(400)
    page.locator(CHART).screenshot(path=str(ROOT / "test-artifacts" / f"org-chart-{name}.png"))
    page.set_viewport_size(size)


@pytest.fixture(scope="module")
def server():
    require_browser()
    with app_server() as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


def _open_org_designer(page) -> None:
    page.locator("[data-testid='stSidebarNav']").get_by_text("Org designer", exact=True).click()
    page.wait_for_selector("h1:has-text('Org designer')", timeout=30_000)
    wait_idle(page)


@pytest.mark.parametrize(
    "sample,option",
    [("midmarket", None), ("enterprise", "Global enterprise (800 reps, 5 regions)")],
    ids=["midmarket-expanded", "enterprise-collapsed"],
)
def test_org_chart_labels_never_overlap_or_run_off_the_chart(server, browser, sample, option):
    scenario = load_sample(sample)
    expanded = build_org(scenario).number_of_nodes()
    collapsed = build_org(scenario, expand_regions=[]).number_of_nodes()
    want = expanded if sample == "midmarket" else collapsed  # the page collapses an org of more than 20 managers
    context = browser.new_context(viewport={"width": SIZES[0][0], "height": SIZES[0][1]})
    page = context.new_page()
    try:
        page.goto(server)
        page.wait_for_selector(".st-key-scenario-sample", timeout=30_000)
        wait_idle(page)
        if option:
            choose_option(page, ".st-key-scenario-sample", option)
            wait_idle(page)
        _open_org_designer(page)
        for width, height in SIZES:
            page.set_viewport_size({"width": width, "height": height})
            seen = read_chart(page)
            assert len(seen["labels"]) == len(seen["nodes"]) == want, (width, len(seen["labels"]), want)
            assert len(seen["legend"]) >= 5  # the five kinds of position
            found = problems(seen)
            shoot(page, f"{sample}-{width}x{height}", seen)
            assert not found, f"at {width}x{height}:\n" + "\n".join(found[:20])
    finally:
        context.close()


def _click_words(page, words: str) -> None:
    """Click where a person would: on the middle of a label's words."""
    label = page.locator(f"{CHART} g.mark-text.role-mark text").filter(has_text=words).first
    label.scroll_into_view_if_needed()
    box = label.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    wait_idle(page)


def test_clicking_a_label_opens_its_details(server, browser):
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    page = context.new_page()
    try:
        page.goto(server)
        page.wait_for_selector(".st-key-scenario-sample", timeout=30_000)
        wait_idle(page)
        choose_option(page, ".st-key-scenario-sample", "Global enterprise (800 reps, 5 regions)")
        wait_idle(page)
        _open_org_designer(page)
        read_chart(page)
        _click_words(page, "EMEA sales")
        page.wait_for_function(
            "() => document.querySelector('[data-testid=stMain]').innerText.includes('people report here directly')",
            timeout=15_000,
        )
        text = page.locator("[data-testid='stMain']").inner_text()
        details = text[text.index("Details") :]
        assert "EMEA sales" in details and "Regional VP" in details
        # A collapsed group stays collapsed until asked: its details offer to show its managers.
        _click_words(page, "24 managers")
        page.wait_for_selector(".st-key-org-expand_region button", timeout=15_000)
        assert page.locator(f"{CHART} g.mark-text.role-mark text").filter(has_text="Manager 1 (EMEA)").count() == 0
    finally:
        context.close()
