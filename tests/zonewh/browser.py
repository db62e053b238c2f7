"""Pages opened in Debian's Chromium (Playwright, no browser download): screenshots at a desk
and a phone width, every request that would leave the machine refused and recorded, every
request that fails recorded, and how the page fits a 390 px screen."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

NARROW_CELLS = """() => [...document.querySelectorAll('td, th')].filter(c => c.offsetParent).map(c => {
    const s = getComputedStyle(c);
    const inner = c.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight);
    return {text: c.textContent.trim().slice(0, 20), chars: inner / parseFloat(s.fontSize)};
}).filter(c => c.text && c.chars < 1.8)"""

CUT_CELLS = """() => [...document.querySelectorAll('td, th')].filter(c => c.offsetParent)
    .filter(c => c.getBoundingClientRect().right > window.innerWidth + 1)
    .map(c => c.textContent.trim().slice(0, 20))"""
"""Table cells that reach past the right edge of the window (seen only by scrolling)."""


@dataclass
class Seen:
    """What opening one page at one width showed."""

    width: int
    text: str
    screenshot: Path
    scroll_width: int
    narrow_cells: list[dict] = field(default_factory=list)
    cut_cells: list[str] = field(default_factory=list)


@dataclass
class Visit:
    """Every page of a visit, and the requests it made that did not stay on the machine."""

    pages: list[Seen] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def open_pages(urls: list[str], shots: Path, widths: tuple[int, ...] = (1280, 390)) -> Visit:
    """Open each URL at each width; screenshots under `shots`."""
    from playwright.sync_api import sync_playwright

    assert CHROMIUM.exists(), "install Debian's chromium (make setup does, as root)"
    shots.mkdir(parents=True, exist_ok=True)
    visit = Visit()

    def route(r) -> None:
        url = r.request.url
        if url.startswith(("file:", "data:", "http://127.0.0.1", "http://localhost")):
            r.continue_()
        else:
            visit.outside.append(url)
            r.abort()

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS, headless=True)
        try:
            for i, url in enumerate(urls):
                for width in widths:
                    page = browser.new_page(viewport={"width": width, "height": 900})
                    page.route("**/*", route)
                    page.on("requestfailed", lambda r: visit.failed.append(r.url))
                    page.goto(url)
                    page.wait_for_load_state("networkidle")
                    shot = shots / f"page{i}-{width}.png"
                    page.screenshot(path=str(shot), full_page=True)
                    visit.pages.append(
                        Seen(
                            width=width,
                            text=page.inner_text("body"),
                            screenshot=shot,
                            scroll_width=page.evaluate("document.documentElement.scrollWidth"),
                            narrow_cells=page.evaluate(NARROW_CELLS),
                            cut_cells=page.evaluate(CUT_CELLS),
                        )
                    )
                    page.close()
        finally:
            browser.close()
    visit.failed = [u for u in visit.failed if u not in visit.outside]
    return visit
