"""Open built pages in headless Chromium and list what is broken on them.

Debian's ``chromium`` is driven through Playwright's Python package; Playwright
never downloads a browser of its own here. A test that needs the browser asks
for :func:`chromium_or_skip`: without Chromium it skips with the reason, except
under ``CI=true``, where ``.ci/run`` has installed it and its absence is a
failure.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

#: Flags that keep Chromium from reaching out to the network on its own (the
#: machine's closed network refuses those connections and they show up as noise).
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
]


def chromium_path() -> str | None:
    """The system Chromium, if installed."""
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return None


def chromium_or_skip() -> str:
    """The Chromium executable; skip the test without it (fail under ``CI=true``)."""
    path = chromium_path()
    if path:
        return path
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail("CI=true but Chromium is not installed (.ci/run should have installed it)")
    pytest.skip("Chromium is not installed (apt-get install chromium); browser checks skipped")


@dataclass
class PageReport:
    """What went wrong while one page loaded."""

    url: str
    console_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    network_requests: list[str] = field(default_factory=list)
    broken_images: list[str] = field(default_factory=list)
    broken_links: list[str] = field(default_factory=list)
    #: Why the page reads as empty: too little text, no visible heading, images of no size.
    empty: list[str] = field(default_factory=list)
    #: Messages of alert(), confirm() or prompt() dialogs the page opened.
    dialogs: list[str] = field(default_factory=list)
    #: Elements or script effects that only injected markup could have made.
    injected: list[str] = field(default_factory=list)
    #: How many characters of visible text the page shows.
    text_length: int = 0

    @property
    def problems(self) -> list[str]:
        labelled = [
            ("console error", self.console_errors),
            ("failed request", self.failed_requests),
            ("network request", self.network_requests),
            ("image not shown", self.broken_images),
            ("broken internal link", self.broken_links),
            ("empty page", self.empty),
            ("dialog opened", self.dialogs),
            ("injected markup is live", self.injected),
        ]
        return [f"{self.url}: {label}: {item}" for label, items in labelled for item in items]


@contextmanager
def browser(executable: str) -> Iterator[object]:
    """A headless Chromium session with an empty profile (a Playwright context)."""
    from playwright.sync_api import sync_playwright

    with (
        tempfile.TemporaryDirectory(prefix="chromium-profile-") as profile,
        sync_playwright() as pw,
    ):
        context = pw.chromium.launch_persistent_context(
            profile,
            executable_path=executable,
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": 1280, "height": 900},
        )
        try:
            yield context
        finally:
            context.close()


def _local_target(href: str, page_file: Path) -> tuple[Path, str] | None:
    """The file and fragment an internal link points at (None for external links)."""
    parts = urlsplit(href)
    if parts.scheme not in ("", "file") or href.startswith(("mailto:", "javascript:")):
        return None
    if parts.scheme == "file":
        target = Path(unquote(parts.path))
    elif parts.path:
        target = (page_file.parent / unquote(parts.path)).resolve()
    else:
        target = page_file
    return target, unquote(parts.fragment)


_ID_PATTERN = r"""\bid=["']{}["']"""


def _has_anchor(file: Path, fragment: str) -> bool:
    if not fragment or file.suffix != ".html":
        return True
    text = file.read_text(encoding="utf-8", errors="replace")
    return re.search(_ID_PATTERN.format(re.escape(fragment)), text) is not None


#: Least visible text a page of the site must show to count as not empty.
MIN_TEXT = 200
#: What injected test markup (see tests/test_hostile_data.py) leaves if it runs:
#: an element carrying this attribute, or this global variable set by a script.
HOSTILE_ATTRIBUTE = "data-hostile"
HOSTILE_GLOBAL = "__hostile"

_CONTENT_CHECK = """() => {
  const visible = e => !!(e.offsetWidth || e.offsetHeight || e.getClientRects().length);
  const text = document.body ? document.body.innerText.trim().length : 0;
  const heading = Array.from(document.querySelectorAll('h1, h2'))
    .some(h => visible(h) && h.innerText.trim().length > 0);
  const flat = Array.from(document.images).filter(i => visible(i))
    .filter(i => { const r = i.getBoundingClientRect(); return r.width < 2 || r.height < 2; })
    .map(i => i.getAttribute('src'));
  return {text, heading, flat};
}"""


def check_page(
    context, file: Path, screenshot: Path | None = None, min_text: int = MIN_TEXT
) -> PageReport:
    """Open ``file`` in a new tab; report what is broken, empty or injected on it.

    Broken: console errors, failed requests, images that did not load, internal
    links to missing files or anchors; any request that is not for a local
    file counts as a network request (the pages must work from disk).
    Empty: less than ``min_text`` characters of visible text, no visible
    heading, or a visible image with no size. Injected: a dialog opened, an
    element carrying :data:`HOSTILE_ATTRIBUTE`, or :data:`HOSTILE_GLOBAL` set.
    """
    report = PageReport(file.as_uri())

    def on_console(message) -> None:
        if message.type == "error":
            report.console_errors.append(message.text)

    def on_request(request) -> None:
        if not request.url.startswith(("file:", "data:", "blob:", "about:")):
            report.network_requests.append(request.url)

    page = context.new_page()
    page.on("console", on_console)
    page.on("pageerror", lambda error: report.console_errors.append(str(error)))
    page.on("requestfailed", lambda r: report.failed_requests.append(f"{r.url} ({r.failure})"))
    page.on("request", on_request)

    def on_dialog(dialog) -> None:
        report.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    page.on("dialog", on_dialog)
    try:
        page.goto(file.as_uri(), wait_until="load")
        # Lazy images load only when scrolled into view: load them all first.
        page.evaluate("document.querySelectorAll('img').forEach(i => i.loading = 'eager')")
        page.wait_for_function("Array.from(document.images).every(i => i.complete)", timeout=10_000)
        report.broken_images = page.evaluate(
            "Array.from(document.images)"
            ".filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src)"
        )
        hrefs = page.evaluate(
            "Array.from(document.querySelectorAll('a[href]')).map(a => a.getAttribute('href'))"
        )
        for href in sorted(set(hrefs)):
            target = _local_target(href, file)
            if target is None:
                continue
            path, fragment = target
            if not path.exists():
                report.broken_links.append(f"{href} (no file {path})")
            elif not _has_anchor(path, fragment):
                report.broken_links.append(f"{href} (no anchor #{fragment} in {path.name})")
        content = page.evaluate(_CONTENT_CHECK)
        report.text_length = content["text"]
        if content["text"] < min_text:
            report.empty.append(f"{content['text']} characters of text (at least {min_text})")
        if not content["heading"]:
            report.empty.append("no visible heading")
        report.empty += [f"image {src} shown with no size" for src in content["flat"]]
        live = page.evaluate(f"document.querySelectorAll('[{HOSTILE_ATTRIBUTE}]').length")
        if live:
            report.injected.append(f"{live} element(s) with {HOSTILE_ATTRIBUTE}")
        if page.evaluate(f"typeof window.{HOSTILE_GLOBAL} !== 'undefined'"):
            report.injected.append(f"a script set window.{HOSTILE_GLOBAL}")
        if screenshot is not None:
            screenshot.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(screenshot), full_page=True)
    finally:
        page.close()
    return report


