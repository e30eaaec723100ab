"""The reader site for every reader: axe-core finds no serious fault, and the keyboard works.

A module of its own, so that pytest-xdist runs it beside the rest of the site
tests (axe-core reads every page, which takes a while); it builds its own copy
of the site.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers.publish import site
from tests.browser import browser, chromium_or_skip

pytestmark = pytest.mark.slow

#: axe-core's impact levels that fail the site (moderate and minor are reported, not failed).
BLOCKING_IMPACTS = {"serious", "critical"}
#: Long pages of same-made entries (records, sources) are checked on their first
#: entries: every entry comes from the same template, and axe-core's time grows
#: with the page (the events page alone took 16 s).
ENTRIES_CHECKED = 25
_TRIM_ENTRIES = f"""() => {{
  for (const selector of ['section:has(> .record)', 'main section > section']) {{
    const entries = document.querySelectorAll(selector);
    if (entries.length > {ENTRIES_CHECKED}) {{
      entries.forEach((entry, i) => {{ if (i >= {ENTRIES_CHECKED}) entry.remove(); }});
    }}
  }}
}}"""


@pytest.fixture(scope="module")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site") / "site"
    assert site.build_site(out=out).built
    return out


@pytest.fixture(scope="module")
def chromium():
    with browser(chromium_or_skip()) as context:
        yield context


#: axe-core's impact levels that fail the site (moderate and minor are reported, not failed).
BLOCKING_IMPACTS = {"serious", "critical"}


def test_no_page_has_a_serious_accessibility_violation(built_site: Path, chromium) -> None:
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    found = []
    for page_path in site.page_list(built_site):
        page = chromium.new_page()
        try:
            page.goto(page_path.as_uri(), wait_until="load")
            if page_path.parent.name == "records" or page_path.name == "sources.html":
                page.evaluate(_TRIM_ENTRIES)
            violations = axe.run(page).response["violations"]
        finally:
            page.close()
        found += [
            f"{page_path.relative_to(built_site)}: {v['id']} ({v['impact']}, {len(v['nodes'])})"
            for v in violations
            if v["impact"] in BLOCKING_IMPACTS
        ]
    assert found == []


def test_pages_work_by_keyboard(built_site: Path, chromium) -> None:
    """Tab reaches the skip link first, then visible, named controls; Enter opens a chart."""
    page = chromium.new_page()
    page.set_viewport_size({"width": 1280, "height": 900})
    try:
        page.goto((built_site / "chapters" / "02_ntm_i.html").as_uri(), wait_until="load")
        page.keyboard.press("Tab")
        first = page.evaluate("document.activeElement.textContent.trim()")
        assert "Skip to main content" in first
        unnamed = []
        for _ in range(40):
            page.keyboard.press("Tab")
            focused = page.evaluate(
                """() => { const e = document.activeElement; const r = e.getBoundingClientRect();
                    const img = e.querySelector('img');
                    const name = (e.getAttribute('aria-label') || e.textContent.trim()
                                  || e.alt || (img && img.alt) || e.title || '').trim();
                    return {tag: e.tagName, name: name.slice(0, 40), w: r.width, h: r.height}; }"""
            )
            if not focused["name"] or focused["w"] == 0 or focused["h"] == 0:
                unnamed.append(focused)
        assert unnamed == []
        # Every chart can be reached and opened from the keyboard, and closed with Escape.
        chart = page.locator("figure.chart a, figure.chart img[role=button]").first
        chart.focus()
        page.keyboard.press("Enter")
        assert page.locator("dialog.chart-zoom[open]").count() == 1
        page.keyboard.press("Escape")
        assert page.locator("dialog.chart-zoom").count() == 0
        assert page.evaluate("document.activeElement.closest('figure.chart') !== null")
    finally:
        page.close()