#: The size the decks are made for (``Reveal.initialize`` width and height).
SLIDE_VIEWPORT = {"width": 1280, "height": 720}

_WALK_SLIDES = """() => {
  const R = window.Reveal;
  const seen = [];
  const text = el => Array.from(el.childNodes).some(n => n.nodeType === 3 && n.textContent.trim());
  for (let i = 0; i < R.getTotalSlides(); i++) {
    R.slide(i, 0);
    const s = R.getCurrentSlide();
    const box = s.getBoundingClientRect();
    const outside = [], overflowing = [], midword = [];
    for (const el of s.querySelectorAll('*')) {
      if (el.closest('aside.notes')) continue;
      const name = el.tagName.toLowerCase() + (el.className ? '.' + el.className : '');
      const r = el.getBoundingClientRect();
      if (r.width || r.height) {
        const off = [['below', r.bottom - box.bottom], ['above', box.top - r.top],
                     ['beyond the right edge', r.right - box.right],
                     ['beyond the left edge', box.left - r.left]];
        for (const [side, px] of off) {
          if (px > 1) outside.push(`${name} ${Math.round(px)} px ${side}`);
        }
      }
      if (text(el)) {
        if (el.clientWidth && el.scrollWidth > el.clientWidth + 1) {
          overflowing.push(`${name}: ${el.scrollWidth} px of text in ${el.clientWidth} px`);
        }
        const css = getComputedStyle(el);
        if (['break-all', 'break-word'].includes(css.wordBreak)
            || ['anywhere', 'break-word'].includes(css.overflowWrap) || css.hyphens === 'auto') {
          midword.push(`${name}: word-break ${css.wordBreak}, `
                       + `overflow-wrap ${css.overflowWrap}, hyphens ${css.hyphens}`);
        }
      }
    }
    const notes = s.querySelector('aside.notes');
    const heading = s.querySelector('h1, h2');
    seen.push({
      index: i, kind: s.className.split(' ')[0],
      heading: heading ? heading.textContent.trim() : '',
      scroll: s.scrollHeight, client: s.clientHeight,
      bottom: box.bottom, right: box.right, viewport: window.innerHeight, width: window.innerWidth,
      outside, overflowing, midword,
      notes: notes ? notes.textContent.trim().length : 0,
      size: [R.getConfig().width, R.getConfig().height], notes_plugin: R.hasPlugin('notes'),
      shown: (s.innerText || '').trim().length + s.querySelectorAll('img').length,
    });
  }
  R.slide(0, 0);
  return seen;
}"""


def reveal_slides(context, deck: Path, report: PageReport | None = None) -> list[dict]:
    """Open a deck at 1280x720, wait until reveal.js has started, and measure every slide.

    Each slide gives its kind (the section's first class), heading, content
    height (``scroll``) and visible height (``client``), where its box lies in
    the window, the elements that lie outside its box (``outside``), the text
    elements wider than their box (``overflowing``) or set to break words
    (``midword``), the length of its speaker notes and of what it shows, the
    slide size reveal.js was given and whether its notes plugin runs. With
    ``report``, console errors and requests that are not for local files are
    added to it.
    """
    page = context.new_page()
    page.set_viewport_size(SLIDE_VIEWPORT)
    if report is not None:
        page.on(
            "console",
            lambda m: report.console_errors.append(m.text) if m.type == "error" else None,
        )
        page.on("pageerror", lambda error: report.console_errors.append(str(error)))
        page.on("requestfailed", lambda r: report.failed_requests.append(f"{r.url} ({r.failure})"))
        page.on(
            "request",
            lambda r: (
                None
                if r.url.startswith(("file:", "data:", "blob:", "about:"))
                else report.network_requests.append(r.url)
            ),
        )
    try:
        page.goto(deck.as_uri(), wait_until="load")
        page.wait_for_function(
            "() => window.Reveal && Reveal.isReady && Reveal.isReady()", timeout=15_000
        )
        page.evaluate("document.fonts.ready")
        return page.evaluate(_WALK_SLIDES)
    finally:
        page.close()


def unreadable_slides(slides: list[dict]) -> list[str]:
    """What runs off a slide or is hard to read: content outside the slide's box or the
    window, text wider than its box or set to break inside words, a slide without
    speaker notes or with nothing on it."""
    problems = []
    for s in slides:
        where = f"slide {s['index']}"
        if s["bottom"] > s["viewport"] + 1:
            problems.append(f"{where}: bottom edge below the window")
        if s.get("right", 0) > s.get("width", s.get("right", 0)) + 1:
            problems.append(f"{where}: right edge beyond the window")
        if s["scroll"] > s["client"] + 1:
            problems.append(f"{where}: {s['scroll']} px of content in {s['client']} px")
        problems += [f"{where}: {item}" for item in s.get("outside", [])]
        problems += [f"{where}: {item}" for item in s.get("overflowing", [])]
        problems += [f"{where}: breaks words: {item}" for item in s.get("midword", [])]
        if not s.get("notes", 1):
            problems.append(f"{where}: no speaker notes")
        if not s.get("shown", 1):
            problems.append(f"{where}: nothing on the slide")
    return problems
